import zlib from 'node:zlib';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_MAX_OUTPUT_PIXELS,
  ImageDecodeError,
  cropFaceJpeg,
  decodeImage,
  encodeJpeg,
  type RgbFrame,
} from '../src/index.js';

async function jpeg(width: number, height: number, opts: { orientation?: number } = {}): Promise<Uint8Array> {
  // Left half red, right half blue: shows whether EXIF rotation was applied.
  const data = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) data.set(x < width / 2 ? [255, 0, 0] : [0, 0, 255], (y * width + x) * 3);
  let img = sharp(data, { raw: { width, height, channels: 3 } }).jpeg({ quality: 95 });
  if (opts.orientation) img = img.withMetadata({ orientation: opts.orientation });
  return new Uint8Array(await img.toBuffer());
}

async function expectCode(p: Promise<unknown>, code: ImageDecodeError['code']): Promise<void> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ImageDecodeError);
  expect((err as ImageDecodeError).code).toBe(code);
  expect((err as ImageDecodeError).message.length).toBeGreaterThan(10);
}

describe('decodeImage', () => {
  it('decodes JPEG, PNG and WebP to tight RGB', async () => {
    const j = await decodeImage(await jpeg(40, 20));
    expect([j.width, j.height, j.data.length]).toEqual([40, 20, 2400]);
    const raw = Buffer.alloc(8 * 6 * 4, 128);
    const png = await sharp(raw, { raw: { width: 8, height: 6, channels: 4 } })
      .png()
      .toBuffer();
    const webp = await sharp(raw, { raw: { width: 8, height: 6, channels: 4 } })
      .webp()
      .toBuffer();
    for (const bytes of [png, webp]) {
      const f = await decodeImage(new Uint8Array(bytes));
      expect([f.width, f.height, f.data.length]).toEqual([8, 6, 144]);
    }
  });

  it('honours EXIF orientation (6 = rotate 90° clockwise)', async () => {
    const f = await decodeImage(await jpeg(40, 20, { orientation: 6 }));
    expect([f.width, f.height]).toEqual([20, 40]);
    // After a clockwise turn the red left half is on top.
    expect(f.data[0]).toBeGreaterThan(200);
    expect(f.data[(39 * 20 + 10) * 3 + 2]).toBeGreaterThan(200);
  });

  it('rejects zero bytes as empty', async () => {
    await expectCode(decodeImage(new Uint8Array(0)), 'empty');
  });

  it('rejects text and random bytes as unsupported', async () => {
    await expectCode(decodeImage(new TextEncoder().encode('hello, this is not an image')), 'unsupported');
    const noise = Uint8Array.from({ length: 4096 }, (_, i) => (i * 7919) % 251);
    await expectCode(decodeImage(noise), 'unsupported');
  });

  it('rejects a GIF or SVG as unsupported', async () => {
    const svg = new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>');
    await expectCode(decodeImage(svg), 'unsupported');
  });

  it('rejects a truncated JPEG as corrupt', async () => {
    const full = await jpeg(256, 256);
    await expectCode(decodeImage(full.slice(0, Math.floor(full.length / 2))), 'corrupt');
  });

  it('rejects a damaged JPEG body as corrupt', async () => {
    const full = await jpeg(256, 256);
    const damaged = full.slice();
    for (let i = 600; i < damaged.length - 2; i += 3) damaged[i] = 0xff;
    const err = await decodeImage(damaged).then(
      () => null,
      (e: unknown) => e,
    );
    // libvips may recover some damaged streams; when it does not, the error must be typed.
    if (err) expect(err).toBeInstanceOf(ImageDecodeError);
  });

  it('rejects a 20000×20000 image from its header, without decoding it', async () => {
    // A small PNG whose header claims 20000×20000 (IHDR patched, CRC fixed): a decompression bomb.
    const bomb = Buffer.from(
      await sharp(Buffer.alloc(16 * 16 * 3), { raw: { width: 16, height: 16, channels: 3 } })
        .png()
        .toBuffer(),
    );
    bomb.writeUInt32BE(20000, 16);
    bomb.writeUInt32BE(20000, 20);
    bomb.writeUInt32BE(zlib.crc32(bomb.subarray(12, 29)), 29);
    const t0 = process.hrtime.bigint();
    await expectCode(decodeImage(new Uint8Array(bomb)), 'too_large');
    expect(Number(process.hrtime.bigint() - t0) / 1e6).toBeLessThan(2000);
    await expectCode(decodeImage(await jpeg(100, 100), { maxPixels: 5000 }), 'too_large');
  }, 60_000);

  it('shrinks a 7000×7000 PNG while decoding it: RGB stays at 4K size, peak memory bounded', async () => {
    // 49 megapixels in ~150 KB: under the enrolment header limit (50 MP), so it used to be decoded fully.
    const png = new Uint8Array(
      await sharp({ create: { width: 7000, height: 7000, channels: 3, background: '#8a7' } })
        .png({ compressionLevel: 9 })
        .toBuffer(),
    );
    expect(png.byteLength).toBeLessThan(1024 * 1024);
    const peakRssGrowth = async (maxOutputPixels: number) => {
      const base = process.memoryUsage().rss;
      let peak = base;
      const sample = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
      const frames = await Promise.all(
        [0, 1, 2].map(() => decodeImage(png, { maxPixels: 50_000_000, maxOutputPixels })),
      );
      clearInterval(sample);
      peak = Math.max(peak, process.memoryUsage().rss);
      return { frames, mb: (peak - base) / 2 ** 20 };
    };
    const shrunk = await peakRssGrowth(DEFAULT_MAX_OUTPUT_PIXELS);
    for (const f of shrunk.frames) {
      expect(f.width * f.height).toBeLessThanOrEqual(DEFAULT_MAX_OUTPUT_PIXELS);
      expect(f.width).toBe(f.height); // the aspect is kept
      expect(f.width).toBeGreaterThan(2800);
    }
    shrunk.frames.length = 0;
    const full = await peakRssGrowth(Number.POSITIVE_INFINITY);
    expect(full.frames[0]?.width).toBe(7000);
    console.log(
      `3 parallel 7000×7000 PNG decodes: peak RSS +${shrunk.mb.toFixed(0)} MB shrunk on load, +${full.mb.toFixed(0)} MB decoded fully`,
    );
    // 3 × 147 MB of RGB alone when decoded fully; shrunk output is 3 × 25 MB.
    expect(shrunk.mb).toBeLessThan(250);
  }, 120_000);
});

describe('encodeJpeg and cropFaceJpeg', () => {
  const frame: RgbFrame = { width: 64, height: 48, data: new Uint8Array(64 * 48 * 3).fill(90) };

  it('encodes a frame and a scaled snapshot', async () => {
    const bytes = await encodeJpeg(frame, { width: 32, quality: 80 });
    const meta = await sharp(bytes).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['jpeg', 32, 24]);
  });

  it('crops a square face thumbnail, clipped to the frame', async () => {
    const bytes = await cropFaceJpeg(frame, { x: 50, y: 30, width: 20, height: 20 }, 128);
    const meta = await sharp(bytes).metadata();
    expect([meta.width, meta.height]).toEqual([128, 128]);
  });

  it('refuses a raw frame whose buffer does not match its size', async () => {
    await expect(encodeJpeg({ width: 10, height: 10, data: new Uint8Array(10) })).rejects.toThrow(RangeError);
  });
});
