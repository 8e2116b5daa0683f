/** The fields of one generated image. */
export interface GeneratedImageInit {
  /** Position in the whole request (0-based), stable across batching. */
  index: number;
  bytes: Buffer;
  /** Sniffed from the bytes, never taken from the provider's word. */
  mediaType: string;
  /** File extension without the dot: `png`, `jpg`, `webp`, `gif`. */
  extension: string;
  width: number;
  height: number;
  /** Hex SHA-256 of the bytes. */
  sha256: string;
  /** The seed of the call that produced it, when one was sent. */
  seed?: number | undefined;
  /** Where the provider served it, when it answered with URLs (they expire). */
  url?: string | undefined;
  revisedPrompt?: string | undefined;
  /** This image's share of its call's reported usage (the call's usage divided by its images). */
  usage?: Record<string, unknown> | undefined;
  /** This image's share of its call's cost. */
  cost?: { usd: number | undefined; basis: 'usage' | 'estimate' | 'unknown' } | undefined;
  /** Whether the bytes carry C2PA content credentials (kept as they are: Pictor never re-encodes). */
  contentCredentials?: boolean | undefined;
}

/** One decoded image. `base64` is computed on demand; `toJSON()` leaves the bytes out. */
export class GeneratedImage implements GeneratedImageInit {
  readonly index: number;
  readonly bytes: Buffer;
  readonly mediaType: string;
  readonly extension: string;
  readonly width: number;
  readonly height: number;
  readonly sha256: string;
  readonly seed: number | undefined;
  readonly url: string | undefined;
  readonly revisedPrompt: string | undefined;
  readonly usage: Record<string, unknown> | undefined;
  readonly cost: { usd: number | undefined; basis: 'usage' | 'estimate' | 'unknown' } | undefined;
  readonly contentCredentials: boolean;

  constructor(init: GeneratedImageInit) {
    this.index = init.index;
    this.bytes = init.bytes;
    this.mediaType = init.mediaType;
    this.extension = init.extension;
    this.width = init.width;
    this.height = init.height;
    this.sha256 = init.sha256;
    this.seed = init.seed;
    this.url = init.url;
    this.revisedPrompt = init.revisedPrompt;
    this.usage = init.usage;
    this.cost = init.cost;
    this.contentCredentials = init.contentCredentials ?? false;
  }

  /** The bytes as base64 text (computed each time it is read). */
  get base64(): string {
    return this.bytes.toString('base64');
  }

  toJSON(): Record<string, unknown> {
    return {
      index: this.index,
      mediaType: this.mediaType,
      extension: this.extension,
      width: this.width,
      height: this.height,
      byteLength: this.bytes.length,
      sha256: this.sha256,
      seed: this.seed,
      url: this.url,
      revisedPrompt: this.revisedPrompt,
      usage: this.usage,
      cost: this.cost,
      contentCredentials: this.contentCredentials,
    };
  }
}
