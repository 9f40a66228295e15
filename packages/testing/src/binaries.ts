// Are the external programs the real-part tests need installed?
import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import type { SkipCheck } from './shared-dir.js';

const APT_HINT: Record<string, string> = {
  ffmpeg: 'apt-get install ffmpeg',
  ffprobe: 'apt-get install ffmpeg',
};

export function whichSync(name: string, pathEnv = process.env.PATH ?? ''): string | null {
  if (name.includes('/')) return isExecutable(name) ? name : null;
  for (const dir of pathEnv.split(delimiter)) {
    if (dir === '') continue;
    const p = join(dir, name);
    if (isExecutable(p)) return p;
  }
  return null;
}

function isExecutable(p: string): boolean {
  try {
    accessSync(p, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** `hasBinary('ffmpeg')`: the path, or a reason with the install hint. */
export function hasBinary(name: string): SkipCheck {
  const path = whichSync(name);
  if (path !== null) return { ok: true, path };
  const hint = APT_HINT[name];
  return { ok: false, reason: `${name} not found on PATH${hint !== undefined ? ` (${hint})` : ''}` };
}

/** Debian's python with GStreamer's RTSP server and the elements recipe B uses. */
export const SYSTEM_PYTHON = '/usr/bin/python3';
export const GST_RTSP_PACKAGES =
  'python3-gi gir1.2-gst-rtsp-server-1.0 gstreamer1.0-plugins-base gstreamer1.0-plugins-good gstreamer1.0-plugins-bad';

let gstCache: SkipCheck | null = null;

/** Whether the loopback RTSP camera (startRtspCamera) can run here. Cached: the check costs ~0.3 s. */
export function hasGstRtsp(): SkipCheck {
  if (gstCache !== null) return gstCache;
  if (!isExecutable(SYSTEM_PYTHON)) {
    gstCache = { ok: false, reason: `${SYSTEM_PYTHON} not found (apt-get install ${GST_RTSP_PACKAGES})` };
    return gstCache;
  }
  const code = [
    'import gi',
    "gi.require_version('Gst', '1.0'); gi.require_version('GstRtspServer', '1.0')",
    'from gi.repository import Gst, GstRtspServer',
    'Gst.init(None)',
    "missing = [e for e in ('udpsrc', 'tsdemux', 'h264parse', 'rtph264pay') if Gst.ElementFactory.find(e) is None]",
    "print(' '.join(missing))",
  ].join('\n');
  const r = spawnSync(SYSTEM_PYTHON, ['-c', code], { encoding: 'utf8', timeout: 15_000 });
  if (r.status !== 0) {
    const why = (r.stderr || r.error?.message || 'unknown error').trim().split('\n').pop() ?? '';
    gstCache = {
      ok: false,
      reason: `gst-rtsp-server not usable (${why}); apt-get install ${GST_RTSP_PACKAGES}`,
    };
  } else if (r.stdout.trim() !== '') {
    gstCache = {
      ok: false,
      reason: `GStreamer elements missing: ${r.stdout.trim()} (apt-get install ${GST_RTSP_PACKAGES})`,
    };
  } else {
    gstCache = { ok: true, path: SYSTEM_PYTHON };
  }
  return gstCache;
}
