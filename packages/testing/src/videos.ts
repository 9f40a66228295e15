// Test videos made with ffmpeg: from real photos, from a test pattern, and deliberately broken ones.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { whichSync } from './binaries.js';
import { trackChild } from './child-registry.js';

export function runFfmpeg(args: string[], timeoutMs = 120_000): Promise<void> {
  const ffmpeg = whichSync('ffmpeg');
  if (ffmpeg === null) return Promise.reject(new Error('ffmpeg not found on PATH (apt-get install ffmpeg)'));
  return new Promise((resolve, reject) => {
    const child = trackChild(
      spawn(ffmpeg, ['-hide_banner', '-nostdin', '-loglevel', 'error', '-y', ...args], {
        stdio: ['ignore', 'ignore', 'pipe'],
      }),
    );
    let stderr = '';
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (t: string) => (stderr = (stderr + t).slice(-4000)));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else reject(new Error(`ffmpeg failed (${code ?? signal ?? '?'}): ${stderr.trim()}`));
    });
  });
}

export interface FaceVideoOptions {
  /** Photos in order (e.g. several LFW images of one person, or group photos). */
  photos: string[];
  secondsPerPhoto: number;
  /** Output .mp4 path (folders are created). */
  out: string;
  width?: number;
  height?: number;
  fps?: number;
  /** pad: whole photo visible, letterboxed (default); crop: fill the frame. */
  fit?: 'pad' | 'crop';
}

/** Encodes a H.264 mp4 slideshow (1 s keyframe interval, yuv420p, faststart) from real photos. */
export async function makeFaceVideo(
  o: FaceVideoOptions,
): Promise<{ path: string; durationS: number; frames: number }> {
  if (o.photos.length === 0) throw new Error('makeFaceVideo: no photos');
  const width = o.width ?? 1280;
  const height = o.height ?? 720;
  const fps = o.fps ?? 10;
  const inputs = o.photos.flatMap((p) => [
    '-loop',
    '1',
    '-framerate',
    String(fps),
    '-t',
    String(o.secondsPerPhoto),
    '-i',
    p,
  ]);
  const fit =
    (o.fit ?? 'pad') === 'pad'
      ? `scale=${width}:${height}:force_original_aspect_ratio=decrease,pad=${width}:${height}:(ow-iw)/2:(oh-ih)/2`
      : `scale=${width}:${height}:force_original_aspect_ratio=increase,crop=${width}:${height}`;
  const chains = o.photos.map((_, i) => `[${i}:v]${fit},setsar=1,format=yuv420p,fps=${fps}[v${i}]`);
  const concat = `${o.photos.map((_, i) => `[v${i}]`).join('')}concat=n=${o.photos.length}:v=1:a=0[out]`;
  mkdirSync(dirname(o.out), { recursive: true });
  await runFfmpeg([
    ...inputs,
    '-filter_complex',
    [...chains, concat].join(';'),
    '-map',
    '[out]',
    '-c:v',
    'libx264',
    '-preset',
    'veryfast',
    '-pix_fmt',
    'yuv420p',
    '-g',
    String(fps),
    '-r',
    String(fps),
    '-movflags',
    '+faststart',
    o.out,
  ]);
  const durationS = o.photos.length * o.secondsPerPhoto;
  return { path: o.out, durationS, frames: Math.round(durationS * fps) };
}

/** A synthetic H.264 mp4 (ffmpeg's testsrc2) for plumbing tests that need no faces. */
export async function makeTestPatternVideo(o: {
  out: string;
  seconds?: number;
  width?: number;
  height?: number;
  fps?: number;
}): Promise<string> {
  const { width = 640, height = 360, fps = 10, seconds = 5 } = o;
  mkdirSync(dirname(o.out), { recursive: true });
  await runFfmpeg([
    '-f',
    'lavfi',
    '-i',
    `testsrc2=size=${width}x${height}:rate=${fps}:duration=${seconds}`,
    '-c:v',
    'libx264',
    '-preset',
    'ultrafast',
    '-pix_fmt',
    'yuv420p',
    '-g',
    String(fps),
    o.out,
  ]);
  return o.out;
}

/**
 * A broken "video": `random` bytes, or `truncated` (the first `keepFraction` of a real mp4 whose index is
 * at the end, so the moov atom is missing).
 */
export function makeCorruptVideo(o: {
  out: string;
  kind: 'random' | 'truncated';
  from?: string;
  bytes?: number;
  keepFraction?: number;
}): string {
  mkdirSync(dirname(o.out), { recursive: true });
  if (o.kind === 'random') {
    writeFileSync(o.out, randomBytes(o.bytes ?? 256 * 1024));
  } else {
    if (o.from === undefined) throw new Error('makeCorruptVideo: truncated needs `from`');
    const src = readFileSync(o.from);
    writeFileSync(o.out, src.subarray(0, Math.floor(src.length * (o.keepFraction ?? 0.5))));
  }
  return o.out;
}
