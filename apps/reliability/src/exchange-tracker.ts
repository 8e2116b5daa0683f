import { AsyncLocalStorage } from 'node:async_hooks';
import diagnosticsChannel from 'node:diagnostics_channel';

/** One HTTP exchange undici made on behalf of a tracked task, as undici's diagnostics channels tell it. */
export interface Exchange {
  method: string;
  path: string;
  /** Status of the response, once its headers arrived. */
  status?: number;
  /** The server's `x-request-id` (the sandbox stamps one on every answer). */
  requestId?: string;
  /** Code (or name) of the error undici raised for it, if any: a reset, a timeout, an abort. */
  error?: string;
}

interface UndiciRequest {
  method: string;
  path: string;
}

function headerValue(raw: unknown, name: string): string | undefined {
  if (!Array.isArray(raw)) return undefined;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    if (String(raw[i]).toLowerCase() === name) return String(raw[i + 1]);
  }
  return undefined;
}

/**
 * Ties every HTTP exchange undici makes to the task that caused it, across any copy of undici (the
 * channels are process-wide by name). Inside `track(fn)`, each request undici creates is recorded in that
 * call's list with its status, request id and error: the soak uses it to find which of its requests met
 * which injected fault, by the sandbox's request id.
 */
export class ExchangeTracker<Task extends { exchanges: Exchange[] } = { exchanges: Exchange[] }> {
  readonly #context = new AsyncLocalStorage<Task>();
  readonly #byRequest = new WeakMap<object, Exchange>();

  readonly #onCreate = (message: unknown): void => {
    const list = this.#context.getStore()?.exchanges;
    const request = (message as { request: UndiciRequest }).request;
    if (!list) return;
    const exchange: Exchange = { method: request.method, path: request.path };
    list.push(exchange);
    this.#byRequest.set(request, exchange);
  };

  readonly #onHeaders = (message: unknown): void => {
    const { request, response } = message as { request: object; response: { statusCode: number; headers: unknown } };
    const exchange = this.#byRequest.get(request);
    if (!exchange) return;
    exchange.status = response.statusCode;
    exchange.requestId = headerValue(response.headers, 'x-request-id');
  };

  readonly #onError = (message: unknown): void => {
    const { request, error } = message as { request: object; error: { code?: unknown; name?: unknown } };
    const exchange = this.#byRequest.get(request);
    if (!exchange) return;
    exchange.error = typeof error?.code === 'string' ? error.code : String(error?.name ?? 'Error');
  };

  /** Starts listening to undici's channels. */
  start(): void {
    diagnosticsChannel.subscribe('undici:request:create', this.#onCreate);
    diagnosticsChannel.subscribe('undici:request:headers', this.#onHeaders);
    diagnosticsChannel.subscribe('undici:request:error', this.#onError);
  }

  stop(): void {
    diagnosticsChannel.unsubscribe('undici:request:create', this.#onCreate);
    diagnosticsChannel.unsubscribe('undici:request:headers', this.#onHeaders);
    diagnosticsChannel.unsubscribe('undici:request:error', this.#onError);
  }

  /** Runs `fn`, recording into `task.exchanges` every request it makes (however deep, however async). */
  track<T>(task: Task, fn: () => Promise<T>): Promise<T> {
    return this.#context.run(task, fn);
  }

  /** The task running now, if any (for callbacks such as `onRetry`, called inside the task). */
  current(): Task | undefined {
    return this.#context.getStore();
  }
}
