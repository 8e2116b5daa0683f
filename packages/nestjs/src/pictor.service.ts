import type { OnApplicationShutdown } from '@nestjs/common';
import { saveImages, type SaveOptions, type SaveResult } from '@pictor/core/storage';
import {
  type Budget,
  type CostEstimate,
  type EditRequest,
  type GenerateOptions,
  type GenerateResult,
  type ImageRequest,
  type ModelInfo,
  type PictorClient,
  type ProviderName,
} from '@pictor/core';
import type { Observable } from 'rxjs';
import type { PictorStreamEvent, PictorStreamOptions } from './interfaces/pictor-stream-event.interface.js';
import { toEventStream } from './to-event-stream.js';

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

  /** The client's budget (the module's `maxCost`), with what it has spent and reserved so far. */
  get budget(): Budget | undefined {
    return this.client.budget;
  }

  /**
   * Generates images. Rejects with core's typed errors: `ValidationError` (naming the bad fields) before any
   * network call, `RateLimitError`, `AuthenticationError`, … after the client's retries, and
   * `BudgetExceededError` when the call would pass a budget (the module's `maxCost`, or `options.maxCost` /
   * `options.budget`). The result carries `cost` (`usd` undefined when unknown), and each image its share.
   */
  generate(request: ImageRequest, options?: GenerateOptions): Promise<GenerateResult> {
    return this.client.generate(request, options);
  }

  /**
   * Edits images: `images` (1 to 16 inputs, as bytes, `{ bytes, name }`, `{ url }` or `{ path }`), an optional
   * `mask` and the prompt, with the same settings and the same result as `generate()` (`operation: 'edit'`).
   * Inputs are checked (type, size, count for the model) before any network call.
   */
  edit(request: EditRequest, options?: GenerateOptions): Promise<GenerateResult> {
    return this.client.edit(request, options);
  }

  /**
   * Generates images as an `Observable` of events: `partial` previews (when the request asks for
   * `partialImages`, on OpenAI's GPT image models), each `image` as soon as it is decoded, then the `result`.
   * Each subscription starts one generation; unsubscribing before the end aborts it (the provider's stream is
   * cancelled and its socket freed). Errors are `generate()`'s.
   */
  stream(request: ImageRequest, options?: PictorStreamOptions): Observable<PictorStreamEvent> {
    return toEventStream((callOptions) => this.client.generate(request, callOptions), options);
  }

  /** `stream()` for an edit: the events of `edit(request)`, cancelled by unsubscribing. */
  streamEdit(request: EditRequest, options?: PictorStreamOptions): Observable<PictorStreamEvent> {
    return toEventStream((callOptions) => this.client.edit(request, callOptions), options);
  }

  /**
   * What `generate(request)` would do and cost (the calls, images, sizes, the estimated USD), worked out without
   * any network call: a dry run. Throws `ValidationError` as `generate()` would. An edit costs what a generation
   * of the same model, size and quality does: estimate it with the request minus its images.
   */
  estimateCost(request: ImageRequest): CostEstimate {
    return this.client.estimateCost(request);
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
