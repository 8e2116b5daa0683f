import { Injectable, type PipeTransform } from '@nestjs/common';
import { normalizeRequest, ValidationError } from '@pictor/core';
import { readTextFields } from './text-fields.js';

/** The query of `GET /images/stream`. */
export interface StreamQuery {
  prompt: string;
  /** 1 to `MAX_STREAMED`; default 1. */
  n?: number;
  size?: string;
  quality?: 'auto' | 'low' | 'medium' | 'high' | 'standard' | 'hd';
  outputFormat?: 'png' | 'jpeg' | 'webp';
  /** Previews per image, 0 to 3; default 2. */
  partialImages: 0 | 1 | 2 | 3;
}

/** Most images one stream may ask for. */
const MAX_STREAMED = 4;
const DEFAULT_PARTIALS = 2;
const FIELDS = {
  prompt: 'text',
  n: 'integer',
  size: 'text',
  quality: 'text',
  outputFormat: 'text',
  partialImages: 'integer',
} as const;

/**
 * Validates the query of the event stream with core's request schema, accepting only the fields above.
 * Throws `ValidationError` naming every bad field, answered as 400 before the stream opens.
 */
@Injectable()
export class StreamQueryPipe implements PipeTransform<unknown, StreamQuery> {
  transform(query: unknown): StreamQuery {
    const { values, issues } = readTextFields(query, FIELDS);
    const request: Record<string, string | number> = { partialImages: DEFAULT_PARTIALS, ...values };
    try {
      normalizeRequest(request);
    } catch (error) {
      if (!ValidationError.isInstance(error)) throw error;
      issues.push(...error.issues.filter((issue) => !issues.some((known) => known.field === issue.field)));
    }
    if (typeof request.n === 'number' && request.n > MAX_STREAMED && !issues.some((i) => i.field === 'n'))
      issues.push({ field: 'n', message: `must be at most ${MAX_STREAMED}` });
    if (issues.length) throw new ValidationError(issues);
    return request as unknown as StreamQuery;
  }
}
