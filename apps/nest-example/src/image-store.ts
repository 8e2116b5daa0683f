import { randomUUID } from 'node:crypto';
import type { GeneratedImage } from '@pictor/core';

/**
 * Generated images kept in memory by id, least recently used first out once their bytes pass `maxBytes`
 * (the newest image always stays).
 */
export class ImageStore {
  private readonly images = new Map<string, GeneratedImage>();
  private bytes = 0;

  constructor(readonly maxBytes: number) {}

  /** Stores an image and returns its new id. */
  add(image: GeneratedImage): string {
    const id = randomUUID();
    this.images.set(id, image);
    this.bytes += image.bytes.length;
    for (const [oldest, old] of this.images) {
      if (this.bytes <= this.maxBytes || oldest === id) break;
      this.images.delete(oldest);
      this.bytes -= old.bytes.length;
    }
    return id;
  }

  /** The image, marked as recently used; undefined when unknown or evicted. */
  get(id: string): GeneratedImage | undefined {
    const image = this.images.get(id);
    if (image) {
      this.images.delete(id);
      this.images.set(id, image);
    }
    return image;
  }

  get size(): number {
    return this.images.size;
  }
}
