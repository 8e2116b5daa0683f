import { ValidationError, type FieldIssue } from '@pictor/core';
import type { EditInputs } from './edit-inputs.js';

/**
 * Core's field names for an edit's inputs (`images.0`, `images`) → the input the user wrote, with the file as they
 * named it, so an edit's error reads `input-images: "assets/photo.png" …`. Other errors pass unchanged.
 */
export function toInputError<E>(error: E, inputs: EditInputs): E | ValidationError {
  if (!ValidationError.isInstance(error)) return error;
  const issues = error.issues.map((issue): FieldIssue => {
    const image = /^images\.(\d+)$/.exec(issue.field);
    if (image) {
      const display = inputs.images[Number(image[1])]?.display ?? issue.field;
      return { field: 'input-images', message: `${JSON.stringify(display)} ${issue.message}` };
    }
    // `mask` and `model` keep their names: there is one mask, and the message is the model's rule.
    if (issue.field === 'images') return { field: 'input-images', message: issue.message };
    return issue;
  });
  return new ValidationError(issues, 'edit');
}
