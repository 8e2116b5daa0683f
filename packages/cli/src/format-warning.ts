import type { PictorWarning } from '@pictor/core';

/** One line for a warning from core. */
export function formatWarning(warning: PictorWarning): string {
  switch (warning.type) {
    case 'unsupported-setting':
      return warning.details;
    case 'media-type-mismatch':
      return `image ${warning.index}: the provider said ${warning.declared} but sent ${warning.actual}`;
    default:
      return warning.message;
  }
}
