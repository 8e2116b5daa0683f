import sharp, { type Sharp } from 'sharp';
import { hashParts, mulberry32, seed32 } from './seeded-random.js';

/** Encodings the sandbox produces. */
export type ImageFormat = 'png' | 'jpeg' | 'webp';

/** Everything that decides the bytes of one rendered image. */
export interface RenderSpec {
  prompt: string;
  seed: number;
  /** Position of the image in its batch (0-based): varies the picture. */
  index: number;
  width: number;
  height: number;
  format: ImageFormat;
  /** 0–100: JPEG/WebP quality (OpenAI's `output_compression`). */
  compression?: number;
  /** A transparent background (PNG and WebP only). */
  transparent?: boolean;
}

export const MIME_TYPES: Record<ImageFormat, string> = {
  png: 'image/png',
  jpeg: 'image/jpeg',
  webp: 'image/webp',
};

interface Rgb {
  r: number;
  g: number;
  b: number;
}

function hslToRgb(hue: number, saturation: number, lightness: number): Rgb {
  const h = (((hue % 360) + 360) % 360) / 360;
  const q = lightness < 0.5 ? lightness * (1 + saturation) : lightness + saturation - lightness * saturation;
  const p = 2 * lightness - q;
  const channel = (t0: number): number => {
    let t = t0;
    if (t < 0) t += 1;
    if (t > 1) t -= 1;
    if (t < 1 / 6) return p + (q - p) * 6 * t;
    if (t < 1 / 2) return q;
    if (t < 2 / 3) return p + (q - p) * (2 / 3 - t) * 6;
    return p;
  };
  return {
    r: Math.round(channel(h + 1 / 3) * 255),
    g: Math.round(channel(h) * 255),
    b: Math.round(channel(h - 1 / 3) * 255),
  };
}

/** Hue offsets of the colour schemes a prompt can land on. */
const SCHEMES: number[][] = [
  [0, 25, 50, 180, 205], // analogous + complement
  [0, 120, 240, 60, 180], // triadic
  [0, 150, 210, 30, 330], // split complementary
  [0, 15, 30, 45, 200], // warm run with one accent
];

/** The look of a prompt: palette, composition and gradient angle, all from a hash of the prompt. */
export interface PromptLook {
  colours: Rgb[];
  /** 0: orbs, 1: layered hills, 2: rays and rings. */
  style: number;
  angle: number;
}

export function lookForPrompt(prompt: string): PromptLook {
  const h = hashParts('pictor-sandbox-look', prompt);
  const baseHue = (h.readUInt16BE(0) / 65536) * 360;
  const scheme = SCHEMES[h[2]! % SCHEMES.length]!;
  const colours = scheme.map((offset, i) => {
    const saturation = 0.45 + (h[3 + i]! / 255) * 0.5;
    const lightness = 0.22 + (h[8 + i]! / 255) * 0.5;
    return hslToRgb(baseHue + offset, saturation, lightness);
  });
  return { colours, style: h[13]! % 3, angle: (h[14]! / 255) * Math.PI * 2 };
}

/** Raw pixels with blending helpers. */
class Canvas {
  readonly data: Buffer;
  constructor(
    readonly width: number,
    readonly height: number,
    readonly channels: 3 | 4,
  ) {
    this.data = Buffer.alloc(width * height * channels);
  }

  /** Blends a colour over pixel (x, y) with coverage `alpha` in [0, 1]. */
  blend(x: number, y: number, c: Rgb, alpha: number): void {
    if (alpha <= 0) return;
    const a = alpha > 1 ? 1 : alpha;
    const i = (y * this.width + x) * this.channels;
    const d = this.data;
    if (this.channels === 3) {
      d[i] = d[i]! + (c.r - d[i]!) * a;
      d[i + 1] = d[i + 1]! + (c.g - d[i + 1]!) * a;
      d[i + 2] = d[i + 2]! + (c.b - d[i + 2]!) * a;
      return;
    }
    const dstA = d[i + 3]! / 255;
    const outA = a + dstA * (1 - a);
    if (outA <= 0) return;
    const keep = (dstA * (1 - a)) / outA;
    const add = a / outA;
    d[i] = c.r * add + d[i]! * keep;
    d[i + 1] = c.g * add + d[i + 1]! * keep;
    d[i + 2] = c.b * add + d[i + 2]! * keep;
    d[i + 3] = outA * 255;
  }
}

function paintGradient(canvas: Canvas, from: Rgb, to: Rgb, angle: number, transparent: boolean): void {
  if (transparent) return;
  const { width, height, data } = canvas;
  const cos = Math.cos(angle);
  const sin = Math.sin(angle);
  const span = Math.abs(width * cos) + Math.abs(height * sin) || 1;
  const cx = width / 2;
  const cy = height / 2;
  for (let y = 0; y < height; y++) {
    const rowBase = (y - cy) * sin;
    for (let x = 0; x < width; x++) {
      const t = Math.min(1, Math.max(0, ((x - cx) * cos + rowBase) / span + 0.5));
      const i = (y * width + x) * 3;
      data[i] = from.r + (to.r - from.r) * t;
      data[i + 1] = from.g + (to.g - from.g) * t;
      data[i + 2] = from.b + (to.b - from.b) * t;
    }
  }
}

/** Layered sine hills, each filled down to the bottom edge. */
function paintHills(canvas: Canvas, rnd: () => number, colours: Rgb[], count: number): void {
  const { width, height } = canvas;
  const unit = Math.min(width, height);
  for (let k = 0; k < count; k++) {
    const colour = colours[(k + 2) % colours.length]!;
    const baseline = height * (0.35 + (0.55 * (k + rnd())) / count);
    const amp1 = unit * (0.03 + rnd() * 0.09);
    const amp2 = unit * (0.01 + rnd() * 0.04);
    const f1 = ((1 + rnd() * 3) * Math.PI * 2) / width;
    const f2 = ((4 + rnd() * 8) * Math.PI * 2) / width;
    const p1 = rnd() * Math.PI * 2;
    const p2 = rnd() * Math.PI * 2;
    const alpha = 0.55 + rnd() * 0.4;
    for (let x = 0; x < width; x++) {
      const top = baseline + amp1 * Math.sin(f1 * x + p1) + amp2 * Math.sin(f2 * x + p2);
      const yStart = Math.max(0, Math.floor(top));
      for (let y = yStart; y < height; y++) {
        const edge = y - top;
        canvas.blend(x, y, colour, edge < 1 ? alpha * Math.max(0, edge) : alpha);
      }
    }
  }
}

/** Thin waves crossing the picture. */
function paintWaves(canvas: Canvas, rnd: () => number, colours: Rgb[], count: number): void {
  const { width, height } = canvas;
  const unit = Math.min(width, height);
  for (let k = 0; k < count; k++) {
    const colour = colours[(k + 1) % colours.length]!;
    const centre = height * (0.1 + rnd() * 0.8);
    const amp = unit * (0.02 + rnd() * 0.1);
    const freq = ((1 + rnd() * 5) * Math.PI * 2) / width;
    const phase = rnd() * Math.PI * 2;
    const half = Math.max(1, unit * (0.004 + rnd() * 0.02));
    const alpha = 0.35 + rnd() * 0.45;
    for (let x = 0; x < width; x++) {
      const yc = centre + amp * Math.sin(freq * x + phase);
      const y0 = Math.max(0, Math.floor(yc - half - 1));
      const y1 = Math.min(height - 1, Math.ceil(yc + half + 1));
      for (let y = y0; y <= y1; y++) {
        const d = half - Math.abs(y - yc);
        canvas.blend(x, y, colour, alpha * Math.min(1, Math.max(0, d + 0.5)));
      }
    }
  }
}

/** Soft-edged discs and rings. */
function paintOrbs(canvas: Canvas, rnd: () => number, colours: Rgb[], count: number, ringShare: number): void {
  const { width, height } = canvas;
  const unit = Math.min(width, height);
  for (let k = 0; k < count; k++) {
    const colour = colours[Math.floor(rnd() * colours.length)]!;
    const cx = rnd() * width;
    const cy = rnd() * height;
    const radius = unit * (0.03 + rnd() * rnd() * 0.3);
    const ring = rnd() < ringShare ? Math.max(1.5, radius * (0.06 + rnd() * 0.12)) : 0;
    const alpha = 0.35 + rnd() * 0.55;
    const x0 = Math.max(0, Math.floor(cx - radius - 1));
    const x1 = Math.min(width - 1, Math.ceil(cx + radius + 1));
    const y0 = Math.max(0, Math.floor(cy - radius - 1));
    const y1 = Math.min(height - 1, Math.ceil(cy + radius + 1));
    for (let y = y0; y <= y1; y++) {
      const dy = y - cy;
      for (let x = x0; x <= x1; x++) {
        const dx = x - cx;
        const dist = Math.sqrt(dx * dx + dy * dy);
        let coverage = Math.min(1, Math.max(0, radius - dist + 0.5));
        if (ring > 0) coverage = Math.min(coverage, Math.min(1, Math.max(0, dist - (radius - ring) + 0.5)));
        // A soft radial shade makes discs read as spheres.
        const shade = ring > 0 ? 1 : 1 - 0.35 * (dist / radius);
        canvas.blend(x, y, colour, alpha * coverage * shade);
      }
    }
  }
}

/** Straight rays from one vanishing point. */
function paintRays(canvas: Canvas, rnd: () => number, colours: Rgb[], count: number): void {
  const { width, height } = canvas;
  const ox = rnd() * width;
  const oy = rnd() < 0.5 ? -height * 0.1 : height * 1.1;
  const colour = colours[3 % colours.length]!;
  const spread = 0.04 + rnd() * 0.06;
  const offset = rnd() * Math.PI * 2;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const angle = Math.atan2(y - oy, x - ox) + offset;
      const s = Math.sin(angle * count);
      if (s > 1 - spread * 4) canvas.blend(x, y, colour, 0.18 * ((s - (1 - spread * 4)) / (spread * 4)));
    }
  }
}

/** Renders the raw pixels of a procedural picture: deterministic in (prompt, seed, index, width, height). */
export function renderPixels(
  spec: Pick<RenderSpec, 'prompt' | 'seed' | 'index' | 'width' | 'height' | 'transparent'>,
): {
  data: Buffer;
  channels: 3 | 4;
} {
  const transparent = spec.transparent === true;
  const canvas = new Canvas(spec.width, spec.height, transparent ? 4 : 3);
  const look = lookForPrompt(spec.prompt);
  const rnd = mulberry32(seed32('pictor-sandbox-layout', spec.prompt, String(spec.seed), spec.index));
  const [c0, c1] = look.colours;
  paintGradient(canvas, c0!, c1!, look.angle + (rnd() - 0.5) * 0.8, transparent);
  if (look.style === 2) paintRays(canvas, rnd, look.colours, 6 + Math.floor(rnd() * 10));
  if (look.style === 1) paintHills(canvas, rnd, look.colours, 3 + Math.floor(rnd() * 3));
  paintOrbs(
    canvas,
    rnd,
    look.colours,
    look.style === 0 ? 10 + Math.floor(rnd() * 10) : 3 + Math.floor(rnd() * 5),
    look.style === 2 ? 0.6 : 0.2,
  );
  paintWaves(canvas, rnd, look.colours, look.style === 1 ? 1 + Math.floor(rnd() * 2) : 2 + Math.floor(rnd() * 4));
  return { data: canvas.data, channels: canvas.channels };
}

/**
 * Longest side painted in JavaScript; larger pictures are painted at this size and scaled up by sharp, which
 * keeps a render of any size to a few tens of milliseconds (the art is smooth shapes, so it scales well).
 */
export const PAINT_MAX_EDGE = 640;

/** Renders and encodes one image at exactly `width`×`height`. */
export async function renderImage(spec: RenderSpec): Promise<Buffer> {
  const transparent = spec.transparent === true && spec.format !== 'jpeg';
  const scale = Math.min(1, PAINT_MAX_EDGE / Math.max(spec.width, spec.height));
  const paintWidth = Math.max(1, Math.round(spec.width * scale));
  const paintHeight = Math.max(1, Math.round(spec.height * scale));
  const { data, channels } = renderPixels({ ...spec, width: paintWidth, height: paintHeight, transparent });
  let image = sharp(data, { raw: { width: paintWidth, height: paintHeight, channels } });
  if (scale < 1) image = image.resize(spec.width, spec.height, { fit: 'fill', kernel: 'lanczos3' });
  return encodeImage(image, spec);
}

/** Encodes a picture in the spec's format (`compression` as the JPEG/WebP quality). */
export function encodeImage(image: Sharp, spec: Pick<RenderSpec, 'format' | 'compression'>): Promise<Buffer> {
  const quality = Math.min(100, Math.max(1, spec.compression ?? 90));
  switch (spec.format) {
    case 'png':
      return image.png({ compressionLevel: 6 }).toBuffer();
    case 'jpeg':
      return image.jpeg({ quality, mozjpeg: false }).toBuffer();
    case 'webp':
      return image.webp({ quality }).toBuffer();
  }
}
