// Files of the video library: where they live, ffmpeg/ffprobe around them. Everything stays under
// HADIR_DATA_DIR/videos (never under the web root) and is removed as one folder per video.
import { execFile } from 'node:child_process';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { locateFfmpeg, type FfmpegLocation } from '@hadir/vision';

export function ffmpegTools(): FfmpegLocation & { ffprobe: string } {
  const loc = locateFfmpeg();
  if (!loc?.ffprobe)
    throw new Error('ffmpeg and ffprobe are needed for the video library (apt install ffmpeg)');
  return { ...loc, ffprobe: loc.ffprobe };
}

/** Relative dir of one video: videos/<org>/<video>. Ids are checked by the route schema (no dots or slashes). */
export const videoDir = (orgId: string, videoId: string): string => path.join('videos', orgId, videoId);
export const personsDir = (orgId: string): string => path.join('videos', orgId, 'persons');

/** Resolves a stored relative path under the data dir, refusing anything that escapes it. */
export function underDataDir(dataDir: string, rel: string): string {
  const root = path.resolve(dataDir);
  const abs = path.resolve(root, rel);
  if (abs !== root && !abs.startsWith(root + path.sep)) throw new Error(`path escapes the data dir: ${rel}`);
  return abs;
}

export async function ensureDir(abs: string): Promise<void> {
  await mkdir(abs, { recursive: true, mode: 0o700 });
}

export async function removeTree(abs: string): Promise<void> {
  await rm(abs, { recursive: true, force: true });
}

function run(bin: string, args: string[], timeoutMs: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(
      bin,
      args,
      { timeout: timeoutMs, maxBuffer: 1024 * 1024, ...(signal ? { signal } : {}) },
      (err, _o, errText) => {
        if (err)
          reject(
            new Error(
              String(errText || err.message)
                .trim()
                .split('\n')
                .slice(-1)[0] ?? 'ffmpeg failed',
            ),
          );
        else resolve();
      },
    );
  });
}

/** A 480-px-wide JPEG poster from about one second in (or the middle of a shorter video). */
export async function makePoster(
  ffmpeg: string,
  input: string,
  output: string,
  durationSec: number,
): Promise<void> {
  const at = Math.min(1, durationSec / 2).toFixed(2);
  await run(
    ffmpeg,
    [
      '-nostdin',
      '-v',
      'error',
      '-y',
      '-protocol_whitelist',
      'file',
      '-ss',
      at,
      '-i',
      input,
      '-frames:v',
      '1',
      '-vf',
      'scale=480:-2',
      '-q:v',
      '4',
      output,
    ],
    60_000,
  );
}

/** Browser-playable copy: H.264 yuv420p + AAC in MP4 with the index up front (+faststart). */
export async function transcodeToMp4(
  ffmpeg: string,
  input: string,
  output: string,
  signal?: AbortSignal,
): Promise<void> {
  await run(
    ffmpeg,
    [
      '-nostdin',
      '-v',
      'error',
      '-y',
      '-protocol_whitelist',
      'file',
      '-i',
      input,
      '-map',
      '0:v:0',
      '-map',
      '0:a:0?',
      '-c:v',
      'libx264',
      '-preset',
      'veryfast',
      '-crf',
      '23',
      '-pix_fmt',
      'yuv420p',
      '-vf',
      'scale=trunc(iw/2)*2:trunc(ih/2)*2',
      '-c:a',
      'aac',
      '-b:a',
      '128k',
      '-movflags',
      '+faststart',
      output,
    ],
    6 * 3600_000,
    signal,
  );
}

/**
 * A thumbnail of one person: the frame at `atSec`, cropped to their normalised box (the upper part,
 * where the face is) and scaled to 160 px wide. Used for a person split off another one.
 */
export async function cropPersonFrame(
  ffmpeg: string,
  input: string,
  output: string,
  atSec: number,
  box: { x: number; y: number; w: number; h: number },
): Promise<void> {
  const f = (v: number) => Math.min(1, Math.max(0, v)).toFixed(4);
  const h = Math.min(box.h, box.w * 1.2); // head and shoulders
  await run(
    ffmpeg,
    [
      '-nostdin',
      '-v',
      'error',
      '-y',
      '-protocol_whitelist',
      'file',
      '-ss',
      Math.max(0, atSec).toFixed(3),
      '-i',
      input,
      '-frames:v',
      '1',
      '-vf',
      `crop=max(2\\,iw*${f(box.w)}):max(2\\,ih*${f(h)}):iw*${f(box.x)}:ih*${f(box.y)},scale=160:-2`,
      '-q:v',
      '4',
      output,
    ],
    60_000,
  );
}
