import { DownloadError } from '../errors/index.js';
import type { ResolveHost } from '../http/transport.js';
import { addressKind, internalNameKind } from './address-kind.js';

/** Where image downloads may go. */
export interface DownloadAddressPolicy {
  /** Downloads to loopback, private, link-local and other non-public addresses are allowed. */
  allowPrivateAddresses: boolean;
  /** Resolves a host name to its addresses; without one, only IP literals and well-known names are checked. */
  resolveHost?: ResolveHost | undefined;
}

/** Whether a base URL's host is itself loopback, private or internal (the sandbox, a self-hosted gateway). */
export function isInternalHost(hostname: string): boolean {
  const kind = addressKind(hostname);
  return kind === undefined ? internalNameKind(hostname) !== undefined : kind !== 'public';
}

/**
 * Checks that an image URL's host is public before anything is sent to it, resolving its name when the runtime
 * gives a resolver, and returns the addresses checked (for a transport to connect to these and no others).
 * Refused: IP literals and resolved addresses that are loopback, private, link-local (cloud metadata),
 * carrier-grade NAT, multicast or reserved; `localhost`, `.local`, `.internal` and single-label names.
 *
 * @throws DownloadError `private-address`, naming the host (never the URL's query, nor anything fetched).
 */
export async function checkDownloadTarget(url: URL, policy: DownloadAddressPolicy): Promise<string[] | undefined> {
  if (policy.allowPrivateAddresses) return undefined;
  const host = url.hostname;
  const literal = addressKind(host);
  if (literal !== undefined) {
    if (literal !== 'public') throw refused(url, `a ${literal} address`);
    return undefined;
  }
  const named = internalNameKind(host);
  if (named !== undefined) throw refused(url, `a ${named} name`);
  if (!policy.resolveHost) return undefined;
  let addresses: string[];
  try {
    addresses = await policy.resolveHost(host);
  } catch (error) {
    throw new DownloadError(
      `Cannot resolve the image host ${host}: ${error instanceof Error ? error.message : String(error)}`,
      {
        url: url.href,
        reason: 'network',
        cause: error,
      },
    );
  }
  if (addresses.length === 0) {
    throw new DownloadError(`Cannot resolve the image host ${host}: no addresses`, {
      url: url.href,
      reason: 'network',
    });
  }
  for (const address of addresses) {
    const kind = addressKind(address) ?? 'unrecognised';
    if (kind !== 'public') throw refused(url, `resolved to ${address}, a ${kind} address`);
  }
  return addresses;
}

function refused(url: URL, why: string): DownloadError {
  return new DownloadError(
    `Refusing to download an image from ${url.hostname} (${why}): images are fetched only from public addresses, unless the ` +
      "provider's base URL is itself private or download.allowPrivateAddresses is set",
    { url: url.href, reason: 'private-address' },
  );
}
