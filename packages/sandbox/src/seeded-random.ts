import { createHash } from 'node:crypto';

/** SHA-256 of the parts, joined unambiguously. */
export function hashParts(...parts: Array<string | number>): Buffer {
  return createHash('sha256').update(JSON.stringify(parts)).digest();
}

/** A 32-bit seed from the first bytes of a hash of the parts. */
export function seed32(...parts: Array<string | number>): number {
  return hashParts(...parts).readUInt32BE(0);
}

/** mulberry32: a small, fast, deterministic PRNG returning floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
