// The outbound-target policy: which addresses Hadir may connect to on someone's behalf (camera sources,
// notification channels). Loopback, link-local (cloud metadata), unspecified, multicast and reserved
// addresses are always refused (loopback only with an explicit development opt-in); private ranges only
// where the operator allows them. Every address a name resolves to is checked, and callers connect to
// the address that was checked (no second lookup an attacker's DNS could answer differently).
import { lookup as dnsLookup } from 'node:dns/promises';
import net from 'node:net';

export type OutboundPurpose = 'camera' | 'channel';

export interface OutboundPolicy {
  /** 127.0.0.0/8 and ::1 become reachable (development and the project's own tests only). */
  allowLoopback: boolean;
  /** Private networks (and any other non-public network) cameras may be reached on. */
  cameraAllowedNetworks: readonly string[];
  /** Private networks notification channels (a LAN WhatsApp gateway) may be reached on. */
  channelAllowedNetworks: readonly string[];
}

/** Private ranges cameras live on; allowed for cameras unless HADIR_CAMERA_ALLOWED_NETWORKS says otherwise. */
export const PRIVATE_NETWORKS = [
  '10.0.0.0/8',
  '172.16.0.0/12',
  '192.168.0.0/16',
  '100.64.0.0/10',
  'fc00::/7',
] as const;

/** Never reachable, whatever the settings (loopback only through allowLoopback). */
const ALWAYS_REFUSED: readonly [string, string][] = [
  ['0.0.0.0/8', 'unspecified'],
  ['169.254.0.0/16', 'link-local (cloud metadata)'],
  ['100.100.100.200/32', 'cloud metadata'],
  ['192.0.0.0/24', 'IETF protocol assignments'],
  ['224.0.0.0/4', 'multicast'],
  ['240.0.0.0/4', 'reserved/broadcast'],
  ['::/128', 'unspecified'],
  ['fe80::/10', 'link-local'],
  ['fd00:ec2::254/128', 'cloud metadata'],
  ['ff00::/8', 'multicast'],
];
const LOOPBACK: readonly string[] = ['127.0.0.0/8', '::1/128'];
/** Not public internet: reachable only when listed in the allowed networks. */
const NON_PUBLIC: readonly string[] = [
  ...PRIVATE_NETWORKS,
  '192.0.2.0/24',
  '198.18.0.0/15',
  '198.51.100.0/24',
  '203.0.113.0/24',
  '2001:db8::/32',
];

export class OutboundRefused extends Error {
  /** True when the only problem is that a name did not resolve (a camera may simply be offline). */
  readonly unresolved: boolean;
  constructor(message: string, opts: { unresolved?: boolean } = {}) {
    super(message);
    this.name = 'OutboundRefused';
    this.unresolved = opts.unresolved ?? false;
  }
}

function parseCidr(cidr: string): { address: string; prefix: number; family: 'ipv4' | 'ipv6' } | null {
  const m = /^([^/\s]+)\/(\d{1,3})$/.exec(cidr.trim());
  if (!m) return null;
  const address = m[1] as string;
  const prefix = Number(m[2]);
  const kind = net.isIP(address);
  if (kind === 4 && prefix <= 32) return { address, prefix, family: 'ipv4' };
  if (kind === 6 && prefix <= 128) return { address, prefix, family: 'ipv6' };
  return null;
}

/** "10.0.0.0/8, 192.168.1.0/24" → list; throws with the bad entries named. "none" = empty list. */
export function parseNetworkList(text: string): string[] {
  const items = text
    .split(/[,\s]+/)
    .map((s) => s.trim())
    .filter(Boolean);
  if (items.length === 1 && items[0]?.toLowerCase() === 'none') return [];
  const bad = items.filter((i) => parseCidr(i) === null);
  if (bad.length > 0) throw new Error(`not CIDR networks (e.g. 10.0.0.0/8): ${bad.join(', ')}`);
  return items;
}

function blockList(cidrs: readonly string[]): net.BlockList {
  const list = new net.BlockList();
  for (const c of cidrs) {
    const p = parseCidr(c);
    if (p) list.addSubnet(p.address, p.prefix, p.family);
  }
  return list;
}

/**
 * The IPv4 address hidden in an IPv6 one (::ffff:a.b.c.d mapped, ::a.b.c.d compatible, 64:ff9b::/96
 * NAT64, 2002::/16 6to4), so that ::ffff:127.0.0.1 is judged as 127.0.0.1.
 */
export function embeddedIpv4(address: string): string | null {
  if (net.isIP(address) !== 6) return null;
  const words = expandIpv6(address);
  if (!words) return null;
  const v4 = (hi: number, lo: number) => `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
  const zero = (from: number, to: number) => words.slice(from, to).every((w) => w === 0);
  if (zero(0, 5) && words[5] === 0xffff) return v4(words[6] ?? 0, words[7] ?? 0);
  if (zero(0, 6) && ((words[6] ?? 0) !== 0 || (words[7] ?? 0) > 1)) return v4(words[6] ?? 0, words[7] ?? 0);
  if (words[0] === 0x64 && words[1] === 0xff9b && zero(2, 6)) return v4(words[6] ?? 0, words[7] ?? 0);
  if (words[0] === 0x2002) return v4(words[1] ?? 0, words[2] ?? 0);
  return null;
}

function expandIpv6(address: string): number[] | null {
  let a = address.toLowerCase();
  const zone = a.indexOf('%');
  if (zone >= 0) a = a.slice(0, zone);
  // A dotted IPv4 tail becomes two hex words.
  const tail = /(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(a);
  if (tail) {
    const [b0, b1, b2, b3] = tail.slice(1).map(Number) as [number, number, number, number];
    a = `${a.slice(0, tail.index)}${((b0 << 8) | b1).toString(16)}:${((b2 << 8) | b3).toString(16)}`;
  }
  const halves = a.split('::');
  if (halves.length > 2) return null;
  const head = halves[0] ? halves[0].split(':') : [];
  const rest = halves.length === 2 && halves[1] ? halves[1].split(':') : [];
  const fill = 8 - head.length - rest.length;
  if (fill < 0 || (halves.length === 1 && fill !== 0)) return null;
  const words = [...head, ...Array<string>(halves.length === 2 ? fill : 0).fill('0'), ...rest].map((w) =>
    parseInt(w, 16),
  );
  return words.length === 8 && words.every((w) => Number.isInteger(w) && w >= 0 && w <= 0xffff)
    ? words
    : null;
}

/** Judges resolved addresses for one purpose. Pure: no DNS, no clock. */
export class AddressPolicy {
  private readonly refused: { list: net.BlockList; why: string }[];
  private readonly loopback = blockList(LOOPBACK);
  private readonly nonPublic = blockList(NON_PUBLIC);
  private readonly allowed: Record<OutboundPurpose, net.BlockList>;

  constructor(readonly policy: OutboundPolicy) {
    this.refused = ALWAYS_REFUSED.map(([cidr, why]) => ({ list: blockList([cidr]), why }));
    this.allowed = {
      camera: blockList(policy.cameraAllowedNetworks),
      channel: blockList(policy.channelAllowedNetworks),
    };
  }

  /** Why this address may not be reached for `purpose`, or null when it may. */
  refusal(address: string, purpose: OutboundPurpose): string | null {
    const v4 = embeddedIpv4(address);
    if (v4 !== null) return this.refusal(v4, purpose);
    const kind = net.isIP(address);
    if (kind === 0) return `"${address}" is not an IP address`;
    const family = kind === 4 ? 'ipv4' : 'ipv6';
    if (this.loopback.check(address, family))
      return this.policy.allowLoopback ? null : `${address} is a loopback address`;
    for (const r of this.refused) if (r.list.check(address, family)) return `${address} is ${r.why}`;
    if (this.nonPublic.check(address, family) && !this.allowed[purpose].check(address, family)) {
      const setting =
        purpose === 'camera' ? 'HADIR_CAMERA_ALLOWED_NETWORKS' : 'HADIR_OUTBOUND_ALLOWED_NETWORKS';
      return `${address} is on a private network not listed in ${setting}`;
    }
    return null;
  }
}

export type Lookup = (host: string) => Promise<{ address: string; family: number }[]>;

export const systemLookup: Lookup = (host) => dnsLookup(host, { all: true, verbatim: true });

/** A hostname as it may appear in a URL we connect to: a DNS name or an IP literal, nothing else. */
const HOSTNAME_RE = /^(?=.{1,253}$)[a-z0-9_](?:[a-z0-9_-]{0,62})(?:\.[a-z0-9_](?:[a-z0-9_-]{0,62}))*\.?$/i;

/**
 * Resolves `host` (a bare name or IP, brackets removed) and checks every address. Returns the checked
 * addresses, first one to connect to. Throws OutboundRefused with a readable reason.
 */
export async function resolveAllowed(
  policy: AddressPolicy,
  host: string,
  purpose: OutboundPurpose,
  lookup: Lookup = systemLookup,
): Promise<{ address: string; family: 4 | 6 }[]> {
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  const literal = net.isIP(bare);
  if (literal === 0 && !HOSTNAME_RE.test(bare))
    throw new OutboundRefused(`"${host}" is not a valid host name`);
  let addresses: { address: string; family: number }[];
  if (literal !== 0) addresses = [{ address: bare, family: literal }];
  else {
    try {
      addresses = await lookup(bare);
    } catch {
      throw new OutboundRefused(`the host name "${bare}" does not resolve`, { unresolved: true });
    }
  }
  if (addresses.length === 0)
    throw new OutboundRefused(`the host name "${bare}" does not resolve`, { unresolved: true });
  for (const a of addresses) {
    const why = policy.refusal(a.address, purpose);
    if (why !== null) throw new OutboundRefused(`refused: ${bare} → ${why}`);
  }
  return addresses.map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));
}
