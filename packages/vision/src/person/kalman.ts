// Constant-velocity Kalman filter for boxes in (cx, cy, aspect, height) space, as in SORT/ByteTrack. Pure.

/** Measurement: centre x, centre y, aspect ratio (w/h), height. */
export type KalmanMeasurement = readonly [number, number, number, number];

const DIM = 8;
const MEAS = 4;
// Noise scaled by the box height, as DeepSORT/ByteTrack do, so small and large people track alike.
const STD_POSITION = 1 / 20;
const STD_VELOCITY = 1 / 160;

/** One 8-state filter: [cx, cy, a, h, vcx, vcy, va, vh]. Time unit = one analysed frame. */
export class BoxKalman {
  readonly mean = new Float64Array(DIM);
  readonly cov = new Float64Array(DIM * DIM);

  constructor(m: KalmanMeasurement) {
    for (let i = 0; i < MEAS; i++) this.mean[i] = m[i]!;
    const h = m[3];
    const std = [
      2 * STD_POSITION * h,
      2 * STD_POSITION * h,
      1e-2,
      2 * STD_POSITION * h,
      10 * STD_VELOCITY * h,
      10 * STD_VELOCITY * h,
      1e-5,
      10 * STD_VELOCITY * h,
    ];
    for (let i = 0; i < DIM; i++) this.cov[i * DIM + i] = std[i]! * std[i]!;
  }

  /** x ← F x, P ← F P Fᵀ + Q, with F = [[I, dt·I], [0, I]]. */
  predict(dt = 1): void {
    const h = this.mean[3]!;
    for (let i = 0; i < MEAS; i++) this.mean[i] = this.mean[i]! + dt * this.mean[i + MEAS]!;
    const P = this.cov;
    // F P: rows i<4 get + dt * row (i+4).
    const FP = new Float64Array(P);
    for (let i = 0; i < MEAS; i++)
      for (let j = 0; j < DIM; j++) FP[i * DIM + j] = P[i * DIM + j]! + dt * P[(i + MEAS) * DIM + j]!;
    // (F P) Fᵀ: columns j<4 get + dt * column (j+4).
    for (let i = 0; i < DIM; i++)
      for (let j = 0; j < DIM; j++)
        P[i * DIM + j] = j < MEAS ? FP[i * DIM + j]! + dt * FP[i * DIM + j + MEAS]! : FP[i * DIM + j]!;
    const q = [
      STD_POSITION * h,
      STD_POSITION * h,
      1e-2,
      STD_POSITION * h,
      STD_VELOCITY * h,
      STD_VELOCITY * h,
      1e-5,
      STD_VELOCITY * h,
    ];
    for (let i = 0; i < DIM; i++) P[i * DIM + i] = P[i * DIM + i]! + q[i]! * q[i]!;
  }

  /** Standard update with H = [I 0] and measurement noise scaled by the height. */
  update(m: KalmanMeasurement): void {
    const h = this.mean[3]!;
    const r = [STD_POSITION * h, STD_POSITION * h, 1e-1, STD_POSITION * h];
    const P = this.cov;
    // S = H P Hᵀ + R (top-left 4×4 block).
    const S = new Float64Array(MEAS * MEAS);
    for (let i = 0; i < MEAS; i++)
      for (let j = 0; j < MEAS; j++) S[i * MEAS + j] = P[i * DIM + j]! + (i === j ? r[i]! * r[i]! : 0);
    const Sinv = invert4(S);
    // K = P Hᵀ S⁻¹ (8×4).
    const K = new Float64Array(DIM * MEAS);
    for (let i = 0; i < DIM; i++)
      for (let j = 0; j < MEAS; j++) {
        let s = 0;
        for (let k = 0; k < MEAS; k++) s += P[i * DIM + k]! * Sinv[k * MEAS + j]!;
        K[i * MEAS + j] = s;
      }
    const y = [0, 1, 2, 3].map((i) => m[i]! - this.mean[i]!);
    for (let i = 0; i < DIM; i++) {
      let s = 0;
      for (let k = 0; k < MEAS; k++) s += K[i * MEAS + k]! * y[k]!;
      this.mean[i] = this.mean[i]! + s;
    }
    // P ← (I − K H) P: subtract K · (first four rows of P).
    const next = new Float64Array(P);
    for (let i = 0; i < DIM; i++)
      for (let j = 0; j < DIM; j++) {
        let s = 0;
        for (let k = 0; k < MEAS; k++) s += K[i * MEAS + k]! * P[k * DIM + j]!;
        next[i * DIM + j] = P[i * DIM + j]! - s;
      }
    P.set(next);
  }

  /** Current box as x, y, width, height. */
  box(): { x: number; y: number; width: number; height: number } {
    const [cx, cy, a, h] = [this.mean[0]!, this.mean[1]!, this.mean[2]!, Math.max(1e-3, this.mean[3]!)];
    const w = a * h;
    return { x: cx - w / 2, y: cy - h / 2, width: w, height: h };
  }
}

/** Box (x, y, w, h) → Kalman measurement (cx, cy, a, h). */
export function toMeasurement(b: { x: number; y: number; width: number; height: number }): KalmanMeasurement {
  return [b.x + b.width / 2, b.y + b.height / 2, b.width / Math.max(1e-6, b.height), b.height];
}

/** Inverse of a 4×4 matrix by Gauss-Jordan with partial pivoting (S is symmetric positive definite). */
export function invert4(m: Float64Array): Float64Array {
  const n = 4;
  const a = new Float64Array(m);
  const inv = new Float64Array(n * n);
  for (let i = 0; i < n; i++) inv[i * n + i] = 1;
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(a[r * n + c]!) > Math.abs(a[p * n + c]!)) p = r;
    if (Math.abs(a[p * n + c]!) < 1e-12) throw new RangeError('singular matrix');
    if (p !== c)
      for (let k = 0; k < n; k++) {
        [a[c * n + k], a[p * n + k]] = [a[p * n + k]!, a[c * n + k]!];
        [inv[c * n + k], inv[p * n + k]] = [inv[p * n + k]!, inv[c * n + k]!];
      }
    const d = a[c * n + c]!;
    for (let k = 0; k < n; k++) {
      a[c * n + k] = a[c * n + k]! / d;
      inv[c * n + k] = inv[c * n + k]! / d;
    }
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = a[r * n + c]!;
      if (f === 0) continue;
      for (let k = 0; k < n; k++) {
        a[r * n + k] = a[r * n + k]! - f * a[c * n + k]!;
        inv[r * n + k] = inv[r * n + k]! - f * inv[c * n + k]!;
      }
    }
  }
  return inv;
}
