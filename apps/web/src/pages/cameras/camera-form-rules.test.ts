import { describe, expect, it } from 'vitest';
import { CameraIdSchema } from '@hadir/contracts';
import { cameraSlug } from './camera-form-rules';

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
});
