import { crc32 } from 'node:zlib';

/**
 * An empty C2PA manifest store: a JUMBF superbox (`jumb`) whose description box (`jumd`) has the c2pa type UUID,
 * toggles 0x03 and the label "c2pa" (C2PA 2.2 §11.1.4). Well-formed for detection; not a signed manifest.
 */
export const C2PA_STORE = Buffer.from(
  '000000266a756d620000001e6a756d646332706100110010800000aa00389b71036332706100',
  'hex',
);

/** A PNG with a `caBX` chunk holding `store` right after IHDR, where c2pa-rs writes it. */
export function withCaBX(png: Buffer, store: Buffer = C2PA_STORE): Buffer {
  const afterIhdr = 8 + 12 + png.readUInt32BE(8);
  const body = Buffer.concat([Buffer.from('caBX', 'ascii'), store]);
  const chunk = Buffer.alloc(12 + store.length);
  chunk.writeUInt32BE(store.length, 0);
  body.copy(chunk, 4);
  chunk.writeUInt32BE(crc32(body), 8 + store.length);
  return Buffer.concat([png.subarray(0, afterIhdr), chunk, png.subarray(afterIhdr)]);
}
