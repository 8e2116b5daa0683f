import type { OnApplicationShutdown } from '@nestjs/common';
import { saveImages, type SaveOptions, type SaveResult } from '@pictor/core/storage';
import {
  type GenerateOptions,
  type GenerateResult,
  type ImageRequest,
  type ModelInfo,
  type PictorClient,
  type ProviderName,
} from '@pictor/core';

/**
 * One Pictor client inside a Nest app. Inject the default one as `PictorService`, a named one with
 * `@InjectPictor(name)`. Its connection pool closes when the application shuts down.
 */
export class PictorService implements OnApplicationShutdown {
  constructor(
    /** The `@pictor/core` client behind this service, for anything the service does not wrap. */
    readonly client: PictorClient,
    /** The name given to `forRoot` (`default` when none). */
    readonly name: string,
  ) {}

  /** The provider this client talks to, e.g. `together` or `openai`. */
  get provider(): ProviderName {
    return this.client.provider;
  }

  /**
   * Generates images. Rejects with core's typed errors: `ValidationError` (naming the bad fields) before any
   * network call, `RateLimitError`, `AuthenticationError`, … after the client's retries.
   */
  generate(request: ImageRequest, options?: GenerateOptions): Promise<GenerateResult> {
    return this.client.generate(request, options);
  }

  /** Writes a result's images into `dir` atomically and records them in its `manifest.json`. */
  save(result: GenerateResult, dir: string, options?: SaveOptions): Promise<SaveResult> {
    return saveImages(result, dir, options);
  }

  /** The provider's image models (`GET /models`); `imageOnly: false` lists every model. */
  models(options?: { signal?: AbortSignal; imageOnly?: boolean }): Promise<ModelInfo[]> {
    return this.client.listModels(options);
  }

  /** Closes the client's connection pool (after in-flight requests finish). */
  onApplicationShutdown(): Promise<void> {
    return this.client.close();
  }
}
