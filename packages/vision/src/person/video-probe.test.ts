// creation_time from real files made by ffmpeg: the recording time the video library places `video`
// attendance events at (issue 12), and the placeholder times muxers write when they know none.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { locateFfmpeg } from '../capture/ffmpeg-command.js';
import { parseCreationTime, probeVideo } from './video-probe.js';

const ff = locateFfmpeg();
const dir = mkdtempSync(path.join(os.tmpdir(), 'hadir-probe-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** One second of test pattern, with the given creation_time (or none). */
function clip(name: string, creationTime: string | null): string {
  const file = path.join(dir, name);
  execFileSync(ff!.ffmpeg, [
    ...['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc=size=160x120:rate=5:duration=1'],
    ...(creationTime ? ['-metadata', `creation_time=${creationTime}`] : []),
    ...['-pix_fmt', 'yuv420p', '-c:v', 'libx264', file],
  ]);
  return file;
}

describe('the recording time of a video', () => {
  it('ignores muxers’ placeholder times and takes the first real one', () => {
    expect(parseCreationTime('2026-01-05T01:02:03.000000Z')).toBe(Date.UTC(2026, 0, 5, 1, 2, 3));
    expect(parseCreationTime('1970-01-01T00:00:00.000000Z')).toBeNull();
    expect(parseCreationTime('1904-01-01T00:00:00.000000Z')).toBeNull();
    expect(parseCreationTime(undefined, '', 'not a time')).toBeNull();
    expect(parseCreationTime(undefined, '2025-12-31T23:00:00Z')).toBe(Date.UTC(2025, 11, 31, 23));
  });

  it.skipIf(!ff?.ffprobe)(
    'reads creation_time from a real MP4, and null when the file has none',
    async () => {
      const withTime = await probeVideo(ff!.ffprobe!, clip('dated.mp4', '2026-01-05T01:02:03Z'));
      expect(withTime.recordedAtMs).toBe(Date.UTC(2026, 0, 5, 1, 2, 3));
      const without = await probeVideo(ff!.ffprobe!, clip('undated.mp4', null));
      expect(without.recordedAtMs).toBeNull();
    },
    30_000,
  );
});
