import ort from 'onnxruntime-node';
import { ModelError } from '../errors.js';

export type OnnxRuntimeOptions = {
  /** Intra-op threads per session; 0 lets onnxruntime choose (all cores). */
  threads?: number;
  /** In preference order, e.g. ['cuda', 'cpu']; providers this runtime lacks are skipped. Default ['cpu']. */
  executionProviders?: string[];
};

/** Execution providers compiled into this onnxruntime-node build (CPU always; CUDA/TensorRT only in GPU builds). */
export function availableExecutionProviders(): string[] {
  const backends = ort.listSupportedBackends?.() ?? [{ name: 'cpu', bundled: true }];
  return backends.map((b) => b.name);
}

export async function createOnnxSession(
  modelPath: string,
  opts: OnnxRuntimeOptions = {},
): Promise<ort.InferenceSession> {
  const available = new Set(availableExecutionProviders());
  const requested = opts.executionProviders?.length ? opts.executionProviders : ['cpu'];
  const providers = requested.filter((p) => available.has(p));
  if (!providers.includes('cpu')) providers.push('cpu'); // CPU is the fallback for ops a GPU provider lacks.
  try {
    return await ort.InferenceSession.create(modelPath, {
      executionProviders: providers,
      intraOpNumThreads: opts.threads ?? 1,
      interOpNumThreads: 1,
      graphOptimizationLevel: 'all',
      // det_500m declares outputs fixed at 640×640 and logs a shape warning on every other size.
      logSeverityLevel: 3,
    });
  } catch (cause) {
    throw new ModelError('invalid', `onnxruntime could not load ${modelPath}: ${String(cause)}`, { cause });
  }
}

export { ort };
