import {
  AbortError,
  APIError,
  AuthenticationError,
  BudgetExceededError,
  PermissionDeniedError,
  PictorError,
  QuotaExceededError,
  RateLimitError,
  ValidationError,
} from '@pictor/core/kernel';
import { NodeApiError, NodeOperationError, type INode, type JsonObject, type JsonValue } from 'n8n-workflow';

/** What a user can do about an API error, shown as the error's description in n8n. */
function hintFor(error: APIError): string | undefined {
  if (AuthenticationError.isInstance(error)) return 'Check the API key of the Pictor API credential.';
  if (PermissionDeniedError.isInstance(error)) return 'The key may not use this model or setting.';
  if (QuotaExceededError.isInstance(error)) return "The account's quota or balance is used up; retrying will not help.";
  if (RateLimitError.isInstance(error))
    return 'Still rate-limited after the retries; raise Max Retries or slow the workflow down.';
  return undefined;
}

function descriptionOf(error: PictorError): string | undefined {
  const parts = [
    APIError.isInstance(error) ? hintFor(error) : undefined,
    APIError.isInstance(error) && error.requestId ? `Request ID: ${error.requestId}.` : undefined,
    error.attempts > 1 ? `Gave up after ${error.attempts} attempts.` : undefined,
  ].filter(Boolean);
  return parts.length ? parts.join(' ') : undefined;
}

/**
 * Turns what a Pictor call threw into the error n8n shows: `NodeApiError` (with the HTTP status and the
 * provider's message) for anything the provider or the network did, `NodeOperationError` for invalid
 * parameters, cancellations, a call the budget refused and the unexpected. Core's messages and `toJSON()`
 * never contain the API key.
 */
export function toNodeError(node: INode, error: unknown, itemIndex?: number): NodeApiError | NodeOperationError {
  if (error instanceof NodeApiError || error instanceof NodeOperationError) return error;
  if (ValidationError.isInstance(error)) {
    return new NodeOperationError(node, error.message, {
      itemIndex,
      description: error.issues.map((issue) => `${issue.field || 'request'}: ${issue.message}`).join('\n'),
    });
  }
  if (AbortError.isInstance(error)) return new NodeOperationError(node, error.message, { itemIndex });
  if (BudgetExceededError.isInstance(error)) {
    // Nothing was sent, so no API error: core's message names the figures; the fix is the node's option.
    return new NodeOperationError(node, error.message, {
      itemIndex,
      description: 'Raise "Max Cost (USD)" in the options, or ask for fewer or smaller images.',
    });
  }
  if (PictorError.isInstance(error)) {
    return new NodeApiError(node, error.toJSON() as JsonObject, {
      message: error.message,
      description: descriptionOf(error),
      ...(APIError.isInstance(error) ? { httpCode: String(error.status) } : {}),
      itemIndex,
    });
  }
  return new NodeOperationError(node, error instanceof Error ? error : String(error), { itemIndex });
}

/**
 * The JSON of an error item under "Continue On Fail": n8n's message (n8n rewords some, such as a refused
 * connection), plus the provider's details when known, and core's own message when n8n reworded it.
 */
export function toErrorJson(error: NodeApiError | NodeOperationError, cause: unknown): JsonObject {
  const json: JsonObject = { error: error.message };
  if (error.description) json.description = error.description;
  const details = PictorError.isInstance(cause) ? cause.toJSON() : {};
  for (const [key, value] of Object.entries(details)) {
    if (value !== undefined && !(key === 'message' && value === error.message)) json[key] = value as JsonValue;
  }
  return json;
}
