// Ways to make a real face photo truly bad (blurred, tiny, dark) or to crop a face as a user would:
// used by the quality evaluation and by the enrolment tests, on real photos.
import type { FaceBox, RgbFrame } from '../types.js';

/** The square around a face with `margin` × its size on each side, as a user cropping a screenshot would. */
export function cropWithMargin(frame: RgbFrame, f: { box: FaceBox }, margin = 0.6): RgbFrame {
  const cx = f.box.x + f.box.width / 2;
  const cy = f.box.y + f.box.height / 2;
  const side = Math.max(f.box.width, f.box.height) * (1 + 2 * margin);
  const x0 = Math.max(0, Math.round(cx - side / 2));
  const y0 = Math.max(0, Math.round(cy - side / 2));
  const x1 = Math.min(frame.width, Math.round(cx + side / 2));
  const y1 = Math.min(frame.height, Math.round(cy + side / 2));
  const width = x1 - x0;
  const height = y1 - y0;
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    const from = ((y0 + y) * frame.width + x0) * 3;
    data.set(frame.data.subarray(from, from + width * 3), y * width * 3);
  }
  return { data, width, height };
}

/** Separable box blur repeated three times (≈ Gaussian of the given sigma). */
export function blurFrame(frame: RgbFrame, sigma: number): RgbFrame {
  const r = Math.max(1, Math.round(sigma * 1.2));
  let src = frame.data;
  const { width: w, height: h } = frame;
  for (let pass = 0; pass < 6; pass++) {
    const horizontal = pass % 2 === 0;
    const out = new Uint8Array(src.length);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        for (let c = 0; c < 3; c++) {
          let sum = 0;
          let n = 0;
          for (let k = -r; k <= r; k++) {
            const xx = horizontal ? x + k : x;
            const yy = horizontal ? y : y + k;
            if (xx < 0 || yy < 0 || xx >= w || yy >= h) continue;
            sum += src[(yy * w + xx) * 3 + c]!;
            n++;
          }
          out[(y * w + x) * 3 + c] = sum / n;
        }
      }
    }
    src = out;
  }
  return { data: src, width: w, height: h };
}

/** Nearest-neighbour downscale then upscale back: what a face of `sidePx` pixels looks like enlarged. */
export function shrinkFrame(frame: RgbFrame, factor: number): RgbFrame {
  const sw = Math.max(1, Math.round(frame.width * factor));
  const sh = Math.max(1, Math.round(frame.height * factor));
  const data = new Uint8Array(sw * sh * 3);
  for (let y = 0; y < sh; y++) {
    for (let x = 0; x < sw; x++) {
      const from = (Math.floor(y / factor) * frame.width + Math.floor(x / factor)) * 3;
      data.set(frame.data.subarray(from, from + 3), (y * sw + x) * 3);
    }
  }
  return { data, width: sw, height: sh };
}

export function darkenFrame(frame: RgbFrame, gain: number): RgbFrame {
  return { ...frame, data: frame.data.map((v) => Math.round(v * gain)) };
}
