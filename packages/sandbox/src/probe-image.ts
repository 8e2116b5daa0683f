import sharp from 'sharp';

/** What sharp sees in an input image. */
export interface ProbedImage {
  format: string;
  width: number;
  height: number;
}

/** What sharp sees in an input image, or undefined when it is no image it can read. */
export async function probeImage(bytes: Buffer): Promise<ProbedImage | undefined> {
  try {
    const meta = await sharp(bytes).metadata();
    if (!meta.format || !meta.width || !meta.height) return undefined;
    return { format: meta.format, width: meta.width, height: meta.height };
  } catch {
    return undefined;
  }
}
