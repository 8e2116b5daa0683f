import { Base64StreamDecoder, type Base64StreamDecoderContext } from './base64-stream-decoder.js';
import { ResponseValidationError } from '../errors/index.js';

/** Options of {@link parseImagesBody}. */
export interface ParseImagesBodyOptions {
  /** Largest body accepted, in bytes; a longer one is refused as too large. Default 512 MiB. */
  maxBytes?: number;
  /**
   * Largest amount of text besides the `b64_json` values (the rest of the document: `revised_prompt`, `id`, …),
   * in bytes. It is all kept until the end, so it is bounded on its own. Default 1 MiB.
   */
  maxTextBytes?: number;
  /** Copied onto every `ResponseValidationError` raised. */
  requestId?: string;
  /** Copied onto every `ResponseValidationError` raised. */
  status?: number;
}

/** What {@link parseImagesBody} returns. */
export interface ParsedImagesBody {
  /** The document, with every `b64_json` string replaced by `"$pictor:binary:<k>"`. */
  json: unknown;
  /** The decoded bytes of each `b64_json` value, in document order: `binaries[k]`. */
  binaries: Buffer[];
}

/** The prefix of the string that stands in for the k-th `b64_json` value: `$pictor:binary:<k>`. */
export const BINARY_MARKER_PREFIX = '$pictor:binary:';

const DEFAULT_MAX_BYTES = 512 * 1024 * 1024;
const DEFAULT_MAX_TEXT_BYTES = 1024 * 1024;
const MAX_DEPTH = 512;

/**
 * Reads an images-API JSON answer (`{"data":[{"b64_json":"…"}, …], …}`) as it streams in, without ever
 * holding its base64 text: each string value of a key named `b64_json`, at any depth, is decoded chunk by
 * chunk as it arrives (JSON escapes such as `\/` and `\u002B` are honoured, escaped line breaks skipped), and
 * the small rest of the document is kept and parsed at the end.
 *
 * Raises `ResponseValidationError` (with `requestId`/`status`): retryable when the body ends before the
 * document is complete; not retryable for malformed JSON, invalid base64 or a body over `maxBytes`. An
 * error thrown by `body` itself (socket reset, body timeout) propagates unchanged.
 */
export async function parseImagesBody(
  body: AsyncIterable<Uint8Array>,
  options: ParseImagesBodyOptions = {},
): Promise<ParsedImagesBody> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const scanner = new ImagesBodyScanner({ requestId: options.requestId, status: options.status }, options.maxTextBytes);
  let received = 0;
  for await (const chunk of body) {
    received += chunk.length;
    if (received > maxBytes) {
      // Leaving the loop makes the iterator destroy the body stream.
      throw new ResponseValidationError(`The images response body is too large: more than ${maxBytes} bytes`, {
        ...scanner.context,
        retryable: false,
      });
    }
    scanner.write(chunk);
  }
  return scanner.end();
}

/**
 * {@link parseImagesBody} for a body already read whole (a small answer): the same result and the same errors,
 * faster. A clean document — valid JSON, not nested deeper than the scanner allows, every `b64_json` plain
 * base64 — is read by `JSON.parse` and each `b64_json` decoded by the same strict decoder; anything else goes
 * through the scanner, which raises exactly the error it always raises.
 */
export function parseImagesBodyBytes(bytes: Uint8Array, options: ParseImagesBodyOptions = {}): ParsedImagesBody {
  const context = { requestId: options.requestId, status: options.status };
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  if (bytes.length > maxBytes) {
    throw new ResponseValidationError(`The images response body is too large: more than ${maxBytes} bytes`, {
      ...context,
      retryable: false,
    });
  }
  const maxTextBytes = options.maxTextBytes ?? DEFAULT_MAX_TEXT_BYTES;
  // A body within the text cap cannot break it; a longer one goes through the scanner, which counts its text.
  const fast = bytes.length <= maxTextBytes ? parseCleanDocument(bytes, context) : undefined;
  if (fast) return fast;
  const scanner = new ImagesBodyScanner(context, maxTextBytes);
  scanner.write(bytes);
  return scanner.end();
}

/** The fast path of {@link parseImagesBodyBytes}; undefined when the document is not clean. */
function parseCleanDocument(bytes: Uint8Array, context: Base64StreamDecoderContext): ParsedImagesBody | undefined {
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('utf8'));
  } catch {
    return undefined;
  }
  const binaries: Buffer[] = [];
  return isClean(json, 0, binaries, context) ? { json, binaries } : undefined;
}

/**
 * Whether `value` is within the depth the scanner allows and every `b64_json` string in it is plain base64,
 * replacing each such string by its marker and its bytes into `binaries`. Depth counts open containers, as
 * the scanner's stack does.
 */
function isClean(value: unknown, depth: number, binaries: Buffer[], context: Base64StreamDecoderContext): boolean {
  if (typeof value !== 'object' || value === null) return true;
  if (depth >= MAX_DEPTH) return false;
  if (Array.isArray(value)) {
    for (const item of value) if (!isClean(item, depth + 1, binaries, context)) return false;
    return true;
  }
  const record = value as Record<string, unknown>;
  for (const key in record) {
    if (!Object.hasOwn(record, key)) continue;
    const item = record[key];
    if (key !== 'b64_json' || typeof item !== 'string') {
      if (!isClean(item, depth + 1, binaries, context)) return false;
      continue;
    }
    const decoded = decodePaddedBase64(item) ?? decodeStrict(item, context);
    if (decoded === undefined) return false;
    binaries.push(decoded);
    record[key] = BINARY_MARKER_PREFIX + (binaries.length - 1);
  }
  return true;
}

/** The strict decoder on a whole value; undefined where it refuses (escapes, non-ASCII text: the scanner's job). */
function decodeStrict(text: string, context: Base64StreamDecoderContext): Buffer | undefined {
  try {
    const decoder = new Base64StreamDecoder(context);
    decoder.push(Buffer.from(text, 'utf8'));
    return decoder.end();
  } catch {
    return undefined;
  }
}

/**
 * The common case at native speed: padded base64 of the standard alphabet only, which the strict decoder would
 * accept with the same bytes. Undefined for anything else (the strict decoder then decides). Node's decoder
 * skips characters outside the alphabet, so a value holding any comes out short; the URL-safe `-` and `_`,
 * which it accepts, `=` anywhere but the last two places and non-ASCII text are ruled out by hand.
 */
function decodePaddedBase64(text: string): Buffer | undefined {
  const length = text.length;
  if (length === 0 || (length & 3) !== 0) return undefined;
  const firstEquals = text.indexOf('=');
  let padding = 0;
  if (firstEquals !== -1) {
    padding = length - firstEquals;
    if (padding > 2 || (padding === 2 && text.charCodeAt(length - 1) !== 0x3d)) return undefined;
  }
  if (text.indexOf('-') !== -1 || text.indexOf('_') !== -1) return undefined;
  // Node reads a character above 0xff by its low byte ('Ł' as 'A'): ASCII text only.
  if (Buffer.byteLength(text, 'utf8') !== length) return undefined;
  const expected = (length >> 2) * 3 - padding;
  // Its own memory (not a slice of Node's shared pool), which also spares describeImage a copy.
  const out = Buffer.allocUnsafeSlow(expected);
  if (out.write(text, 'base64') !== expected) return undefined;
  return out;
}

// Byte values.
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON_BYTE = 0x3a;
const LBRACE = 0x7b;
const RBRACE = 0x7d;
const LBRACKET = 0x5b;
const RBRACKET = 0x5d;

// Grammar states between tokens, then inside tokens. B64 states come last (see `inBase64`).
const VALUE = 0;
const VALUE_OR_CLOSE = 1;
const KEY_OR_CLOSE = 2;
const KEY = 3;
const COLON = 4;
const COMMA_OR_CLOSE = 5;
const DONE = 6;
const STRING = 7;
const STRING_ESCAPE = 8;
const STRING_UNICODE = 9;
const NUMBER = 10;
const LITERAL = 11;
const B64 = 12;
const B64_ESCAPE = 13;
const B64_UNICODE = 14;

// Number sub-states; the complete ones are listed in NUMBER_COMPLETE.
const N_MINUS = 0;
const N_ZERO = 1;
const N_INT = 2;
const N_DOT = 3;
const N_FRAC = 4;
const N_E = 5;
const N_E_SIGN = 6;
const N_EXP = 7;
const NUMBER_COMPLETE = [false, true, true, false, true, false, false, true];

const OBJECT = 1;
const ARRAY = 2;

const SIMPLE_ESCAPES: Record<number, string> = {
  0x22: '"',
  0x5c: '\\',
  0x2f: '/',
  0x62: '\b',
  0x66: '\f',
  0x6e: '\n',
  0x72: '\r',
  0x74: '\t',
};

function isWhitespace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  const lower = c | 0x20;
  return lower >= 0x61 && lower <= 0x66 ? lower - 0x57 : -1;
}

function describeByte(c: number): string {
  return c >= 0x20 && c < 0x7f ? `'${String.fromCharCode(c)}'` : `byte 0x${c.toString(16).padStart(2, '0')}`;
}

/**
 * A byte-level JSON state machine that validates the whole document, keeps its text except `b64_json`
 * strings, and hands those strings to a `Base64StreamDecoder` using native `indexOf` scans.
 */
class ImagesBodyScanner {
  readonly context: { requestId?: string | undefined; status?: number | undefined };
  #state = VALUE;
  readonly #stack: number[] = [];
  /** Bytes consumed before the current chunk. */
  #offset = 0;

  // Strings: keys are decoded (up to 9 characters) to recognise `b64_json`.
  #stringIsKey = false;
  #key = '';
  #valueIsBase64 = false;
  #unicodeLeft = 0;
  #unicodeValue = 0;
  #numberState = N_MINUS;
  #literal = '';
  #literalIndex = 0;

  // Output.
  readonly #retained: Buffer[] = [];
  readonly #binaries: Buffer[] = [];
  #decoder: Base64StreamDecoder | undefined;

  // Per chunk: where the retained text of this chunk starts (-1 inside a b64 value), cached `indexOf` results.
  #keepFrom = 0;
  #nextQuote = -2;
  #nextBackslash = -2;

  readonly #maxTextBytes: number;
  #textBytes = 0;

  constructor(
    context: { requestId?: string | undefined; status?: number | undefined },
    maxTextBytes = DEFAULT_MAX_TEXT_BYTES,
  ) {
    this.context = context;
    this.#maxTextBytes = maxTextBytes;
  }

  write(chunk: Uint8Array): void {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length);
    const n = buf.length;
    this.#keepFrom = this.#state >= B64 ? -1 : 0;
    this.#nextQuote = -2;
    this.#nextBackslash = -2;
    let i = 0;
    while (i < n) i = this.#state >= B64 ? this.#scanBase64(buf, i) : this.#step(buf, i);
    if (this.#keepFrom >= 0) this.#retain(buf.subarray(this.#keepFrom, n));
    this.#offset += n;
  }

  end(): ParsedImagesBody {
    if (this.#state === NUMBER && this.#stack.length === 0 && NUMBER_COMPLETE[this.#numberState]) this.#state = DONE;
    if (this.#state !== DONE) {
      throw new ResponseValidationError(
        `The images response body was truncated: it ended after ${this.#offset} bytes, before the JSON document was complete`,
        { ...this.context, retryable: true },
      );
    }
    let json: unknown;
    try {
      json = JSON.parse(Buffer.concat(this.#retained).toString('utf8'));
    } catch (error) {
      throw new ResponseValidationError(`The images response body is not valid JSON: ${(error as Error).message}`, {
        ...this.context,
        cause: error,
        retryable: false,
      });
    }
    return { json, binaries: this.#binaries };
  }

  /** Consumes the byte at `i` outside a `b64_json` value; returns where to continue. */
  #step(buf: Buffer, i: number): number {
    const c = buf[i] ?? 0;
    switch (this.#state) {
      case VALUE:
      case VALUE_OR_CLOSE:
        if (isWhitespace(c)) break;
        if (c === RBRACKET && this.#state === VALUE_OR_CLOSE) this.#close(ARRAY, buf, i);
        else this.#startValue(buf, i, c);
        break;
      case KEY_OR_CLOSE:
      case KEY:
        if (isWhitespace(c)) break;
        if (c === QUOTE) {
          this.#state = STRING;
          this.#stringIsKey = true;
          this.#key = '';
        } else if (c === RBRACE && this.#state === KEY_OR_CLOSE) this.#close(OBJECT, buf, i);
        else throw this.#malformed(buf, i, 'where an object key was expected');
        break;
      case COLON:
        if (isWhitespace(c)) break;
        if (c !== COLON_BYTE) throw this.#malformed(buf, i, "where ':' was expected");
        this.#state = VALUE;
        break;
      case COMMA_OR_CLOSE:
        if (isWhitespace(c)) break;
        if (c === COMMA) this.#state = this.#stack.at(-1) === OBJECT ? KEY : VALUE;
        else if (c === RBRACE) this.#close(OBJECT, buf, i);
        else if (c === RBRACKET) this.#close(ARRAY, buf, i);
        else throw this.#malformed(buf, i, "where ',' or a closing bracket was expected");
        break;
      case DONE:
        if (!isWhitespace(c)) throw this.#malformed(buf, i, 'after the end of the document');
        break;
      case STRING:
        if (c === QUOTE) {
          if (this.#stringIsKey) {
            this.#valueIsBase64 = this.#key === 'b64_json';
            this.#state = COLON;
          } else this.#afterValue();
        } else if (c === BACKSLASH) this.#state = STRING_ESCAPE;
        else if (c < 0x20) throw this.#malformed(buf, i, 'inside a string');
        else if (this.#stringIsKey) this.#appendKey(String.fromCharCode(c));
        break;
      case STRING_ESCAPE: {
        const simple = SIMPLE_ESCAPES[c];
        if (simple !== undefined) {
          this.#appendKey(simple);
          this.#state = STRING;
        } else if (c === 0x75) {
          this.#state = STRING_UNICODE;
          this.#unicodeLeft = 4;
          this.#unicodeValue = 0;
        } else throw this.#malformed(buf, i, 'after a backslash');
        break;
      }
      case STRING_UNICODE: {
        const h = hexValue(c);
        if (h < 0) throw this.#malformed(buf, i, 'in a \\u escape');
        this.#unicodeValue = this.#unicodeValue * 16 + h;
        if (--this.#unicodeLeft === 0) {
          this.#appendKey(String.fromCharCode(this.#unicodeValue));
          this.#state = STRING;
        }
        break;
      }
      case NUMBER:
        if (this.#stepNumber(c)) break;
        if (!NUMBER_COMPLETE[this.#numberState]) throw this.#malformed(buf, i, 'in a number');
        this.#afterValue();
        return i; // the byte after a number belongs to what follows it
      case LITERAL:
        if (c !== this.#literal.charCodeAt(this.#literalIndex)) throw this.#malformed(buf, i, `in '${this.#literal}'`);
        if (++this.#literalIndex === this.#literal.length) this.#afterValue();
        break;
    }
    return i + 1;
  }

  #startValue(buf: Buffer, i: number, c: number): void {
    const base64 = this.#valueIsBase64;
    this.#valueIsBase64 = false;
    if (c === LBRACE || c === LBRACKET) {
      if (this.#stack.length >= MAX_DEPTH) throw this.#malformed(buf, i, `nested deeper than ${MAX_DEPTH} levels`);
      this.#stack.push(c === LBRACE ? OBJECT : ARRAY);
      this.#state = c === LBRACE ? KEY_OR_CLOSE : VALUE_OR_CLOSE;
    } else if (c === QUOTE) {
      if (base64) this.#openBase64(buf, i);
      else {
        this.#state = STRING;
        this.#stringIsKey = false;
      }
    } else if (c === 0x2d || isDigit(c)) {
      this.#state = NUMBER;
      this.#numberState = c === 0x2d ? N_MINUS : c === 0x30 ? N_ZERO : N_INT;
    } else if (c === 0x74 || c === 0x66 || c === 0x6e) {
      this.#state = LITERAL;
      this.#literal = c === 0x74 ? 'true' : c === 0x66 ? 'false' : 'null';
      this.#literalIndex = 1;
    } else throw this.#malformed(buf, i, 'where a value was expected');
  }

  /** Advances the number sub-state with `c`; false when `c` cannot continue the number. */
  #stepNumber(c: number): boolean {
    const digit = isDigit(c);
    const exponent = c === 0x65 || c === 0x45;
    let next = -1;
    switch (this.#numberState) {
      case N_MINUS:
        next = c === 0x30 ? N_ZERO : digit ? N_INT : -1;
        break;
      case N_ZERO:
        next = c === 0x2e ? N_DOT : exponent ? N_E : -1;
        break;
      case N_INT:
        next = digit ? N_INT : c === 0x2e ? N_DOT : exponent ? N_E : -1;
        break;
      case N_DOT:
      case N_FRAC:
        next = digit ? N_FRAC : exponent && this.#numberState === N_FRAC ? N_E : -1;
        break;
      case N_E:
        next = digit ? N_EXP : c === 0x2b || c === 0x2d ? N_E_SIGN : -1;
        break;
      case N_E_SIGN:
      case N_EXP:
        next = digit ? N_EXP : -1;
        break;
    }
    if (next === -1) return false;
    this.#numberState = next;
    return true;
  }

  #appendKey(text: string): void {
    // Only whether the key is exactly `b64_json` matters, so nine characters are enough.
    if (this.#stringIsKey && this.#key.length < 9) this.#key += text;
  }

  #close(kind: number, buf: Buffer, i: number): void {
    if (this.#stack.at(-1) !== kind) throw this.#malformed(buf, i, 'that does not match the open bracket');
    this.#stack.pop();
    this.#afterValue();
  }

  #afterValue(): void {
    this.#state = this.#stack.length === 0 ? DONE : COMMA_OR_CLOSE;
  }

  /** `buf[i]` opens a `b64_json` string: keep the text so far, then a marker in its place. */
  #openBase64(buf: Buffer, i: number): void {
    this.#retain(buf.subarray(this.#keepFrom, i));
    this.#retain(Buffer.from(JSON.stringify(BINARY_MARKER_PREFIX + this.#binaries.length)));
    this.#keepFrom = -1;
    this.#decoder = new Base64StreamDecoder(this.context);
    this.#state = B64;
  }

  /**
   * Feeds the base64 text from `buf[start]` up to the closing quote or the chunk's end to the decoder.
   * Escape-free runs go straight through; once an escape appears, the rest of the chunk is unescaped into a
   * scratch buffer first (escapes only shrink the text, so the rest of the chunk bounds its size).
   */
  #scanBase64(buf: Buffer, start: number): number {
    const decoder = this.#decoder as Base64StreamDecoder;
    const n = buf.length;
    let scratch: Buffer | undefined;
    let used = 0;
    const emit = (from: number, to: number): void => {
      if (to <= from) return;
      if (scratch) used += buf.copy(scratch, used, from, to);
      else decoder.push(buf.subarray(from, to));
    };
    const emitByte = (byte: number, at: number): void => {
      scratch ??= Buffer.allocUnsafe(n - at);
      scratch[used++] = byte;
    };
    let i = start;
    while (i < n) {
      const c = buf[i] ?? 0;
      if (this.#state === B64_ESCAPE) {
        i++;
        this.#state = B64;
        if (c === 0x2f) emitByte(c, i - 1);
        else if (c === 0x75) {
          this.#state = B64_UNICODE;
          this.#unicodeLeft = 4;
          this.#unicodeValue = 0;
        } else if (c !== 0x6e && c !== 0x72 && c !== 0x74) {
          if (SIMPLE_ESCAPES[c] === undefined) throw this.#malformed(buf, i - 1, 'after a backslash');
          throw this.#invalidBase64(`the escape '\\${String.fromCharCode(c)}'`);
        }
        continue;
      }
      if (this.#state === B64_UNICODE) {
        const h = hexValue(c);
        if (h < 0) throw this.#malformed(buf, i, 'in a \\u escape');
        i++;
        this.#unicodeValue = this.#unicodeValue * 16 + h;
        if (--this.#unicodeLeft > 0) continue;
        this.#state = B64;
        const code = this.#unicodeValue;
        if (code === 0x0a || code === 0x0d || code === 0x09) continue;
        if (code >= 0x80)
          throw this.#invalidBase64(`the character U+${code.toString(16).padStart(4, '0').toUpperCase()}`);
        emitByte(code, i - 1);
        continue;
      }
      const quote = (this.#nextQuote = this.#nextIndex(buf, QUOTE, i, this.#nextQuote));
      const backslash = (this.#nextBackslash = this.#nextIndex(buf, BACKSLASH, i, this.#nextBackslash));
      if (backslash !== -1 && (quote === -1 || backslash < quote)) {
        emit(i, backslash);
        scratch ??= Buffer.allocUnsafe(n - backslash);
        this.#state = B64_ESCAPE;
        i = backslash + 1;
        continue;
      }
      const end = quote === -1 ? n : quote;
      emit(i, end);
      if (scratch) decoder.push(scratch.subarray(0, used));
      if (quote === -1) return n;
      this.#binaries.push(decoder.end());
      this.#decoder = undefined;
      this.#keepFrom = quote + 1;
      this.#afterValue();
      return quote + 1;
    }
    if (scratch) decoder.push(scratch.subarray(0, used));
    return n;
  }

  /** `buf.indexOf(byte, from)`, reusing `cached` (an earlier answer for this chunk) while it is still ahead. */
  #nextIndex(buf: Buffer, byte: number, from: number, cached: number): number {
    return cached === -1 || cached >= from ? cached : buf.indexOf(byte, from);
  }

  #retain(bytes: Buffer): void {
    if (bytes.length === 0) return;
    this.#textBytes += bytes.length;
    if (this.#textBytes > this.#maxTextBytes) {
      throw new ResponseValidationError(
        `The images response holds more than ${this.#maxTextBytes} bytes of text besides its images (b64_json): refused`,
        { ...this.context, retryable: false },
      );
    }
    this.#retained.push(Buffer.from(bytes)); // a copy: never pin the whole chunk
  }

  #malformed(buf: Buffer, i: number, where: string): ResponseValidationError {
    return new ResponseValidationError(
      `The images response body is not valid JSON: unexpected ${describeByte(buf[i] ?? 0)} ${where} at byte ${this.#offset + i}`,
      { ...this.context, retryable: false },
    );
  }

  #invalidBase64(what: string): ResponseValidationError {
    return new ResponseValidationError(`invalid base64 in b64_json: the value contains ${what}`, {
      ...this.context,
      retryable: false,
    });
  }
}
