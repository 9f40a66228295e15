// Worker thread: one face engine (ONNX sessions) per thread, so detection and embedding never block the
// HTTP event loop. Messages: { id, frames } in; { id, results } or { id, error } out. Frame buffers are
// transferred, not copied. Several frames (from several cameras) may come in one request: they are
// detected one by one and all their faces embedded in one recognizer call (one batch per request).
import { parentPort, workerData } from 'node:worker_threads';
import {
  ComposedFaceEngine,
  availableExecutionProviders,
  loadFaceEngine,
  type DetectedFace,
  type FaceEngine,
  type RgbFrame,
} from '@hadir/vision';
import type {
  InferenceFrame,
  InferenceRequest,
  InferenceResponse,
  InferenceWorkerData,
  InferenceWorkerInfo,
  InferredFace,
} from './inference-protocol.js';
import { facesNeedingEmbedding } from './embed-policy.js';

const data = workerData as InferenceWorkerData;
const MAX_FACES_PER_FRAME = 20;
let engine: FaceEngine | null = null;

/** What createOnnxSession will really use: the requested providers this runtime has, CPU last. */
function effectiveProviders(requested: string[]): string[] {
  const available = new Set(availableExecutionProviders());
  const out = requested.filter((p) => available.has(p));
  if (!out.includes('cpu')) out.push('cpu');
  return out;
}

async function load(): Promise<InferenceWorkerInfo> {
  const requested = data.executionProviders?.length ? data.executionProviders : ['cpu'];
  const base = {
    modelsDir: data.modelsDir,
    pack: data.pack,
    threads: data.threads,
    flipAugment: data.flipAugment ?? false,
    ...(data.detectorInputSizePx ? { detectorInputSizePx: data.detectorInputSizePx } : {}),
    ...(data.detectorInputHeightPx ? { detectorInputHeightPx: data.detectorInputHeightPx } : {}),
  };
  let fallbackReason: string | null = null;
  let providers = effectiveProviders(requested);
  try {
    engine = await loadFaceEngine({ ...base, executionProviders: providers });
  } catch (err) {
    // onnxruntime-node lists CUDA/TensorRT even when their libraries are not installed: a GPU request
    // must not leave the cameras without recognition, so fall back to CPU and say why.
    if (providers.length === 1 && providers[0] === 'cpu') throw err;
    fallbackReason = err instanceof Error ? err.message : String(err);
    providers = ['cpu'];
    engine = await loadFaceEngine({ ...base, executionProviders: providers });
  }
  const missing = requested.filter((p) => !providers.includes(p));
  if (fallbackReason === null && missing.length > 0)
    fallbackReason = `not in this onnxruntime build: ${missing.join(', ')}`;
  return {
    executionProviders: providers,
    fallbackReason,
    crossFrameBatching: engine instanceof ComposedFaceEngine,
  };
}

const ready = load().then(
  (info) => parentPort?.postMessage({ id: -1, ready: true, info } satisfies InferenceResponse),
  (err: unknown) =>
    parentPort?.postMessage({
      id: -1,
      error: err instanceof Error ? err.message : String(err),
    } satisfies InferenceResponse),
);

async function analyzeFrames(
  e: FaceEngine,
  frames: RgbFrame[],
  req: InferenceFrame[],
): Promise<InferredFace[][]> {
  const detected: DetectedFace[][] = [];
  for (const [i, frame] of frames.entries()) {
    const f = req[i];
    const opts = { minFacePx: f?.minFacePx ?? 0, maxFaces: MAX_FACES_PER_FRAME };
    let faces = await e.detect(
      frame,
      f?.detectorInputPx ? { ...opts, inputSizePx: f.detectorInputPx } : opts,
    );
    // A phone capture detected at a small input: a face too small for it is looked for again at full size.
    if (faces.length === 0 && f?.detectorInputPx && f.retryAtFullInput) faces = await e.detect(frame, opts);
    detected.push(faces);
  }
  const skip = req.map((f) => f.skipEmbedding);
  // Only faces that need it are aligned and embedded: new and unnamed tracks, better faces, re-checks.
  const needs = detected.map((faces, i) =>
    facesNeedingEmbedding(
      faces.map((f) => ({ box: f.box, quality: f.quality.score })),
      skip[i],
    ),
  );
  const embeddings: (Float32Array | null)[][] = detected.map((faces) => faces.map(() => null));
  if (e instanceof ComposedFaceEngine) {
    const crops: RgbFrame[] = [];
    const at: [number, number][] = [];
    frames.forEach((frame, i) =>
      (detected[i] ?? []).forEach((f, j) => {
        if (!needs[i]?.[j]) return;
        crops.push(e.recognizerCrop(frame, f.landmarks));
        at.push([i, j]);
      }),
    );
    const flat = crops.length > 0 ? await e.embedCrops(crops) : [];
    at.forEach(([i, j], k) => (embeddings[i]![j] = flat[k] ?? null));
  } else {
    for (const [i, frame] of frames.entries()) {
      const wanted = (detected[i] ?? []).filter((_, j) => needs[i]?.[j]);
      const out = wanted.length > 0 ? await e.embed(frame, wanted) : [];
      let k = 0;
      (detected[i] ?? []).forEach((_, j) => {
        if (needs[i]?.[j]) embeddings[i]![j] = out[k++] ?? null;
      });
    }
  }
  return detected.map((faces, i) =>
    faces.map((f, j) => ({
      box: f.box,
      score: f.score,
      landmarks: f.landmarks,
      quality: f.quality.score,
      detail: f.quality,
      embedding: embeddings[i]?.[j] ?? null,
    })),
  );
}

parentPort?.on('message', (req: InferenceRequest) => {
  void (async () => {
    await ready;
    if (!engine) {
      parentPort?.postMessage({
        id: req.id,
        error: 'face engine failed to load',
      } satisfies InferenceResponse);
      return;
    }
    try {
      const frames = req.frames.map((f) => ({
        data: new Uint8Array(f.frame),
        width: f.width,
        height: f.height,
      }));
      const t0 = performance.now();
      const results = await analyzeFrames(engine, frames, req.frames);
      const back = req.frames.map((f) => f.frame);
      const out: InferenceResponse = {
        id: req.id,
        inferenceMs: performance.now() - t0,
        results,
        frames: back,
      };
      const transfer = results.flatMap((faces) =>
        faces.flatMap((f) => (f.embedding ? [f.embedding.buffer as ArrayBuffer] : [])),
      );
      parentPort?.postMessage(out, [...new Set([...transfer, ...back])]);
    } catch (err) {
      parentPort?.postMessage({
        id: req.id,
        error: err instanceof Error ? err.message : String(err),
      } satisfies InferenceResponse);
    }
  })();
});
