/** The values the sandbox writes as CBOR: unsigned integers, text, bytes, arrays and text-keyed maps. */
export type CborValue = number | string | Uint8Array | CborValue[] | { [key: string]: CborValue };

/** A CBOR head (RFC 8949 §3): major type and argument, in the shortest form. */
function head(major: number, argument: number): Buffer {
  if (argument < 24) return Buffer.from([(major << 5) | argument]);
  if (argument < 0x100) return Buffer.from([(major << 5) | 24, argument]);
  const wide = argument < 0x10000;
  const out = Buffer.alloc(wide ? 3 : 5);
  out[0] = (major << 5) | (wide ? 25 : 26);
  if (wide) out.writeUInt16BE(argument, 1);
  else out.writeUInt32BE(argument, 1);
  return out;
}

/**
 * Encodes a value as deterministic CBOR (RFC 8949 §4.2.1: shortest heads, map keys sorted by their encoding). Hand
 * written because the sandbox needs these few types for one small claim, not a dependency.
 */
export function encodeCbor(value: CborValue): Buffer {
  if (typeof value === 'number') {
    if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) {
      throw new RangeError(`encodeCbor takes integers in [0, 2^32), got ${value}`);
    }
    return head(0, value);
  }
  if (typeof value === 'string') {
    const text = Buffer.from(value, 'utf8');
    return Buffer.concat([head(3, text.length), text]);
  }
  if (value instanceof Uint8Array) return Buffer.concat([head(2, value.length), value]);
  if (Array.isArray(value)) return Buffer.concat([head(4, value.length), ...value.map(encodeCbor)]);
  const entries = Object.entries(value)
    .map(([key, item]) => [encodeCbor(key), encodeCbor(item)] as const)
    .sort(([a], [b]) => Buffer.compare(a, b));
  return Buffer.concat([head(5, entries.length), ...entries.flat()]);
}
