import { STATUS_CODES } from 'node:http';
import { Catch, HttpException, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { MAX_EDIT_IMAGES, MAX_UPLOAD_BYTES } from './upload-limits.js';

/** What multer puts on its errors; Nest keeps the error as the `cause` of the exception it throws. */
interface MulterError {
  code: string;
  field?: string;
}

function isMulterError(cause: unknown): cause is MulterError {
  return typeof cause === 'object' && cause !== null && typeof (cause as MulterError).code === 'string';
}

/** The field an upload limit concerns and what is wrong with it, in words a caller can act on. */
function describe({ code, field }: MulterError): { field: string; message: string } {
  const name = field ?? '(body)';
  switch (code) {
    case 'LIMIT_FILE_SIZE':
      return { field: name, message: `must be at most ${MAX_UPLOAD_BYTES / 1024 / 1024} MiB` };
    case 'LIMIT_UNEXPECTED_FILE':
      if (field === 'image') return { field, message: `at most ${MAX_EDIT_IMAGES} files` };
      if (field === 'mask') return { field, message: 'at most one file' };
      return { field: name, message: 'is not a file field here (send image, and optionally mask)' };
    case 'LIMIT_FIELD_VALUE':
      return { field: name, message: 'is too long' };
    case 'LIMIT_FILE_COUNT':
      return { field: name, message: `too many files (at most ${MAX_EDIT_IMAGES} images and a mask)` };
    case 'LIMIT_FIELD_COUNT':
    case 'LIMIT_PART_COUNT':
      return { field: '(body)', message: 'too many fields' };
    default:
      return { field: name, message: 'is not accepted' };
  }
}

/**
 * Answers an upload that multer refused (a file too large: 413; too many files, an unknown file field, a text
 * field too long: 400) in the app's error shape, naming the field: `{ statusCode, error, message, fields }`.
 * Other HTTP errors keep Nest's answer.
 */
@Catch(HttpException)
export class UploadExceptionFilter implements ExceptionFilter {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  catch(exception: HttpException, host: ArgumentsHost): void {
    const { httpAdapter } = this.adapterHost;
    const response = host.switchToHttp().getResponse<unknown>();
    const status = exception.getStatus();
    const cause = exception.cause;
    if (!isMulterError(cause)) {
      const body = exception.getResponse();
      httpAdapter.reply(response, typeof body === 'string' ? { statusCode: status, message: body } : body, status);
      return;
    }
    const issue = describe(cause);
    httpAdapter.reply(
      response,
      {
        statusCode: status,
        error: STATUS_CODES[status] ?? 'Error',
        message: `Invalid upload: ${issue.field}: ${issue.message}`,
        fields: [issue],
      },
      status,
    );
  }
}
