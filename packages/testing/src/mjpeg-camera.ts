// An HTTP MJPEG camera on loopback: ffmpeg serves a looping video as multipart JPEG (mpjpeg) with
// `-listen 1`. It serves ONE client, then exits (like a cheap camera that allows one stream).
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { whichSync } from './binaries.js';
import { endChild, trackChild } from './child-registry.js';
import { freePort, waitFor } from './net.js';

/** Whether something listens on 127.0.0.1:port, without connecting (a connection would use up the camera). */
function isListening(port: number): boolean {
  const hex = port.toString(16).toUpperCase().padStart(4, '0');
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    if (!existsSync(file)) continue;
    const lines = readFileSync(file, 'utf8').split('\n');
    if (lines.some((l) => l.includes(`:${hex} `) && / 0A /.test(l))) return true;
  }
  return false;
}

export async function startMjpegCamera(options: {
  video: string;
  port?: number;
  path?: string;
  fps?: number;
}): Promise<{ url: string; stop(): Promise<void> }> {
  const ffmpeg = whichSync('ffmpeg');
  if (ffmpeg === null) throw new Error('startMjpegCamera: ffmpeg not found on PATH');
  const port = options.port ?? (await freePort());
  const url = `http://127.0.0.1:${port}${options.path ?? '/cam.mjpg'}`;
  const child = trackChild(
    spawn(
      ffmpeg,
      [
        ...[
          '-hide_banner',
          '-nostdin',
          '-loglevel',
          'error',
          '-re',
          '-stream_loop',
          '-1',
          '-i',
          options.video,
        ],
        ...['-an', '-vf', `fps=${options.fps ?? 10}`, '-c:v', 'mjpeg', '-q:v', '5', '-f', 'mpjpeg'],
        ...['-listen', '1', url],
      ],
      { stdio: ['ignore', 'ignore', 'ignore'] },
    ),
  );
  try {
    await waitFor(() => existsSync('/proc/net/tcp') === false || isListening(port), {
      timeoutMs: 10_000,
      message: `MJPEG server listening on ${port}`,
    });
  } catch (error) {
    await endChild(child);
    throw error;
  }
  return { url, stop: () => endChild(child) };
}
