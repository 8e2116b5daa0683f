// Hand-written rather than `ipaddr.js`: the kernel bundles into the n8n node and the Action, and only needs to
// know whether an address is public. Ranges from the IANA special-purpose registries (RFC 6890 and successors).

/** What kind of address `ip` is: `public`, a named non-public kind, or undefined when it is no IP address. */
export function addressKind(ip: string): string | undefined {
  const text = ip.startsWith('[') && ip.endsWith(']') ? ip.slice(1, -1) : ip;
  const v4 = parseIPv4(text);
  if (v4 !== undefined) return ipv4Kind(v4);
  const v6 = parseIPv6(text);
  return v6 === undefined ? undefined : ipv6Kind(v6);
}

/** [first address, prefix length, kind] of every non-public IPv4 range. */
const IPV4_RANGES: Array<[string, number, string]> = [
  ['0.0.0.0', 8, 'unspecified ("this network")'],
  ['10.0.0.0', 8, 'private'],
  ['100.64.0.0', 10, 'carrier-grade NAT'],
  ['127.0.0.0', 8, 'loopback'],
  ['169.254.0.0', 16, 'link-local'],
  ['172.16.0.0', 12, 'private'],
  ['192.0.0.0', 24, 'reserved (IETF protocol assignments)'],
  ['192.0.2.0', 24, 'documentation'],
  ['192.88.99.0', 24, 'reserved (6to4 relay)'],
  ['192.168.0.0', 16, 'private'],
  ['198.18.0.0', 15, 'benchmarking'],
  ['198.51.100.0', 24, 'documentation'],
  ['203.0.113.0', 24, 'documentation'],
  ['224.0.0.0', 4, 'multicast'],
  ['240.0.0.0', 4, 'reserved'],
];

const IPV4_TABLE = IPV4_RANGES.map(([first, bits, kind]) => ({ first: parseIPv4(first) as number, bits, kind }));

function ipv4Kind(value: number): string {
  for (const { first, bits, kind } of IPV4_TABLE) {
    const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
    if ((value & mask) >>> 0 === first) return kind;
  }
  return 'public';
}

/** Dotted-quad IPv4 (the form URLs and resolvers give) as an unsigned 32-bit number. */
function parseIPv4(text: string): number | undefined {
  const parts = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (!parts) return undefined;
  let value = 0;
  for (let i = 1; i <= 4; i++) {
    const octet = Number(parts[i]);
    if (octet > 255) return undefined;
    value = value * 256 + octet;
  }
  return value;
}

/** Eight 16-bit groups, or undefined. Accepts `::` compression, a trailing dotted IPv4 and a zone (`%eth0`). */
function parseIPv6(input: string): number[] | undefined {
  const text = input.replace(/%.*$/, '');
  if (!text.includes(':')) return undefined;
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const toGroups = (part: string): number[] | undefined => {
    if (part === '') return [];
    const groups: number[] = [];
    const pieces = part.split(':');
    for (let i = 0; i < pieces.length; i++) {
      const piece = pieces[i] as string;
      if (i === pieces.length - 1 && piece.includes('.')) {
        const v4 = parseIPv4(piece);
        if (v4 === undefined) return undefined;
        groups.push(v4 >>> 16, v4 & 0xffff);
      } else if (/^[0-9a-f]{1,4}$/i.test(piece)) groups.push(parseInt(piece, 16));
      else return undefined;
    }
    return groups;
  };
  const head = toGroups(halves[0] as string);
  const tail = halves.length === 2 ? toGroups(halves[1] as string) : [];
  if (!head || !tail) return undefined;
  if (halves.length === 1) return head.length === 8 ? head : undefined;
  const missing = 8 - head.length - tail.length;
  if (missing < 1) return undefined;
  return [...head, ...new Array<number>(missing).fill(0), ...tail];
}

function ipv6Kind(g: number[]): string {
  const [a = 0, b = 0, c = 0, d = 0, e = 0, f = 0, g6 = 0, h = 0] = g;
  const embedded = (): string => ipv4Kind(((g6 << 16) >>> 0) + h);
  if (a === 0 && b === 0 && c === 0 && d === 0 && e === 0) {
    if (f === 0xffff) return embedded(); // ::ffff:a.b.c.d, IPv4-mapped
    if (f === 0 && g6 === 0 && h === 0) return 'unspecified';
    if (f === 0 && g6 === 0 && h === 1) return 'loopback';
    return f === 0 ? embedded() : 'reserved'; // ::a.b.c.d, IPv4-compatible (deprecated)
  }
  if (a === 0x64 && b === 0xff9b && c === 0 && d === 0 && e === 0 && f === 0) return embedded(); // NAT64
  if (a === 0x64 && b === 0xff9b && c === 1) return 'private (local-use NAT64)';
  if (a === 0x2002) return ipv4Kind(((b << 16) >>> 0) + c); // 6to4 carries its IPv4 in bits 16-47
  if (a === 0x2001 && b === 0x0db8) return 'documentation';
  if (a === 0x2001 && b < 0x0200) return 'reserved (IETF protocol assignments, Teredo)';
  if ((a & 0xfe00) === 0xfc00) return 'private (unique local)';
  if ((a & 0xffc0) === 0xfe80) return 'link-local';
  if ((a & 0xffc0) === 0xfec0) return 'private (site-local)';
  if ((a & 0xff00) === 0xff00) return 'multicast';
  // Only 2000::/3 is allocated as global unicast.
  return (a & 0xe000) === 0x2000 ? 'public' : 'reserved';
}

/** Names that never lead to a public host: localhost, local and internal zones, and single-label names. */
export function internalNameKind(hostname: string): string | undefined {
  const name = hostname.toLowerCase().replace(/\.$/, '');
  if (name === 'localhost' || name.endsWith('.localhost') || name === 'localhost.localdomain') return 'loopback';
  if (/\.(local|internal|intranet|lan|home\.arpa|localdomain|corp)$/.test(name)) return 'internal';
  if (!name.includes('.')) return 'internal (a single-label name)';
  return undefined;
}
