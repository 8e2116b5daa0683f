import type { IncomingMessage } from 'node:http';
import { Busboy } from '@fastify/busboy';
import { invalidRequest, type ApiError } from './provider-envelopes.js';

/** One uploaded file of a multipart form. */
export interface FormFile {
  /** The form field, e.g. `image[]` or `mask`. */
  field: string;
  bytes: Buffer;
  mimeType: string;
  filename: string;
}

export interface ParsedForm {
  fields: Record<string, string>;
  files: FormFile[];
}

/** Bounds of one multipart request: what the sandbox holds in memory for it. */
export interface FormLimits {
  /** One file (OpenAI: each GPT image input "less than 50MB"). */
  fileBytes: number;
  /** The whole body. */
  totalBytes: number;
  /** Files in the form (16 images and a mask). */
  files: number;
  /** Text fields, and the bytes of each (a 32 000-character prompt is up to 128 KB of UTF-8). */
  fields: number;
  fieldBytes: number;
}

export const EDIT_FORM_LIMITS: FormLimits = {
  fileBytes: 50 * 1000 * 1000,
  totalBytes: 64 * 1024 * 1024,
  files: 17,
  fields: 32,
  fieldBytes: 256 * 1024,
};

function tooLarge(message: string, param: string | null): ApiError {
  return invalidRequest(message, param, 'request_too_large', 413);
}

/**
 * Reads a `multipart/form-data` body with busboy, within `limits`. The first limit crossed decides the answer
 * (413 for bytes, 400 for counts); the rest of the body is still read, so the client gets that answer rather
 * than a reset. Rejects only when the client goes away.
 */
export function readMultipartForm(req: IncomingMessage, limits: FormLimits): Promise<ParsedForm | ApiError> {
  return new Promise((resolve, reject) => {
    let parser: ReturnType<typeof Busboy>;
    try {
      parser = Busboy({
        headers: req.headers as { 'content-type': string },
        limits: {
          fileSize: limits.fileBytes,
          files: limits.files,
          fields: limits.fields,
          fieldSize: limits.fieldBytes,
          parts: limits.files + limits.fields,
        },
      });
    } catch (error) {
      // No boundary, or not a multipart type busboy knows.
      req.resume();
      resolve(invalidRequest(`Invalid multipart/form-data body: ${(error as Error).message}.`, null, 'invalid_body'));
      return;
    }
    const fields: Record<string, string> = {};
    const files: FormFile[] = [];
    let problem: ApiError | undefined;
    const fail = (error: ApiError): void => {
      problem ??= error;
    };
    let received = 0;
    let pending = 0;
    let finished = false;
    const settle = (): void => {
      if (finished && pending === 0) resolve(problem ?? { fields, files });
    };

    parser.on('field', (name, value, nameTruncated, valueTruncated) => {
      if (nameTruncated) return fail(invalidRequest('A form field name is too long.', null, 'invalid_body'));
      if (valueTruncated)
        return fail(
          invalidRequest(
            `Invalid '${name}': longer than the ${limits.fieldBytes} bytes the sandbox reads of a form field.`,
            name,
            'string_above_max_length',
          ),
        );
      fields[name] = value;
    });
    parser.on('file', (field, stream, filename, _encoding, mimeType) => {
      const chunks: Buffer[] = [];
      pending += 1;
      stream.on('data', (chunk: Buffer) => {
        if (!problem) chunks.push(chunk);
      });
      stream.on('limit', () =>
        fail(tooLarge(`The file in '${field}' is larger than ${limits.fileBytes} bytes.`, field.replace(/\[\]$/, ''))),
      );
      stream.on('end', () => {
        pending -= 1;
        if (!problem) files.push({ field, bytes: Buffer.concat(chunks), mimeType, filename });
        settle();
      });
    });
    parser.on('filesLimit', () =>
      fail(
        invalidRequest(
          `Too many files: at most ${limits.files - 1} images and one mask.`,
          'image',
          'array_above_max_length',
        ),
      ),
    );
    parser.on('fieldsLimit', () =>
      fail(invalidRequest(`Too many form fields: at most ${limits.fields}.`, null, 'invalid_body')),
    );
    parser.on('partsLimit', () =>
      fail(invalidRequest(`Too many form parts: at most ${limits.files + limits.fields}.`, null, 'invalid_body')),
    );
    parser.on('error', (error: unknown) => {
      fail(invalidRequest(`Invalid multipart/form-data body: ${(error as Error).message}.`, null, 'invalid_body'));
      // Stop parsing; read the rest of the body so the answer is not a reset.
      req.unpipe(parser);
      req.resume();
      if (req.readableEnded) resolve(problem!);
      else req.once('end', () => resolve(problem!));
    });
    parser.on('finish', () => {
      finished = true;
      settle();
    });

    req.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (received > limits.totalBytes && !problem) {
        fail(tooLarge(`Request body too large: the limit is ${limits.totalBytes} bytes.`, null));
        req.unpipe(parser);
        req.resume();
        req.once('end', () => resolve(problem!));
      }
    });
    req.on('aborted', () => reject(new Error('client went away mid-body')));
    req.on('error', reject);
    req.pipe(parser);
  });
}
