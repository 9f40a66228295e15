import { describe, expect, it } from 'vitest';
import { CameraIdSchema } from '@hadir/contracts';
import { belowRecognitionNeeds, cameraSlug } from './camera-form-rules';

describe('camera form rules', () => {
  it('makes a valid camera id from any name', () => {
    expect(cameraSlug('Camera Gudang A')).toBe('camera-gudang-a');
    expect(cameraSlug('  Lối vào chính (Đông) ')).toBe('loi-vao-chinh-dong');
    expect(cameraSlug('Pintu #2 — Lantai 3')).toBe('pintu-2-lantai-3');
    expect(cameraSlug('x'.repeat(70) + ' y')).toHaveLength(64);
    for (const name of ['Camera Gudang A', 'Lối vào chính', 'A--B', 'Z'.repeat(80), '9 lives'])
      expect(CameraIdSchema.safeParse(cameraSlug(name)).success, name).toBe(true);
    expect(cameraSlug('!!!')).toBe('');
  });

  it('warns below 1080p or 15 fps (either orientation)', () => {
    const probe = (width: number, height: number, fps: number | null) =>
      ({ ok: true, width, height, fps, codec: 'h264', elapsedMs: 1 }) as const;
    expect(belowRecognitionNeeds(probe(1920, 1080, 15))).toBe(false);
    expect(belowRecognitionNeeds(probe(1080, 1920, 25))).toBe(false);
    expect(belowRecognitionNeeds(probe(2560, 1440, null))).toBe(false);
    expect(belowRecognitionNeeds(probe(1280, 720, 25))).toBe(true);
    expect(belowRecognitionNeeds(probe(1920, 1080, 10))).toBe(true);
  });
});
