// A network link that loses packets, for tests of cameras on bad networks: a network namespace joined to
// this one by a veth pair, with a bottleneck (tc tbf: a rate limit with a short queue) on the namespace's
// end. A camera served from inside the namespace (startRtspCamera({ netns, address })) sends its RTP
// through it and loses the packets of every burst (keyframes) that overflow the queue, as on a congested
// uplink; nothing else on the machine is affected. tbf rather than netem's random loss: the kernels this
// runs on (Firecracker VMs) have no netem and no tc classifiers. Needs root, iproute2, veth and tbf.
import { execFileSync } from 'node:child_process';
import type { SkipCheck } from './shared-dir.js';
import { whichSync } from './binaries.js';

/** A rate limit with a short queue: packets that do not fit are dropped. */
export interface LinkShape {
  rateKbit: number;
  /** Bytes that may pass at once above the rate (tbf burst). */
  burstBytes: number;
  /** How long a packet may wait in the queue before it is dropped instead (tbf latency). */
  latencyMs: number;
}

export interface LossyLink {
  /** Network namespace to run the camera in. */
  netns: string;
  /** Address of the namespace's end: the camera listens here, the client connects here. */
  cameraAddress: string;
  /** Changes the bottleneck from the camera to the client. */
  setLink(link: LinkShape): void;
  /** Removes the namespace and the veth pair. */
  remove(): void;
}

const ip = (...args: string[]) => execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });

/** Whether this machine can make a lossy link (root, ip, tc, veth, netem); the reason when not. */
export function canMakeLossyLink(): SkipCheck {
  if (process.getuid?.() !== 0) return { ok: false, reason: 'not root (netns + netem need it)' };
  for (const b of ['ip', 'tc']) if (whichSync(b) === null) return { ok: false, reason: `${b} missing` };
  try {
    const link = makeLossyLink({ rateKbit: 100_000, burstBytes: 65_536, latencyMs: 50 });
    link.remove();
    return { ok: true, path: 'netns' };
  } catch (err) {
    return {
      ok: false,
      reason: `cannot make a netns with a tbf link: ${err instanceof Error ? err.message : String(err)}`,
    };
  }
}

const tbf = (l: LinkShape) => [
  'tbf',
  'rate',
  `${l.rateKbit}kbit`,
  'burst',
  String(l.burstBytes),
  'latency',
  `${l.latencyMs}ms`,
];

/** Makes the namespace and the link, with the bottleneck on the camera's side. */
export function makeLossyLink(shape: LinkShape): LossyLink {
  const tag = `${process.pid % 100_000}${Math.floor(Math.random() * 100)}`;
  const netns = `hadir-loss-${tag}`;
  const hostIf = `hlh${tag}`.slice(0, 15);
  const nsIf = `hln${tag}`.slice(0, 15);
  // A /30 out of 10.231.0.0/16 per link, so parallel test files never share one.
  const block = Math.floor(Math.random() * 16_000);
  const base = `10.231.${Math.floor(block / 64)}.${(block % 64) * 4}`;
  const [a, b, c] = base.split('.');
  const d = Number(base.split('.')[3]);
  const hostAddress = `${a}.${b}.${c}.${d + 1}`;
  const cameraAddress = `${a}.${b}.${c}.${d + 2}`;
  const nsExec = (...args: string[]) => ip('netns', 'exec', netns, ...args);
  ip('netns', 'add', netns);
  try {
    ip('link', 'add', hostIf, 'type', 'veth', 'peer', 'name', nsIf);
    ip('link', 'set', nsIf, 'netns', netns);
    ip('addr', 'add', `${hostAddress}/30`, 'dev', hostIf);
    ip('link', 'set', hostIf, 'up');
    nsExec('ip', 'addr', 'add', `${cameraAddress}/30`, 'dev', nsIf);
    nsExec('ip', 'link', 'set', nsIf, 'up');
    nsExec('ip', 'link', 'set', 'lo', 'up');
    nsExec('tc', 'qdisc', 'add', 'dev', nsIf, 'root', ...tbf(shape));
  } catch (err) {
    try {
      ip('link', 'del', hostIf);
    } catch {
      // not created
    }
    ip('netns', 'del', netns);
    throw err;
  }
  return {
    netns,
    cameraAddress,
    setLink(l) {
      nsExec('tc', 'qdisc', 'change', 'dev', nsIf, 'root', ...tbf(l));
    },
    remove() {
      try {
        ip('link', 'del', hostIf); // deletes both ends
      } catch {
        // already gone with the namespace
      }
      ip('netns', 'del', netns);
    },
  };
}
