/**
 * Whether an image carries C2PA content credentials (OpenAI's GPT image output does), found where the C2PA
 * specification (2.2, Annex A.3) puts the manifest store: a `caBX` chunk in PNG (§A.3.2), APP11 "JP" segments of
 * JUMBF in JPEG (§A.3.1), a `C2PA` chunk in WebP's RIFF (§A.3.6); the store is a JUMBF superbox labelled `c2pa`
 * (§11.1.4.2). Presence only: checking the signature needs a C2PA validator. Pictor never re-encodes images, so
 * credentials survive saving byte for byte; this tells a manifest that they are there.
 */
export function hasContentCredentials(bytes: Uint8Array): boolean {
  if (isPng(bytes)) return pngHasStore(bytes);
  if (bytes[0] === 0xff && bytes[1] === 0xd8) return jpegHasStore(bytes);
  if (ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 4) === 'WEBP') return webpHasStore(bytes);
  return false;
}

function ascii(bytes: Uint8Array, at: number, length: number): string {
  if (at + length > bytes.length) return '';
  let out = '';
  for (let i = at; i < at + length; i++) out += String.fromCharCode(bytes[i] as number);
  return out;
}

function u32be(bytes: Uint8Array, at: number): number {
  return (
    (((bytes[at] as number) << 24) >>> 0) +
    ((bytes[at + 1] as number) << 16) +
    ((bytes[at + 2] as number) << 8) +
    (bytes[at + 3] as number)
  );
}

function isPng(bytes: Uint8Array): boolean {
  return ascii(bytes, 1, 3) === 'PNG' && bytes[0] === 0x89;
}

/** A JUMBF superbox (`jumb`) whose description box (`jumd`) has the c2pa type UUID, starting at `at`. */
function isStore(bytes: Uint8Array, at: number): boolean {
  return (
    ascii(bytes, at + 4, 4) === 'jumb' && ascii(bytes, at + 12, 4) === 'jumd' && ascii(bytes, at + 16, 4) === 'c2pa'
  );
}

function pngHasStore(bytes: Uint8Array): boolean {
  for (let at = 8; at + 12 <= bytes.length;) {
    const length = u32be(bytes, at);
    const type = ascii(bytes, at + 4, 4);
    if (type === 'caBX') return isStore(bytes, at + 8);
    if (type === 'IEND') return false;
    at += 12 + length;
  }
  return false;
}

function jpegHasStore(bytes: Uint8Array): boolean {
  for (let at = 2; at + 4 <= bytes.length;) {
    if (bytes[at] !== 0xff) return false;
    const marker = bytes[at + 1] as number;
    if (marker === 0xda || marker === 0xd9) return false; // start of scan, end of image: no more metadata
    const length = ((bytes[at + 2] as number) << 8) + (bytes[at + 3] as number);
    // APP11 holding JPEG XT "JP" boxes: CI, En (2), Z (4), then the JUMBF.
    if (marker === 0xeb && ascii(bytes, at + 4, 2) === 'JP' && isStore(bytes, at + 12)) return true;
    at += 2 + length;
  }
  return false;
}

function webpHasStore(bytes: Uint8Array): boolean {
  for (let at = 12; at + 8 <= bytes.length;) {
    if (ascii(bytes, at, 4) === 'C2PA') return true;
    const size =
      (bytes[at + 4] as number) +
      ((bytes[at + 5] as number) << 8) +
      ((bytes[at + 6] as number) << 16) +
      (((bytes[at + 7] as number) << 24) >>> 0);
    at += 8 + size + (size % 2);
  }
  return false;
}
