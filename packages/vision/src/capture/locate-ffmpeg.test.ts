import { describe, expect, it } from 'vitest';
import { locateFfmpeg } from './ffmpeg-command.js';

describe('locateFfmpeg', () => {
  it('falls back to the ffmpeg binary that arrives from npm when none is on PATH', () => {
    const found = locateFfmpeg({ PATH: '/nonexistent' });
    expect(found?.from).toBe('@ffmpeg-installer/ffmpeg');
    expect(found?.ffmpeg).toMatch(/@ffmpeg-installer/);
  });

  it('prefers an explicit FFMPEG_PATH, then PATH', () => {
    const npm = locateFfmpeg({ PATH: '/nonexistent' });
    expect(locateFfmpeg({ PATH: '/nonexistent', FFMPEG_PATH: npm?.ffmpeg })?.from).toBe('FFMPEG_PATH');
    expect(locateFfmpeg({ PATH: '/nonexistent', FFMPEG_PATH: '/no/such/ffmpeg' })?.from).toBe(
      '@ffmpeg-installer/ffmpeg',
    );
  });
});
