// Phone captures are analysed in inference workers at a small detector input (one near face): the
// pool refuses new requests rather than dropping queued ones, a face too small for the small input is
// found again at full size, and verification outcomes on real photos and on the mobile e2e's camera
// frames are those of the full 640×640 input.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findSharedDir } from '@hadir/testing';
import {
  cosineSimilarity,
  decodeImage,
  loadFaceEngine,
  nearFaceDetectorInput,
  PACK_MANIFESTS,
  type AnalyzedFace,
  type FaceEngine,
  type RgbFrame,
} from '@hadir/vision';
import { FrameDroppedError, InferencePool } from '../src/modules/pipeline/index.js';

const shared = findSharedDir();
const PACK = 'mobilefacenet';
const hasModels = fs.existsSync(path.join(shared.modelsDir, 'foamliu_mobilefacenet/MobileFaceNet.onnx'));
const facesDir = path.join(shared.dataDir, 'faces');
const hasFfmpeg = spawnSync('ffmpeg', ['-version']).status === 0;
const SKIP = !hasModels
  ? `no face models at ${shared.modelsDir} (set HADIR_TEST_MODELS_DIR)`
  : !fs.existsSync(facesDir)
    ? `no LFW photos at ${facesDir} (set HADIR_TEST_DATA_DIR)`
    : !hasFfmpeg
      ? 'ffmpeg missing'
      : null;
if (SKIP) console.warn(`[skip] phone inference tests: ${SKIP}`);

const photosOf = (person: string) =>
  fs
    .readdirSync(path.join(facesDir, person))
    .filter((f) => f.endsWith('.jpg'))
    .sort()
    .map((f) => path.join(facesDir, person, f));

function ffmpegJpeg(out: string, args: string[]): Buffer {
  const r = spawnSync('ffmpeg', ['-loglevel', 'error', '-y', ...args, '-frames:v', '1', '-q:v', '3', out]);
  if (r.status !== 0) throw new Error(`ffmpeg failed: ${r.stderr.toString()}`);
  return fs.readFileSync(out);
}

/** A frame as the mobile e2e's fake camera shows a photo (scale 480, pad to 640×480), then JPEG. */
const e2eFrame = (file: string, dir: string) =>
  ffmpegJpeg(path.join(dir, `${path.basename(file, '.jpg')}-cam.jpg`), [
    '-i',
    file,
    '-vf',
    'scale=480:480,pad=640:480:80:0',
  ]);

const largest = (faces: readonly AnalyzedFace[]) =>
  faces.reduce<AnalyzedFace | null>((a, b) => (!a || b.quality.sizePx > a.quality.sizePx ? b : a), null);

describe.skipIf(SKIP !== null)('phone captures in inference workers', () => {
  let engine: FaceEngine;
  let pool: InferencePool;
  let tmp: string;
  const threshold = PACK_MANIFESTS[PACK]?.defaultThreshold ?? 0.3;

  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hadir-phone-'));
    // Templates are enrolled in process at the pack's own input, as the web and the app enrol.
    engine = await loadFaceEngine({ modelsDir: shared.modelsDir, pack: PACK });
    pool = new InferencePool({
      modelsDir: shared.modelsDir,
      pack: PACK,
      threads: 1,
      workers: 2,
      flipAugment: engine.info.flipAugment,
      whenFull: 'refuse-new',
      maxQueued: 64,
    });
    await pool.ready();
  });
  afterAll(async () => {
    await pool?.close();
    await engine?.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  /** The main face of a capture as the phone path sees it (small input, full-size retry). */
  const phoneFace = async (frame: RgbFrame) => {
    const faces = await pool.analyze(frame, 0, {
      detectorInputPx: nearFaceDetectorInput(frame.width, frame.height),
      retryAtFullInput: true,
    });
    const f = faces.reduce<(typeof faces)[number] | null>(
      (a, b) => (!a || b.detail.sizePx > a.detail.sizePx ? b : a),
      null,
    );
    return f?.embedding ?? null;
  };

  it('refuses a new request when the queue is full instead of dropping one that waits', async () => {
    const frame = await decodeImage(fs.readFileSync(photosOf('Colin_Powell')[0]!));
    const small = new InferencePool({
      modelsDir: shared.modelsDir,
      pack: PACK,
      threads: 1,
      workers: 1,
      maxBatchFrames: 1,
      maxQueued: 1,
      whenFull: 'refuse-new',
    });
    try {
      await small.ready();
      const first = small.analyze(frame, 0); // goes to the worker
      const second = small.analyze(frame, 0); // waits
      const third = small.analyze(frame, 0); // the queue is full: refused
      await expect(third).rejects.toBeInstanceOf(FrameDroppedError);
      expect(await first).toHaveLength(1);
      expect(await second).toHaveLength(1);
    } finally {
      await small.close();
    }
  });

  it('finds a face too small for the small input by detecting again at full size', async () => {
    // A 250 px LFW photo shrunk to 180 px on a 1920×1080 canvas: its ~70 px face is ~12 px of a 320 px
    // wide input (too small for SCRFD), ~24 px at 640.
    const canvas = ffmpegJpeg(path.join(tmp, 'far.jpg'), [
      '-f',
      'lavfi',
      '-i',
      'color=c=gray:s=1920x1080',
      '-i',
      photosOf('Colin_Powell')[0]!,
      '-filter_complex',
      '[1]scale=180:180[f];[0][f]overlay=900:400',
    ]);
    const frame = await decodeImage(canvas);
    const input = nearFaceDetectorInput(frame.width, frame.height);
    expect(input).toEqual({ width: 320, height: 192 });
    const smallOnly = await pool.analyze(frame, 0, { detectorInputPx: input });
    const withRetry = await pool.analyze(frame, 0, { detectorInputPx: input, retryAtFullInput: true });
    expect(smallOnly).toHaveLength(0);
    expect(withRetry).toHaveLength(1);
    expect(withRetry[0]!.detail.sizePx).toBeGreaterThan(40);
  });

  it('verifies real photos and the e2e camera frames as the full 640 input does', async () => {
    // People with two or more photos: the first is the template, the others are probes; every probe is
    // also claimed for the next person (an impostor that must be refused).
    const people = fs
      .readdirSync(facesDir)
      .sort()
      .map((name) => ({ name, files: photosOf(name) }))
      .filter((p) => p.files.length >= 2)
      .slice(0, 40);
    const templates: Float32Array[] = [];
    for (const p of people) {
      const f = largest(await engine.analyze(await decodeImage(fs.readFileSync(p.files[0]!))));
      expect(f, p.name).not.toBeNull();
      templates.push(f!.embedding);
    }
    const count = { full: { genuine: 0, impostor: 0 }, phone: { genuine: 0, impostor: 0 } };
    let probes = 0;
    let e2eFrames = 0;
    let agree = 0;
    for (const [i, p] of people.entries()) {
      const own = templates[i]!;
      const other = templates[(i + 1) % people.length]!;
      for (const [k, file] of p.files.slice(1, 3).entries()) {
        // the photo as it is, and (first probe of the first 15 people) as the e2e's fake camera shows it
        const sources = [fs.readFileSync(file), ...(k === 0 && i < 15 ? [e2eFrame(file, tmp)] : [])];
        for (const bytes of sources) {
          const frame = await decodeImage(bytes);
          const full = largest(await engine.analyze(frame))?.embedding ?? null;
          const phone = await phoneFace(frame);
          probes++;
          if (sources.length === 2 && bytes === sources[1]) {
            e2eFrames++;
            expect(phone, `${file} (camera frame)`).not.toBeNull();
          }
          const verdict = (e: Float32Array | null, t: Float32Array) =>
            e !== null && cosineSimilarity(e, t) >= threshold;
          if (verdict(full, own)) count.full.genuine++;
          if (verdict(full, other)) count.full.impostor++;
          if (verdict(phone, own)) count.phone.genuine++;
          if (verdict(phone, other)) count.phone.impostor++;
          if (verdict(full, own) === verdict(phone, own)) agree++;
        }
      }
    }
    console.info(
      `[phone-inference] ${probes} probes (${e2eFrames} e2e camera frames): verified ${count.phone.genuine} at the phone input vs ${count.full.genuine} at 640; impostors accepted ${count.phone.impostor} vs ${count.full.impostor}; same verdict ${agree}`,
    );
    expect(count.phone.genuine).toBeGreaterThanOrEqual(count.full.genuine - 1);
    expect(count.phone.impostor).toBeLessThanOrEqual(count.full.impostor);
    expect(agree).toBeGreaterThanOrEqual(probes - 2);
  });
});
