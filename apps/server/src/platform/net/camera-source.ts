// Camera sources under the outbound-target policy: what a source string may name, and the exact input
// ffmpeg is given (a checked, pinned address; a real path inside the media directory).
import fs from 'node:fs';
import path from 'node:path';
import { OutboundRefused, resolveAllowed, type AddressPolicy, type Lookup } from './outbound-policy.js';

export type CheckedCameraSource =
  { kind: 'rtsp' | 'http'; url: URL } | { kind: 'device'; device: string } | { kind: 'file'; file: string };

/** Query options ffmpeg's RTSP demuxer reads from the URL itself (transport switches, HTTP tunnelling). */
const RTSP_URL_OPTIONS = new Set([
  'udp',
  'tcp',
  'multicast',
  'http',
  'https',
  'filter_src',
  'listen',
  'timeout',
]);
const NETWORK_SCHEMES: Record<string, 'rtsp' | 'http'> = {
  'rtsp:': 'rtsp',
  'rtsps:': 'rtsp',
  'http:': 'http',
  'https:': 'http',
};

/** Where an organization's video files for file sources live: <media dir>/<organization id>/. */
export function organizationMediaDir(mediaDir: string, organizationId: string): string {
  return path.join(mediaDir, organizationId);
}

const FILE_ERROR =
  'must name a video file inside the organization media folder (HADIR_MEDIA_DIR/<organization id>/), ' +
  'e.g. "lobby.mp4"';

/**
 * The checks that need no network: syntax, scheme allow list, options smuggled in the URL, literal
 * addresses, and file sources confined to the media folder (symlinks resolved). Throws OutboundRefused.
 * The error for a file never says whether a path outside the media folder exists.
 */
export function checkCameraSourceSyntax(
  source: string,
  opts: { mediaDir: string; organizationId: string },
): CheckedCameraSource {
  // Control characters (CR/LF smuggle protocol lines), whitespace and backslashes never belong in a source.
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0020\u007f-\u009f\\]/.test(source))
    throw new OutboundRefused('must not contain spaces, line breaks or control characters');
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(source)?.[1]?.toLowerCase() ?? null;
  if (/^\/dev\/video\d{1,3}$/.test(source)) return { kind: 'device', device: source };
  if (scheme !== null && scheme !== 'file') {
    const kind = NETWORK_SCHEMES[`${scheme}:`];
    if (!kind || !/^[a-z]+:\/\/[^/]/i.test(source))
      throw new OutboundRefused(
        `"${scheme}:" is not allowed: use rtsp://, rtsps://, http(s):// (MJPEG), /dev/videoN or a file in the media folder`,
      );
    let url: URL;
    try {
      url = new URL(source);
    } catch {
      throw new OutboundRefused('is not a valid URL');
    }
    if (url.hostname === '') throw new OutboundRefused('has no host');
    if (url.hash !== '' || source.includes('#')) throw new OutboundRefused('must not contain a "#" fragment');
    if (kind === 'rtsp') {
      for (const key of url.searchParams.keys()) {
        if (RTSP_URL_OPTIONS.has(key.toLowerCase()))
          throw new OutboundRefused(`the URL option "${key}" is not allowed (set rtspTransport instead)`);
      }
    }
    return { kind, url };
  }
  // A file: file:///abs/path, an absolute path, or a path relative to the organization media folder.
  let raw = source;
  if (scheme === 'file') {
    if (!/^file:\/\/\//i.test(source)) throw new OutboundRefused(FILE_ERROR);
    try {
      raw = decodeURIComponent(new URL(source).pathname);
    } catch {
      throw new OutboundRefused(FILE_ERROR);
    }
  }
  const root = organizationMediaDir(opts.mediaDir, opts.organizationId);
  const candidate = path.resolve(root, raw);
  const inside = (p: string, dir: string) => p === dir || p.startsWith(`${dir}${path.sep}`);
  if (!inside(candidate, root)) throw new OutboundRefused(FILE_ERROR);
  let real: string;
  let realRoot: string;
  try {
    realRoot = fs.realpathSync(root);
    real = fs.realpathSync(candidate);
  } catch {
    throw new OutboundRefused(`${FILE_ERROR}; no such file there`);
  }
  if (!inside(real, realRoot) || !fs.statSync(real).isFile()) throw new OutboundRefused(FILE_ERROR);
  return { kind: 'file', file: real };
}

/**
 * Every check, DNS included: each address the camera's host resolves to must be allowed. Returns the
 * input for ffmpeg: for rtsp:// and http:// the host is replaced by the checked address, so ffmpeg never
 * asks DNS again (no rebinding between check and connect). TLS sources keep the name (certificates and
 * SNI need it); their addresses are checked all the same.
 */
export async function checkCameraSource(
  source: string,
  opts: { mediaDir: string; organizationId: string; policy: AddressPolicy; lookup?: Lookup },
): Promise<{ checked: CheckedCameraSource; input: string }> {
  const checked = checkCameraSourceSyntax(source, opts);
  switch (checked.kind) {
    case 'device':
      return { checked, input: checked.device };
    case 'file':
      return { checked, input: `file:${checked.file}` };
    case 'rtsp':
    case 'http': {
      const addresses = await resolveAllowed(opts.policy, checked.url.hostname, 'camera', opts.lookup);
      const first = addresses[0];
      const pinned = new URL(checked.url.href);
      const tls = pinned.protocol === 'rtsps:' || pinned.protocol === 'https:';
      // http:// keeps the name too: a web server may route by Host. rtsp:// is pinned.
      if (first && !tls && pinned.protocol === 'rtsp:')
        pinned.hostname = first.family === 6 ? `[${first.address}]` : first.address;
      return { checked, input: pinned.href };
    }
    default: {
      const exhaustive: never = checked;
      throw new Error(`unknown source ${JSON.stringify(exhaustive)}`);
    }
  }
}
