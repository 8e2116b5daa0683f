import { Readable } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ResponseValidationError } from '../errors/index.js';
import {
  BINARY_MARKER_PREFIX,
  parseImagesBody,
  parseImagesBodyBytes,
  type ParsedImagesBody,
} from './images-body-parser.js';

/** The body `text` delivered in pieces cut at `cuts`. */
async function* pieces(text: string | Buffer, cuts: number[] = []): AsyncGenerator<Buffer> {
  const bytes = typeof text === 'string' ? Buffer.from(text) : text;
  let start = 0;
  for (const cut of [...cuts].sort((a, b) => a - b)) {
    yield bytes.subarray(start, cut);
    start = cut;
  }
  yield bytes.subarray(start);
}

/** What the parser must return, computed the slow way: JSON.parse, then decode every `b64_json` string. */
function reference(text: string): ParsedImagesBody {
  const binaries: Buffer[] = [];
  const walk = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(walk);
    if (typeof value !== 'object' || value === null) return value;
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => {
        if (key !== 'b64_json' || typeof item !== 'string') return [key, walk(item)];
        binaries.push(Buffer.from(item, 'base64'));
        return [key, `${BINARY_MARKER_PREFIX}${binaries.length - 1}`];
      }),
    );
  };
  return { json: walk(JSON.parse(text)), binaries };
}

async function expectSame(text: string, cuts: number[] = []): Promise<void> {
  const got = await parseImagesBody(pieces(text, cuts));
  const want = reference(text);
  expect(got.json).toEqual(want.json);
  expect(got.binaries.length).toBe(want.binaries.length);
  got.binaries.forEach((bytes, k) => expect(bytes.equals(want.binaries[k] as Buffer)).toBe(true));
}

async function failure(
  text: string | Buffer,
  cuts: number[] = [],
  maxBytes?: number,
): Promise<ResponseValidationError> {
  try {
    await parseImagesBody(pieces(text, cuts), { requestId: 'req_42', status: 200, maxBytes });
  } catch (error) {
    expect(error).toBeInstanceOf(ResponseValidationError);
    const typed = error as ResponseValidationError;
    expect(typed.requestId).toBe('req_42');
    expect(typed.status).toBe(200);
    return typed;
  }
  throw new Error(`expected ${JSON.stringify(String(text).slice(0, 80))} to be rejected`);
}

const b64 = (text: string): string => Buffer.from(text).toString('base64');

/** Base64 text of `bytes` written the way various JSON encoders write it. */
function styled(bytes: Uint8Array, style: number): string {
  let text = Buffer.from(bytes).toString('base64');
  if (style & 1) text = text.replace(/=+$/, '');
  // Wrap lines first (with stand-ins), so that escaping cannot be cut in two by a line break.
  if (style & 16) text = text.replace(/.{1,60}/g, (line) => `${line}\r\n`);
  else if (style & 8) text = text.replace(/.{1,76}/g, (line) => `${line}\n`);
  if (style & 2) text = text.replaceAll('/', '\\/');
  if (style & 4) text = text.replaceAll('+', '\\u002B');
  return text.replaceAll('\r', '\\r').replaceAll('\n', '\\n');
}

const SMALL = JSON.stringify({
  created: 1_735_000_000,
  data: [
    { index: 0, b64_json: b64('first image'), type: 'b64_json', revised_prompt: 'a "quoted" \\ prompt ✓' },
    { index: 1, b64_json: '@@', extra: { nested: [1, -2.5e3, true, false, null] } },
  ],
  usage: { input_tokens: 12, output_tokens: 0 },
}).replace('"@@"', String.raw`"YWJj\/+/\n\u002B+w=="`);

describe('parseImagesBody', () => {
  it('matches JSON.parse + Buffer.from for generated documents under random chunkings', async () => {
    const item = fc.record(
      {
        bytes: fc.uint8Array({ maxLength: 400 }),
        style: fc.nat(31),
        index: fc.nat(),
        revised_prompt: fc.string({ unit: 'binary' }),
        extra: fc.jsonValue({ maxDepth: 2 }),
      },
      { requiredKeys: ['bytes', 'style'] },
    );
    const document = fc.record({
      items: fc.array(item, { maxLength: 4 }),
      usage: fc.option(fc.dictionary(fc.constantFrom('input_tokens', 'total_tokens'), fc.nat())),
      nested: fc.option(fc.uint8Array({ maxLength: 50 })),
      indent: fc.constantFrom(0, 2),
    });
    await fc.assert(
      fc.asyncProperty(document, fc.array(fc.nat(), { maxLength: 20 }), async (doc, rawCuts) => {
        const values: string[] = [];
        const placeholder = (bytes: Uint8Array, style: number): string => {
          values.push(styled(bytes, style));
          return `@@${values.length - 1}@@`;
        };
        const shape = {
          data: doc.items.map(({ bytes, style, ...rest }) => ({
            ...rest,
            b64_json: placeholder(bytes, style),
            type: 'b64_json',
          })),
          ...(doc.usage ? { usage: doc.usage } : {}),
          ...(doc.nested ? { meta: { deep: [{ b64_json: placeholder(doc.nested, 0) }] } } : {}),
        };
        const text = JSON.stringify(shape, null, doc.indent).replace(
          /"@@(\d+)@@"/g,
          (_, k: string) => `"${values[Number(k)]}"`,
        );
        const length = Buffer.byteLength(text);
        await expectSame(
          text,
          rawCuts.map((cut) => cut % (length + 1)),
        );
      }),
      { numRuns: 300 },
    );
  });

  it('gives the same answer when split at every byte offset and at every pair of offsets', async () => {
    const length = Buffer.byteLength(SMALL);
    for (let cut = 0; cut <= length; cut++) await expectSame(SMALL, [cut]);
    for (let a = 0; a <= length; a += 3) for (let b = a; b <= length; b += 5) await expectSame(SMALL, [a, b]);
  });

  it('gives the same answer when fed one byte at a time', async () => {
    await expectSame(
      SMALL,
      Array.from({ length: Buffer.byteLength(SMALL) }, (_, i) => i),
    );
  });

  it('returns the markers and the decoded bytes', async () => {
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0xff, 0xfe]);
    const text = `{"data":[{"b64_json":"${png.toString('base64')}"},{"url":"https://x/y.png","b64_json":null}],"id":"r1"}`;
    const { json, binaries } = await parseImagesBody(pieces(text));
    expect(json).toEqual({
      data: [{ b64_json: '$pictor:binary:0' }, { url: 'https://x/y.png', b64_json: null }],
      id: 'r1',
    });
    expect(binaries).toEqual([png]);
  });

  it.each([
    ['escaped slashes', 'YWJj\\/\\/w='],
    ['\\n line wrapping', 'YWJj\\nZGVm\\n'],
    ['\\r\\n line wrapping', 'YWJj\\r\\nZGVm\\r\\n'],
    ['\\u escapes of alphabet characters, padding and line breaks', '\\u0059WJj\\u002b\\u002F\\u000Aw\\u003d'],
    ['an escape right after the opening quote and before the closing quote', '\\/\\/\\/\\/\\n'],
  ])('honours %s inside b64_json at every split', async (_name, value) => {
    const text = `{"data":[{"b64_json":"${value}"}]}`;
    for (let cut = 0; cut <= text.length; cut++) await expectSame(text, [cut]);
  });

  it('decodes large escaped and line-wrapped values read in 64 KiB chunks', async () => {
    const bytes = Buffer.from(Array.from({ length: 1_500_000 }, (_, i) => (i * 7919) & 0xff));
    for (const style of [0, 2, 4, 8 | 2, 16 | 4 | 1]) {
      const text = `{"data":[{"b64_json":"${styled(bytes, style)}"},{"b64_json":"${styled(bytes.subarray(7), style)}"}]}`;
      const cuts = Array.from({ length: Math.floor(text.length / 65_536) }, (_, i) => (i + 1) * 65_536);
      const got = await parseImagesBody(pieces(text, cuts));
      expect(got.binaries[0]?.equals(bytes)).toBe(true);
      expect(got.binaries[1]?.equals(bytes.subarray(7))).toBe(true);
    }
  });

  it('recognises b64_json at any depth, spelt with escapes, and only as a key', async () => {
    const text = JSON.stringify({
      data: [{ type: 'b64_json', b64_json: b64('a') }],
      b64_json: b64('top'),
      deep: { a: [[{ b64_json: b64('deep') }]], b64_jsonx: 'not-decoded', xb64_json: 'also not' },
    }).replace('"b64_json":"dG9w', '"b64\\u005fjson":"dG9w');
    const got = await parseImagesBody(pieces(text));
    expect(got.json).toEqual({
      data: [{ type: 'b64_json', b64_json: '$pictor:binary:0' }],
      b64_json: '$pictor:binary:1',
      deep: { a: [[{ b64_json: '$pictor:binary:2' }]], b64_jsonx: 'not-decoded', xb64_json: 'also not' },
    });
    expect(got.binaries.map(String)).toEqual(['a', 'top', 'deep']);
  });

  it.each([
    ['empty data', '{"data":[]}'],
    ['an empty b64_json', '{"data":[{"b64_json":""}]}'],
    ['whitespace everywhere', ' \n{ "data" : [ { "b64_json" : "YQ==" } , { } ] , "n" : -0.5E+2 }\r\n\t'],
    ['a top-level number', '42'],
    ['a top-level string', '"b64_json"'],
    ['non-ASCII text', '{"revised_prompt":"Ünïcödé 🎨","data":[{"b64_json":"YQ"}]}'],
  ])('parses %s', async (_name, text) => {
    await expectSame(text);
  });

  it('accepts Uint8Array chunks that are not Buffers', async () => {
    async function* typed() {
      yield new TextEncoder().encode('{"data":[{"b64_');
      yield new TextEncoder().encode('json":"aGk="}]}');
    }
    const got = await parseImagesBody(typed());
    expect(got.binaries[0]?.toString()).toBe('hi');
  });

  it('reports a body cut short at any offset as truncated and retryable', async () => {
    const whole = Buffer.from(SMALL);
    for (let length = 0; length < whole.length; length++) {
      const error = await failure(whole.subarray(0, length), length > 4 ? [length >> 1] : []);
      expect(error.message).toMatch(/truncated/);
      expect(error.isRetryable).toBe(true);
    }
  });

  it.each([
    ['trailing data', '{"data":[]} x'],
    ['two documents', '{}{}'],
    ['a missing colon', '{"data" []}'],
    ['a missing comma', '{"data":[] "id":1}'],
    ['a trailing comma', '{"data":[1,]}'],
    ['a trailing comma in an object', '{"data":[],}'],
    ['a mismatched bracket', '{"data":[}'],
    ['an unquoted key', '{data:[]}'],
    ['a single-quoted string', "{'data':[]}"],
    ['a bad literal', '{"data":tru}'],
    ['a bad number', '{"n":01}'],
    ['a bare minus', '{"n":-}'],
    ['a bad exponent', '{"n":1e}'],
    ['a raw control character in a string', '{"s":"a\tb"}'],
    ['a bad escape', '{"s":"\\x"}'],
    ['a bad \\u escape', '{"s":"\\u12G4"}'],
    ['a bad \\u escape inside b64_json', '{"b64_json":"YQ\\u00X"}'],
    ['an unknown escape inside b64_json', '{"b64_json":"YQ\\x"}'],
    ['an HTML error page', '<html><body>502 Bad Gateway</body></html>'],
    ['deep nesting', `${'['.repeat(600)}${']'.repeat(600)}`],
  ])('rejects %s as malformed, not retryable', async (_name, text) => {
    for (const cuts of [[], [Math.floor(text.length / 2)]]) {
      const error = await failure(text, cuts);
      expect(error.message).toMatch(/not valid JSON/);
      expect(error.isRetryable).toBe(false);
    }
  });

  it.each([
    ['a character outside the alphabet', '"YW*j"'],
    ['URL-safe characters', '"YW-_"'],
    ['a misplaced "="', '"YQ==YQ=="'],
    ['an escaped quote', '"YW\\"j"'],
    ['an escaped backslash', '"YW\\\\j"'],
    ['a non-ASCII \\u escape', '"YW\\u00e9j"'],
    ['a raw space', '"YW j"'],
    ['a lone trailing character', '"YWJjZ"'],
  ])('rejects %s inside b64_json as invalid base64, not retryable', async (_name, value) => {
    const text = `{"data":[{"b64_json":${value}}]}`;
    for (let cut = 0; cut <= text.length; cut++) {
      const error = await failure(text, [cut]);
      expect(error.message).toMatch(/^invalid base64 in b64_json/);
      expect(error.isRetryable).toBe(false);
    }
  });

  it('refuses a body over maxBytes and destroys the stream', async () => {
    const body = Readable.from([Buffer.from('{"data":[{"b64_json":"'), Buffer.alloc(100, 0x41), Buffer.from('"}]}')], {
      objectMode: false,
    });
    await expect(parseImagesBody(body, { maxBytes: 64, requestId: 'r' })).rejects.toMatchObject({
      name: 'ResponseValidationError',
      message: expect.stringMatching(/too large/),
      isRetryable: false,
      requestId: 'r',
    });
    expect(body.destroyed).toBe(true);
    const exact = `{"data":[{"b64_json":"${'A'.repeat(40)}"}]}`;
    await expect(parseImagesBody(pieces(exact, [10]), { maxBytes: exact.length })).resolves.toBeDefined();
    expect((await failure(exact, [10], exact.length - 1)).message).toMatch(/too large/);
  });

  it('lets an error of the body stream itself propagate unchanged', async () => {
    const reset = Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' });
    async function* broken() {
      yield Buffer.from('{"data":[{"b64_json":"YWJj');
      throw reset;
    }
    await expect(parseImagesBody(broken())).rejects.toBe(reset);
  });
});

/** What parseImagesBody makes of `text` in one piece: its result or its error. */
async function streamed(text: string | Buffer): Promise<ParsedImagesBody | ResponseValidationError> {
  return parseImagesBody(pieces(text), { requestId: 'req_42', status: 200 }).catch(
    (error: ResponseValidationError) => error,
  );
}

/** The same for parseImagesBodyBytes. */
function whole(text: string | Buffer, maxBytes?: number): ParsedImagesBody | ResponseValidationError {
  try {
    return parseImagesBodyBytes(typeof text === 'string' ? Buffer.from(text) : text, {
      requestId: 'req_42',
      status: 200,
      maxBytes,
    });
  } catch (error) {
    return error as ResponseValidationError;
  }
}

/** Both parsers give the same document and bytes, or the same error (class, message, retryability, context). */
async function expectBothAgree(text: string | Buffer): Promise<void> {
  const [a, b] = [await streamed(text), whole(text)];
  if (a instanceof Error || b instanceof Error) {
    expect(b).toBeInstanceOf(ResponseValidationError);
    expect(a).toBeInstanceOf(ResponseValidationError);
    const [ea, eb] = [a as ResponseValidationError, b as ResponseValidationError];
    expect({ message: eb.message, retryable: eb.isRetryable, requestId: eb.requestId, status: eb.status }).toEqual({
      message: ea.message,
      retryable: ea.isRetryable,
      requestId: ea.requestId,
      status: ea.status,
    });
    return;
  }
  expect(b.json).toEqual(a.json);
  expect(b.binaries.map((x) => x.toString('hex'))).toEqual(a.binaries.map((x) => x.toString('hex')));
}

describe('parseImagesBodyBytes (a whole body in hand)', () => {
  it('matches JSON.parse + Buffer.from for generated documents, escapes and line wrapping included', async () => {
    const document = fc.record({
      items: fc.array(
        fc.record({
          bytes: fc.uint8Array({ maxLength: 300 }),
          style: fc.nat(31),
          revised_prompt: fc.string({ unit: 'binary' }),
        }),
        {
          maxLength: 4,
        },
      ),
      extra: fc.jsonValue({ maxDepth: 3 }),
    });
    await fc.assert(
      fc.asyncProperty(document, async (doc) => {
        const values = doc.items.map(({ bytes, style }) => styled(bytes, style));
        const shape = {
          data: doc.items.map(({ revised_prompt }, k) => ({ b64_json: `@@${k}@@`, revised_prompt })),
          extra: doc.extra,
        };
        const text = JSON.stringify(shape).replace(/"@@(\d+)@@"/g, (_, k: string) => `"${values[Number(k)]}"`);
        const got = whole(text);
        expect(got).not.toBeInstanceOf(Error);
        const want = reference(text);
        expect((got as ParsedImagesBody).json).toEqual(want.json);
        expect((got as ParsedImagesBody).binaries.map((x) => x.toString('hex'))).toEqual(
          want.binaries.map((x) => x.toString('hex')),
        );
        await expectBothAgree(text);
      }),
      { numRuns: 300 },
    );
  });

  it('recognises b64_json at any depth, spelt with escapes, and only as a key', () => {
    const text = JSON.stringify({
      data: [{ b64_json: b64('a') }],
      deep: { a: [[{ b64_json: b64('deep') }]], b64_jsonx: 'x' },
    }).replace('"b64_json":"ZGVlcA', '"b64\\u005fjson":"ZGVlcA');
    const got = whole(text) as ParsedImagesBody;
    expect(got.json).toEqual({
      data: [{ b64_json: '$pictor:binary:0' }],
      deep: { a: [[{ b64_json: '$pictor:binary:1' }]], b64_jsonx: 'x' },
    });
    expect(got.binaries.map(String)).toEqual(['a', 'deep']);
  });

  it('raises exactly what the streaming parser raises: truncation at every offset', async () => {
    const full = Buffer.from(SMALL);
    for (let length = 0; length <= full.length; length++) await expectBothAgree(full.subarray(0, length));
  });

  it.each([
    '{"data":[]} x',
    '{"data" []}',
    '{"s":"a\tb"}',
    '<html>502</html>',
    `${'['.repeat(600)}${']'.repeat(600)}`,
    `${'['.repeat(512)}${']'.repeat(512)}`,
    `${'['.repeat(513)}${']'.repeat(513)}`,
    '{"data":[{"b64_json":"YW*j"}]}',
    '{"data":[{"b64_json":"YW-_"}]}',
    '{"data":[{"b64_json":"YQ==YQ=="}]}',
    '{"data":[{"b64_json":"YW\\"j"}]}',
    '{"data":[{"b64_json":"YW\\u00e9j"}]}',
    '{"data":[{"b64_json":"YW\\bj"}]}',
    '{"data":[{"b64_json":"YWJjZ"}]}',
    '{"data":[{"b64_json":"Y\u00c9Jj"}]}',
    '{"data":[{"b64_json":"YWJj\\nZGVm\\r\\n"}]}',
    '{"data":[{"b64_json":"YWJj\\/\\u002B"}]}',
    '{"b64_json":null,"data":[{"b64_json":{"b64_json":"YQ=="}}]}',
    // Edges of the padded fast path: a character whose low byte is in the alphabet, `=` out of place, spaces.
    '{"data":[{"b64_json":"YWŁj"}]}',
    '{"data":[{"b64_json":"ŁŁŁŁ"}]}',
    '{"data":[{"b64_json":"YW\\u0141j"}]}',
    '{"data":[{"b64_json":"YQ=A"}]}',
    '{"data":[{"b64_json":"Y==="}]}',
    '{"data":[{"b64_json":"YWJ="}]}',
    '{"data":[{"b64_json":"YW J"}]}',
    '{"data":[{"b64_json":"YWJjZA=="}]}',
    '{"data":[{"b64_json":"YWJjZGE="}]}',
    '{"data":[{"b64_json":""}]}',
  ])('agrees with the streaming parser on %s', async (text) => {
    await expectBothAgree(text);
  });

  it('refuses a body over maxBytes', () => {
    const text = `{"data":[{"b64_json":"${'A'.repeat(40)}"}]}`;
    expect(whole(text, text.length)).not.toBeInstanceOf(Error);
    const error = whole(text, text.length - 1) as ResponseValidationError;
    expect(error).toBeInstanceOf(ResponseValidationError);
    expect(error.message).toMatch(/too large/);
    expect(error.isRetryable).toBe(false);
  });
});
