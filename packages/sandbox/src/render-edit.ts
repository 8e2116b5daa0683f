import { createHash } from 'node:crypto';
import sharp from 'sharp';
import { renderKey } from './cached-render.js';
import { encodeImage, lookForPrompt, PAINT_MAX_EDGE, renderPixels, type RenderSpec } from './render-image.js';
import type { SandboxContext } from './sandbox-context.js';

/** An edit: the output's render spec, the input image it starts from and the optional mask. */
export interface EditRenderSpec extends RenderSpec {
  /** The first input image, encoded (PNG, JPEG or WebP). */
  input: Buffer;
  /** A PNG whose fully transparent pixels mark where the input is edited. */
  mask?: Buffer;
}

/** Share of the prompt's first colour mixed into the edited area: enough to see, little enough to keep the input. */
const TINT = 0.35;
/** Opacity of the procedural marks over the tinted input. */
const MARKS = 0.8;

/**
 * Renders an edit: the input, resized to the output size (cover), tinted toward the prompt's palette, with the
 * prompt's procedural marks drawn over it. With a mask, only its transparent pixels are edited and the opaque
 * ones keep the input as it is: a simple, honest reading of "fully transparent areas indicate where `image`
 * should be edited". Deterministic in (spec, input bytes, mask bytes).
 */
export async function renderEdit(spec: EditRenderSpec): Promise<Buffer> {
  const { width, height } = spec;
  const pixels = width * height;
  const base = await sharp(spec.input).resize(width, height, { fit: 'cover' }).ensureAlpha().raw().toBuffer();

  const scale = Math.min(1, PAINT_MAX_EDGE / Math.max(width, height));
  const paintWidth = Math.max(1, Math.round(width * scale));
  const paintHeight = Math.max(1, Math.round(height * scale));
  const painted = renderPixels({ ...spec, width: paintWidth, height: paintHeight, transparent: true });
  const marks =
    scale < 1
      ? await sharp(painted.data, { raw: { width: paintWidth, height: paintHeight, channels: 4 } })
          .resize(width, height, { fit: 'fill' })
          .raw()
          .toBuffer()
      : painted.data;

  const edited = spec.mask
    ? await sharp(spec.mask).resize(width, height, { fit: 'fill' }).ensureAlpha().extractChannel(3).raw().toBuffer()
    : undefined;

  const tint = lookForPrompt(spec.prompt).colours[0]!;
  const tintRgb = [tint.r, tint.g, tint.b];
  const keepAlpha = spec.transparent === true && spec.format !== 'jpeg';
  const channels = keepAlpha ? 4 : 3;
  const out = Buffer.alloc(pixels * channels);
  for (let p = 0; p < pixels; p++) {
    const i = p * 4;
    const o = p * channels;
    // 1 where the mask is fully transparent (or there is no mask), 0 where it is opaque.
    const edit = edited ? 1 - edited[p]! / 255 : 1;
    const mark = (marks[i + 3]! / 255) * MARKS;
    for (let c = 0; c < 3; c++) {
      const source = base[i + c]!;
      const tinted = source * (1 - TINT) + tintRgb[c]! * TINT;
      const drawn = tinted * (1 - mark) + marks[i + c]! * mark;
      out[o + c] = Math.round(source * (1 - edit) + drawn * edit);
    }
    if (keepAlpha) out[o + 3] = base[i + 3]!;
  }
  return encodeImage(sharp(out, { raw: { width, height, channels } }), spec);
}

function digest(bytes: Buffer | undefined): string {
  return bytes ? createHash('sha256').update(bytes).digest('base64') : '';
}

/** Renders an edit through the shared render cache, keyed by digests of the spec, the input and the mask. */
export async function renderEditCached(context: SandboxContext, spec: EditRenderSpec): Promise<Buffer> {
  const key = `edit:${renderKey(spec)}:${digest(spec.input)}:${digest(spec.mask)}`;
  const { bytes, hit } = await context.cache.get(key, () => renderEdit(spec));
  if (hit) context.stats.cacheHits += 1;
  else context.stats.imagesRendered += 1;
  return bytes;
}
