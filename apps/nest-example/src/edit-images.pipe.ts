import { Injectable, type PipeTransform } from '@nestjs/common';
import { normalizeRequest, ValidationError, type FieldIssue } from '@pictor/core';
import { readTextFields } from './text-fields.js';

/** The text fields of `POST /images/edits` (the files come beside them, see `UploadedImagesPipe`). */
export interface EditImagesBody {
  prompt: string;
  /** 1 to `MAX_EDITS`; default 1. */
  n?: number;
  /** `"WIDTHxHEIGHT"` or `"auto"`; default: the model's. */
  size?: string;
  quality?: 'auto' | 'low' | 'medium' | 'high' | 'standard' | 'hd';
  /** How closely the edit keeps the input's features (OpenAI's GPT image models). */
  inputFidelity?: 'high' | 'low';
}

/** Most images one edit may ask for. */
const MAX_EDITS = 4;
const FIELDS = { prompt: 'text', n: 'integer', size: 'text', quality: 'text', inputFidelity: 'text' } as const;

/**
 * Validates the edit's text fields with core's request schema, accepting only the fields above (so callers
 * cannot reach `providerOptions` or the model). Throws `ValidationError` naming every bad field, answered as
 * 400 before anything is sent to the provider; what depends on the model (sizes, `inputFidelity`) core checks
 * once the images are there, also before any network call.
 */
@Injectable()
export class EditImagesPipe implements PipeTransform<unknown, EditImagesBody> {
  transform(body: unknown): EditImagesBody {
    const { values, issues } = readTextFields(body, FIELDS);
    try {
      normalizeRequest(values);
    } catch (error) {
      if (!ValidationError.isInstance(error)) throw error;
      issues.push(...error.issues.filter((issue) => !issues.some((known) => known.field === issue.field)));
    }
    if (typeof values.n === 'number' && values.n > MAX_EDITS && !issues.some((i) => i.field === 'n'))
      issues.push({ field: 'n', message: `must be at most ${MAX_EDITS}` });
    if (issues.length) throw new ValidationError(issues);
    return values as unknown as EditImagesBody;
  }
}

/**
 * Core names the inputs of an edit `images.0`, `images.1`, …; this app's callers sent them as the repeated form
 * field `image`. Renames the fields of a `ValidationError` accordingly; other errors pass unchanged.
 */
export function renameUploadFields(error: unknown): never {
  if (!ValidationError.isInstance(error)) throw error;
  const rename = (issue: FieldIssue): FieldIssue => ({
    ...issue,
    field: issue.field.replace(/^images\.(\d+)/, 'image[$1]').replace(/^images$/, 'image'),
  });
  throw new ValidationError(error.issues.map(rename));
}
