// Worker thread: one face engine (ONNX sessions) per thread, so detection and embedding never block the
// HTTP event loop. Messages: { id, frames } in; { id, results } or { id, error } out. Frame buffers are
// transferred, not copied. Several frames (from several cameras) may come in one request: they are
// detected one by one and all their faces embedded in one recognizer call (one batch per request).
import { parentPort, workerData } from 'node:worker_threads';
import {
  ComposedFaceEngine,
  availableExecutionProviders,
  findFaceNear,
  loadFaceEngine,
  mapBox,
  type DetectedFace,
  type FaceEngine,
  type RgbFrame,
} from '@hadir/vision';
import type {
  InferenceRequest,
  InferenceResponse,
  InferenceWorkerData,
  InferenceWorkerInfo,
  InferredFace,
  StageTimings,
} from './inference-protocol.js';
import { facesNeedingEmbedding, type EmbeddingSkipRegion } from './embed-policy.js';

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

/** One frame of a request, decoded from the message. */
interface WorkFrame {
  frame: RgbFrame;
  minFacePx: number;
  skip: EmbeddingSkipRegion[] | undefined;
  /** The detector input for this frame instead of the worker's own (phone captures: a near face). */
  detectorInputPx: { width: number; height: number } | undefined;
  retryAtFullInput: boolean;
  mainStreamBelowPx: number;
  mainFrame: RgbFrame | null;
}

const since = (t0: number) => performance.now() - t0;

async function analyzeFrames(e: FaceEngine, work: WorkFrame[], t: StageTimings): Promise<InferredFace[][]> {
  const detected: DetectedFace[][] = [];
  for (const w of work) {
    const t0 = performance.now();
    const opts = { minFacePx: w.minFacePx, maxFaces: MAX_FACES_PER_FRAME };
    let faces = await e.detect(
      w.frame,
      w.detectorInputPx ? { ...opts, inputSizePx: w.detectorInputPx } : opts,
    );
    // A phone capture detected at a small input: a face too small for it is looked for again at full size.
    if (faces.length === 0 && w.detectorInputPx && w.retryAtFullInput) faces = await e.detect(w.frame, opts);
    detected.push(faces);
    t.detectMs += since(t0);
  }
  // Only faces that need it are aligned and embedded: new and unnamed tracks, better faces, re-checks.
  const needs = detected.map((faces, i) =>
    facesNeedingEmbedding(
      faces.map((f) => ({ box: f.box, quality: f.quality.score })),
      work[i]?.skip,
    ),
  );
  // Faces too small on this stream are embedded from the main stream's pixels, or not yet at all.
  const fromMain: (DetectedFace | null)[][] = detected.map((faces) => faces.map(() => null));
  const mainStream: (InferredFace['mainStream'] | undefined)[][] = detected.map((faces) =>
    faces.map(() => undefined),
  );
  for (const [i, w] of work.entries()) {
    if (!(w.mainStreamBelowPx > 0)) continue;
    for (const [j, f] of (detected[i] ?? []).entries()) {
      if (!needs[i]?.[j] || Math.min(f.box.width, f.box.height) >= w.mainStreamBelowPx) continue;
      mainStream[i]![j] = 'wanted';
      needs[i][j] = false;
      if (w.mainFrame === null) continue;
      const t0 = performance.now();
      const found = await findFaceNear(e, w.mainFrame, mapBox(f.box, w.frame, w.mainFrame));
      t.mainStreamMs += since(t0);
      if (found === null) continue;
      fromMain[i]![j] = found;
      mainStream[i]![j] = 'used';
      needs[i][j] = true;
    }
  }
  const embeddings: (Float32Array | null)[][] = detected.map((faces) => faces.map(() => null));
  if (e instanceof ComposedFaceEngine) {
    const crops: RgbFrame[] = [];
    const at: [number, number][] = [];
    const t0 = performance.now();
    work.forEach((w, i) =>
      (detected[i] ?? []).forEach((f, j) => {
        if (!needs[i]?.[j]) return;
        const main = fromMain[i]?.[j];
        crops.push(
          main && w.mainFrame
            ? e.recognizerCrop(w.mainFrame, main.landmarks)
            : e.recognizerCrop(w.frame, f.landmarks),
        );
        at.push([i, j]);
      }),
    );
    t.alignMs += since(t0);
    const t1 = performance.now();
    const flat = crops.length > 0 ? await e.embedCrops(crops) : [];
    t.embedMs += since(t1);
    at.forEach(([i, j], k) => (embeddings[i]![j] = flat[k] ?? null));
  } else {
    const t0 = performance.now();
    for (const [i, w] of work.entries()) {
      const wanted = (detected[i] ?? []).filter((_, j) => needs[i]?.[j] && !fromMain[i]?.[j]);
      const out = wanted.length > 0 ? await e.embed(w.frame, wanted) : [];
      let k = 0;
      for (let j = 0; j < (detected[i]?.length ?? 0); j++) {
        if (!needs[i]?.[j]) continue;
        const main = fromMain[i]?.[j];
        if (main && w.mainFrame) embeddings[i]![j] = (await e.embed(w.mainFrame, [main]))[0] ?? null;
        else embeddings[i]![j] = out[k++] ?? null;
      }
    }
    t.embedMs += since(t0);
  }
  return detected.map((faces, i) =>
    faces.map((f, j) => {
      const state = mainStream[i]?.[j];
      const main = fromMain[i]?.[j];
      return {
        box: f.box,
        score: f.score,
        landmarks: f.landmarks,
        // A face found on the main stream is scored at its real resolution.
        quality: main?.quality.score ?? f.quality.score,
        detail: main?.quality ?? f.quality,
        embedding: embeddings[i]?.[j] ?? null,
        ...(state ? { mainStream: state } : {}),
      };
    }),
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
      const work: WorkFrame[] = req.frames.map((f) => ({
        frame: { data: new Uint8Array(f.frame), width: f.width, height: f.height },
        minFacePx: f.minFacePx,
        skip: f.skipEmbedding,
        detectorInputPx: f.detectorInputPx,
        retryAtFullInput: f.retryAtFullInput === true,
        mainStreamBelowPx: f.mainStreamBelowPx ?? 0,
        mainFrame: f.mainFrame
          ? { data: new Uint8Array(f.mainFrame.frame), width: f.mainFrame.width, height: f.mainFrame.height }
          : null,
      }));
      const t0 = performance.now();
      const stages: StageTimings = { detectMs: 0, alignMs: 0, embedMs: 0, mainStreamMs: 0 };
      const results = await analyzeFrames(engine, work, stages);
      const back = req.frames.map((f) => f.frame);
      const out: InferenceResponse = {
        id: req.id,
        inferenceMs: performance.now() - t0,
        stages,
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
