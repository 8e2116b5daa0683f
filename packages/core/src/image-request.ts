import { z } from 'zod';
import { ASPECT_RATIO_NAMES, ASPECT_RATIOS, parseSize, type AspectRatio } from './aspect-ratios.js';
import { ValidationError, type FieldIssue } from './errors/index.js';

const dimension = z.number().int().min(64).max(8192);

/**
 * The unified request every adapter speaks. Field names are Pictor's; each dialect maps them to the wire
 * (see `together-dialect.ts` and `openai-dialect.ts`). Give the size as `size` ("WxH"), or `width` + `height`,
 * or `aspectRatio` — one of the three.
 */
export const imageRequestSchema = z
  .strictObject({
    prompt: z.string().trim().min(1, 'must not be empty').max(32_000),
    model: z.string().trim().min(1).optional(),
    n: z.number().int().min(1).max(128).default(1),
    size: z
      .string()
      .refine((s) => s === 'auto' || parseSize(s) !== undefined, 'must be "WIDTHxHEIGHT", e.g. "1024x1024", or "auto"')
      .optional(),
    width: dimension.optional(),
    height: dimension.optional(),
    aspectRatio: z.enum(ASPECT_RATIO_NAMES as [AspectRatio, ...AspectRatio[]]).optional(),
    seed: z.number().int().min(0).max(4_294_967_295).optional(),
    steps: z.number().int().min(1).max(50).optional(),
    guidanceScale: z.number().min(0).max(100).optional(),
    negativePrompt: z.string().optional(),
    outputFormat: z.enum(['png', 'jpeg', 'webp']).optional(),
    responseFormat: z.enum(['base64', 'url']).optional(),
    loras: z.array(z.strictObject({ path: z.string().min(1), scale: z.number().min(-10).max(10) })).optional(),
    referenceImages: z.array(z.url()).optional(),
    imageUrl: z.url().optional(),
    disableSafetyChecker: z.boolean().optional(),
    quality: z.enum(['auto', 'low', 'medium', 'high', 'standard', 'hd']).optional(),
    style: z.enum(['vivid', 'natural']).optional(),
    background: z.enum(['auto', 'transparent', 'opaque']).optional(),
    moderation: z.enum(['auto', 'low']).optional(),
    outputCompression: z.number().int().min(0).max(100).optional(),
    user: z.string().optional(),
    /** Extra wire fields for the provider, merged last into the body (they win over mapped fields). */
    providerOptions: z.record(z.string(), z.unknown()).optional(),
  })
  .superRefine((req, ctx) => {
    const ways = [req.size !== undefined, req.width !== undefined || req.height !== undefined, req.aspectRatio !== undefined];
    if (ways.filter(Boolean).length > 1) {
      ctx.addIssue({ code: 'custom', path: ['size'], message: 'give only one of size, width+height or aspectRatio' });
    }
    const dims = req.size ? parseSize(req.size) : undefined;
    if (dims && [dims.width, dims.height].some((side) => side < 64 || side > 8192)) {
      ctx.addIssue({ code: 'custom', path: ['size'], message: 'each side must be between 64 and 8192 pixels' });
    }
    if ((req.width === undefined) !== (req.height === undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: [req.width === undefined ? 'width' : 'height'],
        message: 'width and height go together',
      });
    }
  });

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

/**
 * Validates a request before anything touches the network and resolves its size. Throws `ValidationError`
 * naming every bad field.
 */
export function normalizeRequest(input: unknown): NormalizedRequest {
  const parsed = imageRequestSchema.safeParse(input);
  if (!parsed.success) throw new ValidationError(toFieldIssues(parsed.error.issues));
  const { size, aspectRatio, ...rest } = parsed.data;
  const out: NormalizedRequest = { ...rest };
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
  return out;
}
