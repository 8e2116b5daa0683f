/** What Pictor reads from a provider's error envelope. */
export interface ProviderErrorInfo {
  message?: string;
  type?: string;
  code?: string;
  param?: string;
}

function str(value: unknown): string | undefined {
  if (typeof value === 'string' && value.length > 0) return value;
  if (typeof value === 'number') return String(value);
  return undefined;
}

/**
 * Reads the provider's message from an error body, whichever envelope it uses: Together `ErrorData`
 * (`{error:{message,type,param,code}}`), OpenAI `{error:{message,type,param,code}}`, r9s `R9SError`
 * (the same plus `status`), AI Stats `GatewayError` (`{error, message, …}` with the error as a string or an
 * object), or plain text. Never throws.
 */
export function parseErrorBody(text: string): ProviderErrorInfo {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    const trimmed = text.trim().slice(0, 500);
    return trimmed ? { message: trimmed } : {};
  }
  if (typeof json !== 'object' || json === null) return { message: str(json) };
  const root = json as Record<string, unknown>;
  const inner = root.error;
  if (typeof inner === 'object' && inner !== null) {
    const e = inner as Record<string, unknown>;
    return {
      message: str(e.message) ?? str(root.message),
      type: str(e.type),
      code: str(e.code),
      param: str(e.param),
    };
  }
  return {
    message: str(root.message) ?? str(root.detail) ?? str(inner),
    type: str(root.type) ?? (str(root.message) ? str(inner) : undefined),
    code: str(root.code),
    param: str(root.param),
  };
}
