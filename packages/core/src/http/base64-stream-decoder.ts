import { ResponseValidationError } from '../errors/index.js';

/** Where a decoding error is reported from; copied onto the `ResponseValidationError` it raises. */
export interface Base64StreamDecoderContext {
  requestId?: string;
  status?: number;
}

const EQUALS = 0x3d;

/** 1 for each byte of the standard base64 alphabet `A–Z a–z 0–9 + /`. */
const ALPHABET = new Uint8Array(256);
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/') ALPHABET[c.charCodeAt(0)] = 1;

/**
 * Decodes standard base64 text that arrives in pieces split at arbitrary points, e.g. the `b64_json` of an
 * images response read straight off the socket. Padding (`=`) is optional; anything outside
 * `A–Z a–z 0–9 + /`, a misplaced `=` or a dangling single character raises a {@link ResponseValidationError}
 * (not retryable) instead of being skipped the way `Buffer.from(text, 'base64')` skips it.
 *
 * Each push decodes its whole 4-character quanta natively (`Buffer.from(…, 'base64')`) and keeps the 0–3
 * leftover characters for the next push; decoded pieces are concatenated once, in {@link end}.
 *
 * @example
 * const decoder = new Base64StreamDecoder();
 * decoder.push(Buffer.from('aGVsbG'));
 * decoder.push(Buffer.from('8='));
 * decoder.end().toString(); // 'hello'
 */
export class Base64StreamDecoder {
  readonly #context: Base64StreamDecoderContext;
  readonly #pieces: Buffer[] = [];
  /** The 0–3 characters of an incomplete quantum. */
  #tail = '';
  /** How many alphabet characters have been pushed so far. */
  #chars = 0;
  /** How many `=` have been pushed so far; once non-zero, only `=` may follow. */
  #padding = 0;
  #ended = false;

  constructor(context: Base64StreamDecoderContext = {}) {
    this.#context = context;
  }

  /** Decodes the next piece of base64 text, given as its ASCII bytes. */
  push(chunk: Uint8Array): void {
    if (this.#ended) throw new Error('Base64StreamDecoder.push() called after end()');
    if (chunk.length === 0) return;
    const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length);
    const firstEquals = this.#padding > 0 ? 0 : bytes.indexOf(EQUALS);
    const dataEnd = firstEquals === -1 ? bytes.length : firstEquals;
    if (dataEnd > 0) this.#pushData(bytes, dataEnd);
    if (firstEquals !== -1) this.#pushPadding(bytes, firstEquals);
  }

  /** Checks that the text ended on a complete quantum and returns every decoded byte. */
  end(): Buffer {
    if (this.#ended) throw new Error('Base64StreamDecoder.end() called twice');
    this.#ended = true;
    const tail = this.#tail;
    if (tail.length === 1) throw this.#error(`ends with a lone character after ${this.#chars - 1} characters`);
    if (this.#padding > 0 && tail.length + this.#padding !== 4) throw this.#error('has incomplete padding');
    if (tail.length > 0) this.#pieces.push(Buffer.from(tail, 'base64'));
    const pieces = this.#pieces;
    return pieces.length === 1 && pieces[0] !== undefined ? pieces[0] : Buffer.concat(pieces);
  }

  /** `bytes[0, end)` holds no `=`: complete the pending quantum, decode the aligned middle, keep the rest. */
  #pushData(bytes: Buffer, end: number): void {
    let start = 0;
    if (this.#tail.length > 0) {
      start = Math.min(4 - this.#tail.length, end);
      const quantum = this.#tail + this.#validSlice(bytes, 0, start);
      if (quantum.length < 4) {
        this.#tail = quantum;
        return;
      }
      this.#pieces.push(Buffer.from(quantum, 'base64'));
      this.#tail = '';
    }
    const alignedEnd = start + ((end - start) & ~3);
    if (alignedEnd > start) {
      const span = bytes.subarray(start, alignedEnd);
      const decoded = Buffer.from(span.toString('latin1'), 'base64');
      // Validation at native speed: Node's decoder skips every character outside the alphabet (so fewer
      // than 3 bytes per 4 characters come out of a span without `=`) except the URL-safe `-` and `_`,
      // which it reads as `+` and `/`; two `indexOf` scans catch those. (Measured on 64 KiB chunks: ~4 GB/s,
      // against ~2.5 GB/s for a re-encoding round trip, 0.7 GB/s for a lookup-table loop, 0.2 GB/s for a
      // regex.) The tests pin this behaviour for every non-alphabet byte.
      if (decoded.length * 4 !== span.length * 3 || span.indexOf(0x2d) !== -1 || span.indexOf(0x5f) !== -1) {
        this.#rejectInvalid(bytes, start, alignedEnd);
      }
      this.#pieces.push(decoded);
      this.#chars += alignedEnd - start;
    }
    this.#tail = this.#validSlice(bytes, alignedEnd, end);
  }

  /** `bytes[from]` is `=`: everything from there on must be `=` too, completing the current quantum. */
  #pushPadding(bytes: Buffer, from: number): void {
    for (let i = from; i < bytes.length; i++) {
      if (bytes[i] !== EQUALS) throw this.#invalidCharacter(bytes[i] ?? 0, this.#chars + this.#padding + i - from);
    }
    this.#padding += bytes.length - from;
    if (this.#tail.length < 2 || this.#tail.length + this.#padding > 4) {
      throw this.#error(`has a misplaced "=" at offset ${this.#chars}`);
    }
  }

  /** A short slice (at most 3 characters) checked character by character. */
  #validSlice(bytes: Buffer, start: number, end: number): string {
    for (let i = start; i < end; i++) {
      const byte = bytes[i] ?? 0;
      if (ALPHABET[byte] !== 1) throw this.#invalidCharacter(byte, this.#chars + i - start);
    }
    this.#chars += end - start;
    return bytes.toString('latin1', start, end);
  }

  #rejectInvalid(bytes: Buffer, start: number, end: number): never {
    for (let i = start; i < end; i++) {
      const byte = bytes[i] ?? 0;
      if (ALPHABET[byte] !== 1) throw this.#invalidCharacter(byte, this.#chars + i - start);
    }
    throw this.#error('could not be decoded'); // unreachable: the checks above only fail on a bad character
  }

  #invalidCharacter(byte: number, offset: number): ResponseValidationError {
    const shown = byte >= 0x20 && byte < 0x7f ? ` ('${String.fromCharCode(byte)}')` : '';
    return this.#error(
      `has an unexpected character 0x${byte.toString(16).padStart(2, '0')}${shown} at offset ${offset}`,
    );
  }

  #error(detail: string): ResponseValidationError {
    return new ResponseValidationError(`invalid base64 in b64_json: the value ${detail}`, {
      ...this.#context,
      retryable: false,
    });
  }
}
