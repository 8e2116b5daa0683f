export { PictorError, type PictorErrorOptions } from './pictor-error.js';
export { ValidationError, type FieldIssue } from './validation-error.js';
export { APIError, type APIErrorInit } from './api-error.js';
export {
  BadRequestError,
  AuthenticationError,
  PermissionDeniedError,
  NotFoundError,
  ConflictError,
  UnprocessableEntityError,
  RateLimitError,
  QuotaExceededError,
  ServerError,
  InternalServerError,
  ServiceUnavailableError,
} from './status-errors.js';
export { ConnectionError, TimeoutError } from './connection-error.js';
export { AbortError } from './abort-error.js';
export { ResponseValidationError } from './response-validation-error.js';
export { DownloadError, type DownloadFailure } from './download-error.js';
export { BudgetExceededError } from './budget-exceeded-error.js';
