/** Outcome of a cache look-up. */
export interface CacheResult {
  bytes: Buffer;
  /** True when the bytes came from the cache (or from a render already under way). */
  hit: boolean;
}

/**
 * An LRU cache of rendered images bounded by total bytes. Concurrent requests for the same key share one
 * render, so a burst of identical requests renders once.
 */
export class RenderCache {
  readonly #maxBytes: number;
  readonly #entries = new Map<string, Buffer>();
  readonly #pending = new Map<string, Promise<Buffer>>();
  #bytes = 0;

  constructor(maxBytes: number) {
    this.#maxBytes = maxBytes;
  }

  /** Total bytes held. */
  get bytes(): number {
    return this.#bytes;
  }

  /** Number of entries held. */
  get size(): number {
    return this.#entries.size;
  }

  has(key: string): boolean {
    return this.#entries.has(key);
  }

  async get(key: string, render: () => Promise<Buffer>): Promise<CacheResult> {
    const cached = this.#entries.get(key);
    if (cached) {
      // Re-insert to mark as most recently used.
      this.#entries.delete(key);
      this.#entries.set(key, cached);
      return { bytes: cached, hit: true };
    }
    const pending = this.#pending.get(key);
    if (pending) return { bytes: await pending, hit: true };
    const job = render();
    this.#pending.set(key, job);
    try {
      const bytes = await job;
      this.#store(key, bytes);
      return { bytes, hit: false };
    } finally {
      this.#pending.delete(key);
    }
  }

  clear(): void {
    this.#entries.clear();
    this.#bytes = 0;
  }

  #store(key: string, bytes: Buffer): void {
    if (bytes.length > this.#maxBytes) return;
    this.#entries.set(key, bytes);
    this.#bytes += bytes.length;
    for (const [oldKey, oldBytes] of this.#entries) {
      if (this.#bytes <= this.#maxBytes) break;
      this.#entries.delete(oldKey);
      this.#bytes -= oldBytes.length;
    }
  }
}
