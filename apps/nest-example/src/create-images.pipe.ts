import { Injectable, type PipeTransform } from '@nestjs/common';
import { normalizeRequest, ValidationError, type FieldIssue } from '@pictor/core';

/** The body of `POST /images`. */
export interface CreateImagesBody {
  prompt: string;
  /** 1 to `MAX_IMAGES`; default 1. */
  n?: number;
  /** `"WIDTHxHEIGHT"` or `"auto"`; default: the model's. */
  size?: string;
  seed?: number;
}

/** Most images one request may ask for. */
const MAX_IMAGES = 8;
const FIELDS = ['prompt', 'n', 'size', 'seed'];

/**
 * Validates the body with core's request schema, accepting only the fields above (so callers cannot reach
 * `providerOptions` or the model). Throws `ValidationError` naming every bad field, answered as 400.
 */
@Injectable()
export class CreateImagesPipe implements PipeTransform<unknown, CreateImagesBody> {
  transform(body: unknown): CreateImagesBody {
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw new ValidationError([{ field: '(body)', message: 'must be a JSON object' }]);
    }
    const input = body as Record<string, unknown>;
    const issues: FieldIssue[] = Object.keys(input)
      .filter((key) => !FIELDS.includes(key))
      .map((field) => ({ field, message: `is not accepted here (send ${FIELDS.join(', ')})` }));
    const request = Object.fromEntries(
      FIELDS.filter((key) => key in input).map((key) => [key, input[key]]),
    ) as unknown as CreateImagesBody;
    try {
      normalizeRequest(request);
    } catch (error) {
      if (!ValidationError.isInstance(error)) throw error;
      issues.push(...error.issues);
    }
    if (typeof request.n === 'number' && request.n > MAX_IMAGES && !issues.some((i) => i.field === 'n')) {
      issues.push({ field: 'n', message: `must be at most ${MAX_IMAGES}` });
    }
    if (issues.length) throw new ValidationError(issues);
    return request;
  }
}
