import type { ServerResponse } from 'node:http';
import { createParamDecorator, type ExecutionContext } from '@nestjs/common';

/**
 * An `AbortSignal` that fires when the client disconnects before its answer is complete. Passed to
 * `PictorService.generate`, it cancels the provider call, so a caller that gives up stops spending credits.
 */
export const ClientGoneSignal = createParamDecorator((_: unknown, context: ExecutionContext): AbortSignal => {
  const res = context.switchToHttp().getResponse<ServerResponse>();
  const controller = new AbortController();
  const abort = (): void => controller.abort(new Error('the client disconnected before its answer was complete'));
  // The client may have gone while its body was read; `close` has then fired already.
  if (res.destroyed || res.socket?.destroyed) abort();
  else res.once('close', () => !res.writableFinished && abort());
  return controller.signal;
});
