// Trains a classifier head on frozen face embeddings with TensorFlow.js (pure-JS CPU backend: tfjs-node's
// binary cannot install here). tfjs is process-global, so run this in a worker thread: it must not switch
// the backend under face-api's WASM engine in the main thread. It is imported on first use, so loading
// the vision package does not load tfjs.
import { classCentroids, type HeadMethod, type HeadWeights, predictHead } from './head.js';

export interface TrainHeadParams {
  epochs: number;
  learningRate: number;
  batchSize: number;
  l2: number;
  hiddenUnits: number;
  seed: number;
}

export interface EpochReport {
  epoch: number;
  loss: number;
  valAccuracy: number;
}

export interface TrainHeadInput {
  method: HeadMethod;
  classes: number;
  x: readonly Float32Array[];
  y: readonly number[];
  xVal: readonly Float32Array[];
  yVal: readonly number[];
  params: TrainHeadParams;
  onEpoch?: (r: EpochReport) => void | Promise<void>;
  /** Checked after every epoch; true stops training (the caller treats it as cancelled). */
  shouldStop?: () => boolean;
}

function accuracy(
  method: HeadMethod,
  w: HeadWeights,
  x: readonly Float32Array[],
  y: readonly number[],
): number {
  if (x.length === 0) return 0;
  return x.filter((v, i) => predictHead(method, w, v).index === y[i]).length / x.length;
}

export async function trainHead(input: TrainHeadInput): Promise<{ weights: HeadWeights; stopped: boolean }> {
  const { method, classes, x, y, params } = input;
  if (x.length === 0 || classes < 2) throw new RangeError('training needs at least two classes with faces');
  const centroids = classCentroids(x, y, classes);
  if (method === 'centroid') {
    const weights = { centroids, layers: [] };
    const acc = accuracy(method, weights, input.xVal, input.yVal);
    await input.onEpoch?.({ epoch: 1, loss: 0, valAccuracy: acc });
    return { weights, stopped: false };
  }
  const tf = await import('@tensorflow/tfjs');
  if (tf.getBackend() !== 'cpu') await tf.setBackend('cpu');
  await tf.ready();
  const dim = x[0]!.length;
  const reg = params.l2 > 0 ? tf.regularizers.l2({ l2: params.l2 }) : undefined;
  const model = tf.sequential();
  if (method === 'mlp') {
    model.add(
      tf.layers.dense({
        inputShape: [dim],
        units: params.hiddenUnits,
        activation: 'relu',
        kernelInitializer: tf.initializers.heNormal({ seed: params.seed }),
        ...(reg ? { kernelRegularizer: reg } : {}),
      }),
    );
  }
  model.add(
    tf.layers.dense({
      ...(method === 'logistic' ? { inputShape: [dim] } : {}),
      units: classes,
      activation: 'softmax',
      kernelInitializer: tf.initializers.glorotUniform({ seed: params.seed + 1 }),
      ...(reg ? { kernelRegularizer: reg } : {}),
    }),
  );
  model.compile({ optimizer: tf.train.adam(params.learningRate), loss: 'categoricalCrossentropy' });
  const flat = (rows: readonly Float32Array[]): Float32Array => {
    const out = new Float32Array(rows.length * dim);
    rows.forEach((r, i) => out.set(r, i * dim));
    return out;
  };
  const xs = tf.tensor2d(flat(x), [x.length, dim]);
  const ys = tf.oneHot(tf.tensor1d(Array.from(y), 'int32'), classes).toFloat();
  const weightsOf = (): HeadWeights => {
    const layers = model.layers.map((l) => {
      const [k, b] = l.getWeights();
      return { w: k!.arraySync() as number[][], b: b!.arraySync() as number[] };
    });
    return { centroids, layers };
  };
  let stopped = false;
  try {
    await model.fit(xs, ys, {
      epochs: params.epochs,
      batchSize: params.batchSize,
      shuffle: true,
      verbose: 0,
      callbacks: {
        onEpochEnd: async (epoch, logs) => {
          const valAccuracy = accuracy(method, weightsOf(), input.xVal, input.yVal);
          await input.onEpoch?.({ epoch: epoch + 1, loss: Number(logs?.loss ?? 0), valAccuracy });
          if (input.shouldStop?.()) {
            stopped = true;
            model.stopTraining = true;
          }
        },
      },
    });
    return { weights: weightsOf(), stopped };
  } finally {
    xs.dispose();
    ys.dispose();
    model.dispose();
  }
}
