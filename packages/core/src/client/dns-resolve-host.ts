import { lookup } from 'node:dns/promises';
import type { ResolveHost } from '../http/transport.js';

/** The Node entry's resolver: every address `dns.lookup` gives (what the system's resolver and /etc/hosts say). */
export const dnsResolveHost: ResolveHost = async (hostname) => {
  const found = await lookup(hostname, { all: true, verbatim: true });
  return found.map((entry) => entry.address);
};
