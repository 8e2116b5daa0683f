import sharp from 'sharp';

/** A PNG of one colour. */
export function solidPng(width: number, height: number, colour: string): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: colour } })
    .png()
    .toBuffer();
}

/** Mean RGB of an image. */
export async function meanColour(bytes: Buffer): Promise<number[]> {
  const stats = await sharp(bytes).removeAlpha().stats();
  return stats.channels.map((c) => c.mean);
}

/** Euclidean distance between two RGB triples. */
export function colourDistance(a: number[], b: number[]): number {
  return Math.hypot(...a.map((v, i) => v - b[i]!));
}

/** A `data:` URL carrying the bytes. */
export function dataUrl(bytes: Buffer, type = 'image/png'): string {
  return `data:${type};base64,${bytes.toString('base64')}`;
}
