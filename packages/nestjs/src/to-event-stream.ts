import type { GenerateOptions, GenerateResult } from '@pictor/core';
import { Observable } from 'rxjs';
import type { PictorStreamEvent, PictorStreamOptions } from './interfaces/pictor-stream-event.interface.js';

/**
 * Turns a call of core's client into a cold `Observable`: each subscription starts the call, its callbacks
 * become `partial` and `image` events, its result a `result` event. Unsubscribing before the end aborts the
 * call, which cancels the provider's stream and frees its socket; the caller's own `signal` aborts it too.
 */
export function toEventStream(
  start: (options: GenerateOptions) => Promise<GenerateResult>,
  options: PictorStreamOptions = {},
): Observable<PictorStreamEvent> {
  return new Observable<PictorStreamEvent>((subscriber) => {
    const controller = new AbortController();
    const callerSignal = options.signal;
    const forward = (): void => controller.abort(callerSignal?.reason);
    if (callerSignal?.aborted) forward();
    else callerSignal?.addEventListener('abort', forward, { once: true });
    let settled = false;

    start({
      ...options,
      signal: controller.signal,
      onPartialImage: (partial) => subscriber.next({ type: 'partial', partial }),
      onImage: (image) => subscriber.next({ type: 'image', image }),
    }).then(
      (result) => {
        settled = true;
        subscriber.next({ type: 'result', result });
        subscriber.complete();
      },
      (error: unknown) => {
        settled = true;
        subscriber.error(error);
      },
    );

    return () => {
      callerSignal?.removeEventListener('abort', forward);
      if (!settled) controller.abort(new Error('the stream was unsubscribed before it completed'));
    };
  });
}
