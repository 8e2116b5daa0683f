// zod/mini, imported as a namespace (not `{ z }`), so bundlers keep only the functions used: zod classic's
// methods tie every schema type to every check, which held 200 KB of the Action's bundle. Through the `zod/v4/mini`
// subpath, which zod 4 keeps and the zod 3.25 inside n8n also has: the n8n node uses n8n's own copy.
import * as z from 'zod/v4/mini';
import { ASPECT_RATIO_NAMES, ASPECT_RATIOS, parseSize, type AspectRatio } from './aspect-ratios.js';
import { ValidationError, type FieldIssue } from '../errors/index.js';
import { jsonShapeProblem } from './json-shape.js';

// zod/mini registers no locale of its own: without one, every message zod writes reads "Invalid input". English,
// as zod classic sets it, and only when nothing is set yet, so an application's own `z.config(...)` wins.
if (!z.config().localeError) z.config(z.locales.en());

const dimension = z.number().check(z.int(), z.minimum(64), z.maximum(8192));

const requestFields = z.strictObject({
  prompt: z.string().check(z.trim(), z.minLength(1, 'must not be empty'), z.maxLength(32_000)),
  model: z.optional(z.string().check(z.trim(), z.minLength(1))),
  n: z._default(z.number().check(z.int(), z.minimum(1), z.maximum(128)), 1),
  size: z.optional(
    z
      .string()
      .check(
        z.refine(
          (s) => s === 'auto' || parseSize(s) !== undefined,
          'must be "WIDTHxHEIGHT", e.g. "1024x1024", or "auto"',
        ),
      ),
  ),
  width: z.optional(dimension),
  height: z.optional(dimension),
  aspectRatio: z.optional(z.enum(ASPECT_RATIO_NAMES as [AspectRatio, ...AspectRatio[]])),
  seed: z.optional(z.number().check(z.int(), z.minimum(0), z.maximum(4_294_967_295))),
  steps: z.optional(z.number().check(z.int(), z.minimum(1), z.maximum(50))),
  guidanceScale: z.optional(z.number().check(z.minimum(0), z.maximum(100))),
  negativePrompt: z.optional(z.string()),
  outputFormat: z.optional(z.enum(['png', 'jpeg', 'webp'])),
  responseFormat: z.optional(z.enum(['base64', 'url'])),
  loras: z.optional(
    z.array(
      z.strictObject({
        path: z.string().check(z.minLength(1)),
        scale: z.number().check(z.minimum(-10), z.maximum(10)),
      }),
    ),
  ),
  referenceImages: z.optional(z.array(z.url())),
  imageUrl: z.optional(z.url()),
  disableSafetyChecker: z.optional(z.boolean()),
  quality: z.optional(z.enum(['auto', 'low', 'medium', 'high', 'standard', 'hd'])),
  style: z.optional(z.enum(['vivid', 'natural'])),
  background: z.optional(z.enum(['auto', 'transparent', 'opaque'])),
  moderation: z.optional(z.enum(['auto', 'low'])),
  outputCompression: z.optional(z.number().check(z.int(), z.minimum(0), z.maximum(100))),
  user: z.optional(z.string()),
  /** Edits (OpenAI gpt-image-1, 1.5, 2): how closely the output keeps the inputs' details. */
  inputFidelity: z.optional(z.enum(['high', 'low'])),
  /** Ask for server-sent events (OpenAI's GPT image models): partial images reach `onPartialImage`. */
  stream: z.optional(z.boolean()),
  /** Previews per image while streaming, 0–3; giving it implies `stream: true`. */
  partialImages: z.optional(z.number().check(z.int(), z.minimum(0), z.maximum(3))),
  /** Extra wire fields for the provider, merged last into the body (they win over mapped fields). */
  providerOptions: z.optional(z.record(z.string(), z.unknown())),
});

/**
 * `providerOptions` is free-form JSON: bounded in depth and size before anything is sent, since saving the result
 * walks it again (a value nested thousands deep once overflowed the stack after the images were paid for).
 */
function providerOptionsRules(ctx: z.core.ParsePayload<Partial<RequestFields>>): void {
  const options = ctx.value.providerOptions;
  if (options === undefined) return;
  const problem = jsonShapeProblem(options, { maxDepth: 16, maxValues: 10_000, maxStringChars: 100_000 });
  if (problem) ctx.issues.push({ code: 'custom', path: ['providerOptions'], message: problem, input: options });
}

type RequestFields = z.output<typeof requestFields>;

/**
 * Rules across fields: one way to give a size, sides in range, width and height together. A plain check function
 * rather than `z.superRefine`, which the `zod/v4/mini` that n8n ships (zod 3.25) does not have.
 */
function sizeRules(ctx: z.core.ParsePayload<Partial<RequestFields>>): void {
  const req = ctx.value;
  const issue = (field: string, message: string): void => {
    ctx.issues.push({ code: 'custom', path: [field], message, input: req });
  };
  const ways = [
    req.size !== undefined,
    req.width !== undefined || req.height !== undefined,
    req.aspectRatio !== undefined,
  ];
  if (ways.filter(Boolean).length > 1) issue('size', 'give only one of size, width+height or aspectRatio');
  const dims = req.size ? parseSize(req.size) : undefined;
  if (dims && [dims.width, dims.height].some((side) => side < 64 || side > 8192)) {
    issue('size', 'each side must be between 64 and 8192 pixels');
  }
  if ((req.width === undefined) !== (req.height === undefined)) {
    issue(req.width === undefined ? 'width' : 'height', 'width and height go together');
  }
  if (req.stream === false && req.partialImages !== undefined)
    issue('partialImages', 'needs stream (not stream: false)');
}

/**
 * The unified request every adapter speaks. Field names are Pictor's; each dialect maps them to the wire
 * (see `together-dialect.ts` and `openai-dialect.ts`). Give the size as `size` ("WxH"), or `width` + `height`,
 * or `aspectRatio` — one of the three.
 */
export const imageRequestSchema = requestFields.check(sizeRules, providerOptionsRules);

/** Defaults for many requests (a batch's, an Action's inputs): any subset of the fields, under the same rules. */
const requestDefaultsSchema = z.partial(requestFields).check(sizeRules, providerOptionsRules);

/** What callers pass: defaults and optional fields as written. */
export type ImageRequest = z.input<typeof imageRequestSchema>;

/** A validated request with its size resolved to pixels (undefined: the provider's default). */
export type NormalizedRequest = Omit<z.output<typeof imageRequestSchema>, 'size' | 'aspectRatio'> & {
  width?: number;
  height?: number;
  /** True when the caller asked for `size: "auto"`. */
  autoSize?: boolean;
  aspectRatio?: AspectRatio;
};

/** Turns zod issues into field-named issues; each unknown key is its own issue, named with its full path. */
export function toFieldIssues(issues: readonly z.core.$ZodIssue[]): FieldIssue[] {
  return issues.flatMap((issue) => {
    const path = issue.path.map(String);
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ field: [...path, key].join('.'), message: `unknown field ${key}` }));
    }
    return [{ field: path.join('.'), message: issue.message }];
  });
}

/** Requests this module validated: the rest of core trusts them and does not check them again. */
const validated = new WeakSet<object>();

/**
 * Validates a request before anything touches the network and resolves its size. Throws `ValidationError`
 * naming every bad field. Validate once, at the boundary: what this returns is frozen and recognised, so passing
 * it on (to `generate`, `runBatch`) costs no second validation, while anything else is checked.
 */
export function normalizeRequest(input: unknown): NormalizedRequest {
  if (typeof input === 'object' && input !== null && validated.has(input)) return input as NormalizedRequest;
  const parsed = imageRequestSchema.safeParse(input);
  if (!parsed.success) throw new ValidationError(toFieldIssues(parsed.error.issues));
  const { size, aspectRatio, ...rest } = parsed.data;
  const out: NormalizedRequest = { ...rest };
  if (out.partialImages !== undefined) out.stream = true;
  if (aspectRatio) {
    out.aspectRatio = aspectRatio;
    out.width = ASPECT_RATIOS[aspectRatio].width;
    out.height = ASPECT_RATIOS[aspectRatio].height;
  } else if (size === 'auto') {
    out.autoSize = true;
  } else if (size) {
    const dims = parseSize(size);
    if (dims) Object.assign(out, dims);
  }
  validated.add(Object.freeze(out));
  return out;
}

/**
 * Validates defaults meant for many requests (no prompt needed), naming each bad field, so an adapter can blame
 * the setting the user wrote rather than every request that inherits it.
 */
export function validateRequestDefaults(input: unknown): Partial<ImageRequest> {
  const parsed = requestDefaultsSchema.safeParse(input);
  if (!parsed.success) throw new ValidationError(toFieldIssues(parsed.error.issues), 'defaults');
  return input as Partial<ImageRequest>;
}
