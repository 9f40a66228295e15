import { createRequire } from 'node:module';
import path from 'node:path';

/*
 * face-api's Node WASM build is CommonJS and expects @tensorflow/tfjs (the umbrella package). Its
 * package.json has no "exports", so the dist file is loaded by path. tfjs is process-global: one backend,
 * one engine, shared by every FaceApi* instance in this thread (WASM runs single-threaded in Node, so run
 * more engines in worker threads to use more cores).
 */

type Tensor = { dispose(): void; shape: number[] };
type Tensor3D = Tensor;

export type FaceApiPoint = { x: number; y: number };
export type FaceApiDetection = {
  detection: { score: number; box: { x: number; y: number; width: number; height: number } };
  landmarks: { positions: FaceApiPoint[] };
};

type NeuralNet = { loadFromDisk(dir: string): Promise<void>; isLoaded: boolean };

/** The subset of face-api and tfjs this package uses (the bundled .d.ts does not resolve under NodeNext). */
export type FaceApiModule = {
  tf: {
    setBackend(name: string): Promise<boolean>;
    ready(): Promise<void>;
    getBackend(): string;
    tensor3d(
      values: Uint8Array | Int32Array | Float32Array,
      shape: [number, number, number],
      dtype?: string,
    ): Tensor3D;
    engine(): { startScope(): void; endScope(): void };
    memory(): { numTensors: number };
  };
  nets: {
    ssdMobilenetv1: NeuralNet;
    tinyFaceDetector: NeuralNet;
    faceLandmark68Net: NeuralNet;
    faceRecognitionNet: NeuralNet & {
      computeFaceDescriptor(input: Tensor3D | Tensor3D[]): Promise<Float32Array | Float32Array[]>;
    };
  };
  SsdMobilenetv1Options: new (o: { minConfidence?: number; maxResults?: number }) => unknown;
  TinyFaceDetectorOptions: new (o: { inputSize?: number; scoreThreshold?: number }) => unknown;
  detectAllFaces(input: Tensor3D, options: unknown): { withFaceLandmarks(): Promise<FaceApiDetection[]> };
};

const require = createRequire(import.meta.url);
let loading: Promise<FaceApiModule> | undefined;

export function faceApiModelDir(): string {
  return path.join(path.dirname(require.resolve('@vladmandic/face-api/package.json')), 'model');
}

/** Loads face-api on the tfjs WASM backend once per thread; later calls share it. */
export function loadFaceApi(): Promise<FaceApiModule> {
  loading ??= (async () => {
    const faceDir = path.dirname(require.resolve('@vladmandic/face-api/package.json'));
    const faceapi = require(path.join(faceDir, 'dist/face-api.node-wasm.js')) as FaceApiModule;
    const wasm = require('@tensorflow/tfjs-backend-wasm') as { setWasmPaths(p: string): void };
    // The default WASM location is a CDN URL; point it at node_modules so nothing is fetched.
    wasm.setWasmPaths(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm')) + path.sep);
    if (!(await faceapi.tf.setBackend('wasm'))) throw new Error('tfjs WASM backend failed to initialise');
    await faceapi.tf.ready();
    return faceapi;
  })();
  return loading;
}

export async function loadFaceApiNets(
  faceapi: FaceApiModule,
  which: ('ssdMobilenetv1' | 'tinyFaceDetector' | 'faceLandmark68Net' | 'faceRecognitionNet')[],
): Promise<void> {
  const dir = faceApiModelDir();
  for (const name of which) {
    const net = faceapi.nets[name];
    if (!net.isLoaded) await net.loadFromDisk(dir);
  }
}
