import type { IncomingMessage } from 'node:http';
import { bearerToken, sameSecret } from './authenticate.js';
import { header } from './http-helpers.js';

/** Where the sandbox listens and what it was started with: what the control routes trust. */
export interface ControlGuardOptions {
  /** The `host` the server listens on (`127.0.0.1`, `0.0.0.0`, `::1`, a name…). */
  listenHost: string;
  /** The port it actually listens on. */
  port: number;
  /** The `publicUrl` option, another name clients reach it by. */
  publicUrl?: string;
  /** The `apiKey` option: when set, the control routes require it as a bearer token. */
  apiKey?: string;
}

/** Why a control request is refused. */
export interface ControlRefusal {
  status: 401 | 403 | 415;
  message: string;
  type: string;
  code: string;
  headers?: Record<string, string>;
}

const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '[::1]'];

/** `host:port` in one canonical form (lower case, IPv4 and IPv6 normalised, the port always present), or undefined. */
function canonicalAuthority(authority: string, defaultPort: string): string | undefined {
  // No user info, path or whitespace: a Host header names a host and a port, nothing else.
  if (authority === '' || /[@/\\?#\s]/.test(authority)) return undefined;
  try {
    const url = new URL(`http://${authority}`);
    return `${url.hostname}:${url.port || defaultPort}`;
  } catch {
    return undefined;
  }
}

function isLoopbackOrWildcard(host: string): boolean {
  return ['localhost', '::1', '0.0.0.0', '::'].includes(host) || /^127\.\d+\.\d+\.\d+$/.test(host);
}

function isJson(contentType: string | undefined): boolean {
  return contentType !== undefined && /^application\/json\s*(;|$)/i.test(contentType.trim());
}

function hasBody(req: IncomingMessage): boolean {
  const length = header(req, 'content-length');
  return header(req, 'transfer-encoding') !== undefined || (length !== undefined && length.trim() !== '0');
}

/**
 * The checks in front of the control routes, which change what every client of the sandbox gets: a web page
 * must not reach them, neither cross-site (a foreign Origin, or a simple text/plain POST that skips the CORS
 * preflight) nor through DNS rebinding (a foreign Host), and with a key set they need it.
 */
export function createControlGuard(
  options: ControlGuardOptions,
): (req: IncomingMessage, authority?: string) => ControlRefusal | undefined {
  const port = String(options.port);
  const names = [options.listenHost.includes(':') ? `[${options.listenHost}]` : options.listenHost];
  if (isLoopbackOrWildcard(options.listenHost)) names.push(...LOOPBACK_NAMES);
  const allowed = new Set(
    names.map((name) => canonicalAuthority(`${name}:${port}`, port)).filter((a) => a !== undefined),
  );
  let publicOrigin: string | undefined;
  if (options.publicUrl !== undefined) {
    const url = new URL(options.publicUrl);
    publicOrigin = url.origin;
    const own = canonicalAuthority(url.host, url.protocol === 'https:' ? '443' : '80');
    if (own) allowed.add(own);
  }
  const trustedHost = (value: string | undefined): boolean => {
    const canonical = value === undefined ? undefined : canonicalAuthority(value, '80');
    return canonical !== undefined && allowed.has(canonical);
  };
  const trustedOrigin = (origin: string): boolean => {
    if (origin === publicOrigin) return true;
    let url: URL;
    try {
      url = new URL(origin);
    } catch {
      return false; // `null` (sandboxed frames, file: pages) and garbage
    }
    return url.protocol === 'http:' && url.origin === origin && trustedHost(url.host);
  };

  return (req, authority) => {
    const host = header(req, 'host');
    if (!trustedHost(host) || (authority !== undefined && !trustedHost(authority))) {
      return {
        status: 403,
        message:
          'The control routes answer only requests addressed to the sandbox by the name it listens on (Host header).',
        type: 'permission_error',
        code: 'host_not_allowed',
      };
    }
    const origin = header(req, 'origin');
    if (origin !== undefined && !trustedOrigin(origin)) {
      return {
        status: 403,
        message: 'The control routes refuse requests from other origins.',
        type: 'permission_error',
        code: 'origin_not_allowed',
      };
    }
    if (options.apiKey !== undefined) {
      const token = bearerToken(req);
      if (token === undefined || !sameSecret(token, options.apiKey)) {
        return {
          status: 401,
          message: 'The control routes need the sandbox key as a bearer token (Authorization: Bearer <key>).',
          type: 'authentication_error',
          code: token === undefined ? 'missing_api_key' : 'invalid_api_key',
          headers: { 'www-authenticate': 'Bearer realm="pictor-sandbox"' },
        };
      }
    }
    if (hasBody(req) && !isJson(header(req, 'content-type'))) {
      return {
        status: 415,
        message: 'The control routes take a JSON body: send Content-Type: application/json.',
        type: 'invalid_request_error',
        code: 'unsupported_media_type',
      };
    }
    return undefined;
  };
}
