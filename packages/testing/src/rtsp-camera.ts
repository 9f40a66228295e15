// A real pull-model RTSP camera on loopback (STACK-NOTES recipe B): gst-rtsp-server driven by Debian's
// python, fed by ffmpeg looping a video file into MPEG-TS over loopback UDP.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { SYSTEM_PYTHON, whichSync } from './binaries.js';
import { endChild, trackChild } from './child-registry.js';
import { canConnect, waitFor } from './net.js';

export const RTSP_SERVER_SCRIPT = fileURLToPath(new URL('../scripts/rtsp_server.py', import.meta.url));

export interface RtspCameraOptions {
  /** Video file to loop. H.264 files (mp4, mkv, mov, ts) are sent as they are; others are re-encoded. */
  video: string;
  /** RTSP port; default: a free one chosen by the server. */
  port?: number;
  /** Mount path, default "/cam". */
  path?: string;
  /** Force re-encoding to H.264 (default: only for non-H.264 containers such as GIF). */
  transcode?: boolean;
  /** How long to wait for the server to listen (default 15 s). */
  startTimeoutMs?: number;
  /** Address to listen on (default 127.0.0.1), e.g. the far end of a veth pair in `netns`. */
  address?: string;
  /**
   * Run the server inside this network namespace (`ip netns exec`, root only): a lossy link (tc netem on
   * its veth) then affects this camera's packets and nothing else on the machine.
   */
  netns?: string;
}

export interface RtspCamera {
  url: string;
  port: number;
  /** The camera "freezes": the server stays up but sends no more frames. */
  stopFeed(): Promise<void>;
  /** Frames flow again. */
  resumeFeed(): Promise<void>;
  /** Server and feed gone: clients get "Connection refused". */
  stop(): Promise<void>;
  /** Last lines the server printed (for failing-test messages). */
  log(): string[];
}

export async function startRtspCamera(options: RtspCameraOptions): Promise<RtspCamera> {
  if (!existsSync(options.video)) throw new Error(`startRtspCamera: video not found: ${options.video}`);
  const ffmpeg = whichSync('ffmpeg');
  if (ffmpeg === null) throw new Error('startRtspCamera: ffmpeg not found on PATH');
  const mount = options.path ?? '/cam';
  const transcode = options.transcode ?? !/\.(mp4|m4v|mkv|mov|ts)$/i.test(options.video);
  const address = options.address ?? '127.0.0.1';
  const args = [
    RTSP_SERVER_SCRIPT,
    '--address',
    address,
    '--port',
    String(options.port ?? 0),
    '--path',
    mount,
    '--video',
    options.video,
    '--ffmpeg',
    ffmpeg,
    ...(transcode ? ['--transcode'] : []),
  ];
  const child = trackChild(
    options.netns !== undefined
      ? spawn('ip', ['netns', 'exec', options.netns, SYSTEM_PYTHON, ...args], {
          stdio: ['ignore', 'pipe', 'pipe'],
        })
      : spawn(SYSTEM_PYTHON, args, { stdio: ['ignore', 'pipe', 'pipe'] }),
  );
  const lines: string[] = [];
  const remember = (text: string) => {
    for (const l of text.split('\n')) if (l.trim() !== '') lines.push(l.trim());
    if (lines.length > 100) lines.splice(0, lines.length - 100);
  };
  child.stdout?.setEncoding('utf8');
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', remember);

  const ready = new Promise<number>((resolve, reject) => {
    let buf = '';
    child.stdout?.on('data', (text: string) => {
      remember(text);
      buf += text;
      const m = /READY (\d+)/.exec(buf);
      if (m !== null) resolve(Number(m[1]));
      if (/^ERROR /m.test(buf)) reject(new Error(`RTSP server failed: ${buf.trim()}`));
    });
    child.once('exit', (code, signal) =>
      reject(
        new Error(`RTSP server exited early (${code ?? signal ?? '?'}): ${lines.slice(-10).join(' | ')}`),
      ),
    );
    child.once('error', reject);
  });
  const timeoutMs = options.startTimeoutMs ?? 15_000;
  let port: number;
  try {
    port = await Promise.race([
      ready,
      new Promise<never>((_, reject) =>
        setTimeout(
          () => reject(new Error(`RTSP server not ready within ${timeoutMs} ms`)),
          timeoutMs,
        ).unref(),
      ),
    ]);
    await waitFor(() => canConnect(port, address), {
      timeoutMs,
      message: `RTSP server accepting on ${address}:${port}`,
    });
  } catch (error) {
    await endChild(child);
    throw error;
  }

  const signalFeed = async (signal: 'SIGUSR1' | 'SIGUSR2', expect: string) => {
    const before = lines.filter((l) => l === expect).length;
    child.kill(signal);
    await waitFor(() => lines.filter((l) => l === expect).length > before, {
      timeoutMs: 5000,
      message: `RTSP server to acknowledge ${signal}`,
    });
  };

  return {
    url: `rtsp://${address}:${port}${mount}`,
    port,
    stopFeed: () => signalFeed('SIGUSR1', 'FEED stopped'),
    resumeFeed: () => signalFeed('SIGUSR2', 'FEED started'),
    stop: () => endChild(child),
    log: () => [...lines],
  };
}
