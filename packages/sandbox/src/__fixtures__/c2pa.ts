import { crc32 } from 'node:zlib';

/**
 * Finds the C2PA manifest store by the rules of @pictor/core's detector (a `caBX` chunk in PNG, an APP11 "JP"
 * segment in JPEG, a `C2PA` chunk in WebP; the store a `jumb` whose `jumd` has the c2pa type UUID), and checks the
 * container is intact where c2pa-rs expects it: returns the store, or the reason there is none.
 */
export function findC2paStore(image: Buffer): { store: Buffer } | { missing: string } {
  const isStore = (at: number): boolean =>
    image.toString('latin1', at + 4, at + 8) === 'jumb' &&
    image.toString('latin1', at + 12, at + 16) === 'jumd' &&
    image.toString('latin1', at + 16, at + 20) === 'c2pa';
  if (image.toString('latin1', 1, 4) === 'PNG') {
    const stores: Buffer[] = [];
    let previous = '';
    for (let at = 8; at + 12 <= image.length;) {
      const length = image.readUInt32BE(at);
      const type = image.toString('latin1', at + 4, at + 8);
      const crc = image.readUInt32BE(at + 8 + length);
      if (crc !== crc32(image.subarray(at + 4, at + 8 + length))) return { missing: `bad CRC in ${type}` };
      if (type === 'caBX') {
        if (previous !== 'IHDR') return { missing: `caBX after ${previous}, not IHDR` };
        if (!isStore(at + 8)) return { missing: 'caBX holds no c2pa store' };
        stores.push(image.subarray(at + 8, at + 8 + length));
      }
      previous = type;
      at += 12 + length;
    }
    return stores.length === 1 ? { store: stores[0]! } : { missing: `${stores.length} caBX chunks` };
  }
  if (image[0] === 0xff && image[1] === 0xd8) {
    for (let at = 2, index = 0; at + 4 <= image.length; index++) {
      const marker = image[at + 1]!;
      if (image[at] !== 0xff || marker === 0xda || marker === 0xd9) break;
      const length = image.readUInt16BE(at + 2);
      if (marker === 0xeb && image.toString('latin1', at + 4, at + 6) === 'JP' && isStore(at + 12)) {
        // Right after SOI, or after a JFIF APP0 that must stay first.
        if (index > (image[3] === 0xe0 ? 1 : 0)) return { missing: 'APP11 is not right after SOI/APP0' };
        const store = image.subarray(at + 12, at + 2 + length);
        return store.readUInt32BE(0) === store.length ? { store } : { missing: 'APP11 store length mismatch' };
      }
      at += 2 + length;
    }
    return { missing: 'no APP11 JP segment' };
  }
  if (image.toString('latin1', 0, 4) === 'RIFF' && image.toString('latin1', 8, 12) === 'WEBP') {
    if (image.readUInt32LE(4) !== image.length - 8) return { missing: 'RIFF size not updated' };
    for (let at = 12; at + 8 <= image.length;) {
      const size = image.readUInt32LE(at + 4);
      const next = at + 8 + size + (size % 2);
      if (image.toString('latin1', at, at + 4) === 'C2PA') {
        if (next !== image.length) return { missing: 'C2PA chunk is not the last chunk' };
        return isStore(at + 8) ? { store: image.subarray(at + 8, at + 8 + size) } : { missing: 'C2PA chunk, no store' };
      }
      at = next;
    }
    return { missing: 'no C2PA chunk' };
  }
  return { missing: 'not PNG, JPEG or WebP' };
}

/** One JUMBF box: its type, its label (superboxes) and where its payload lies. */
export interface JumbfBox {
  type: string;
  /** A superbox's `jumd` type UUID's first four characters and label. */
  kind?: string;
  label?: string;
  payload: Buffer;
  /** A superbox's boxes after its description box. */
  children: JumbfBox[];
}

/** Parses boxes, checking every length adds up exactly. */
export function parseBoxes(bytes: Buffer): JumbfBox[] {
  const boxes: JumbfBox[] = [];
  for (let at = 0; at < bytes.length;) {
    const length = bytes.readUInt32BE(at);
    if (length < 8 || at + length > bytes.length) throw new Error(`box length ${length} at ${at} overruns`);
    const type = bytes.toString('latin1', at + 4, at + 8);
    const payload = bytes.subarray(at + 8, at + length);
    if (type === 'jumb') {
      const [description, ...children] = parseBoxes(payload);
      if (description?.type !== 'jumd') throw new Error('jumb without a leading jumd');
      const d = description.payload;
      if (d[16] !== 0x03) throw new Error(`jumd toggles ${d[16]}, want 3`);
      if (d.subarray(4, 16).toString('hex') !== '00110010800000aa00389b71') throw new Error('not a C2PA UUID');
      const end = d.indexOf(0, 17);
      if (end !== d.length - 1) throw new Error('label not null-terminated at the end of jumd');
      boxes.push({ type, kind: d.toString('latin1', 0, 4), label: d.toString('utf8', 17, end), payload, children });
    } else boxes.push({ type, payload, children: [] });
    at += length;
  }
  return boxes;
}

/** A small CBOR decoder (unsigned integers, byte and text strings, arrays, maps), rejecting anything left over. */
export function decodeCbor(bytes: Buffer): unknown {
  let at = 0;
  const read = (): unknown => {
    const initial = bytes[at++]!;
    const major = initial >> 5;
    const info = initial & 31;
    let n: number;
    if (info < 24) n = info;
    else if (info === 24) n = bytes[at++]!;
    else if (info === 25) {
      n = bytes.readUInt16BE(at);
      at += 2;
    } else if (info === 26) {
      n = bytes.readUInt32BE(at);
      at += 4;
    } else throw new Error(`unsupported CBOR head ${initial}`);
    switch (major) {
      case 0:
        return n;
      case 2:
      case 3: {
        const slice = bytes.subarray(at, (at += n));
        return major === 2 ? Buffer.from(slice) : slice.toString('utf8');
      }
      case 4:
        return Array.from({ length: n }, read);
      case 5:
        return Object.fromEntries(Array.from({ length: n }, () => [read(), read()]));
      default:
        throw new Error(`unsupported CBOR major type ${major}`);
    }
  };
  const value = read();
  if (at !== bytes.length) throw new Error(`${bytes.length - at} bytes after the CBOR value`);
  return value;
}
