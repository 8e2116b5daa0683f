import { PictorError } from './pictor-error.js';

export interface FieldIssue {
  /** Dotted path of the offending field, e.g. `loras.0.scale`. */
  field: string;
  message: string;
}

/** The request (or client options) broke the schema; raised before any network call. */
export class ValidationError extends PictorError {
  readonly issues: FieldIssue[];

  constructor(issues: FieldIssue[], subject = 'request') {
    super(`Invalid ${subject}: ${issues.map((i) => `${i.field || '(root)'}: ${i.message}`).join('; ')}`);
    this.issues = issues;
  }

  /** The names of every bad field. */
  get fields(): string[] {
    return this.issues.map((i) => i.field);
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), issues: this.issues };
  }
}
