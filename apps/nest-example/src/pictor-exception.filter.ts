import { Catch, Logger, type ArgumentsHost } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import { PictorError } from '@pictor/core';
import { toHttpError } from './to-http-error.js';

/** Answers core's errors as `toHttpError` says and logs the provider's failures; leaves the rest to Nest. */
@Catch()
export class PictorExceptionFilter extends BaseExceptionFilter {
  private readonly logger = new Logger('Pictor');

  override catch(exception: unknown, host: ArgumentsHost): void {
    if (!PictorError.isInstance(exception)) return super.catch(exception, host);
    const { status, headers, body } = toHttpError(exception);
    if (status >= 500 || status === 429) this.logger.warn(`${status} after ${exception.name}: ${exception.message}`);
    const adapter = this.applicationRef ?? this.httpAdapterHost!.httpAdapter;
    const response: unknown = host.switchToHttp().getResponse();
    for (const [name, value] of Object.entries(headers)) adapter.setHeader(response, name, value);
    adapter.reply(response, body, status);
  }
}
