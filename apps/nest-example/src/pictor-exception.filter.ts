import type { ServerResponse } from 'node:http';
import { Catch, Logger, type ArgumentsHost } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import { AbortError, PictorError } from '@pictor/core';
import { stripControl } from './strip-control.js';
import { isOperatorConcern, toHttpError } from './to-http-error.js';

/**
 * Answers core's errors as `toHttpError` says and logs the provider's failures (their messages cleaned of
 * control characters and escape sequences, on one line); leaves the rest to Nest. A generation aborted because
 * its client went away gets no answer: there is no one to send it to.
 */
@Catch()
export class PictorExceptionFilter extends BaseExceptionFilter {
  private readonly logger = new Logger('Pictor');

  override catch(exception: unknown, host: ArgumentsHost): void {
    if (!PictorError.isInstance(exception)) return super.catch(exception, host);
    const response = host.switchToHttp().getResponse<ServerResponse>();
    if (AbortError.isInstance(exception) && (response.destroyed || response.socket?.destroyed)) {
      this.logger.log('The client disconnected: its generation was aborted');
      return;
    }
    const { status, headers, body } = toHttpError(exception);
    if (isOperatorConcern(status))
      this.logger.warn(`${status} after ${exception.name}: ${stripControl(exception.message)}`);
    const adapter = this.applicationRef ?? this.httpAdapterHost!.httpAdapter;
    for (const [name, value] of Object.entries(headers)) adapter.setHeader(response, name, value);
    adapter.reply(response, body, status);
  }
}
