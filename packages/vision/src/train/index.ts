export {
  classCentroids,
  evaluateHead,
  normalize,
  predictHead,
  thresholdForFar,
  type DenseLayer,
  type HeadMethod,
  type HeadMetrics,
  type HeadPrediction,
  type HeadWeights,
} from './head.js';
export { trainHead, type EpochReport, type TrainHeadInput, type TrainHeadParams } from './train-head.js';
export { headToOnnx } from './head-onnx.js';
