import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
/** The repository root: packages/vision/test → three levels up. */
export const repoRoot = path.resolve(here, '..', '..', '..');

export const modelsDir =
  process.env.HADIR_TEST_MODELS_DIR ?? path.resolve(repoRoot, '..', 'shared', 'models');
export const dataDir = process.env.HADIR_TEST_DATA_DIR ?? path.resolve(repoRoot, '..', 'shared', 'data');

export const hasModels = existsSync(path.join(modelsDir, 'buffalo_sc', 'det_500m.onnx'));
export const hasMobileFaceNet = existsSync(
  path.join(modelsDir, 'foamliu_mobilefacenet', 'MobileFaceNet.onnx'),
);
export const hasData = existsSync(path.join(dataDir, 'groups')) && existsSync(path.join(dataDir, 'faces'));

if (!hasModels || !hasMobileFaceNet) {
  console.warn(
    `[vision tests] real models not found in ${modelsDir} (set HADIR_TEST_MODELS_DIR); model tests are skipped.`,
  );
}
if (!hasData) {
  console.warn(
    `[vision tests] real face data not found in ${dataDir} (set HADIR_TEST_DATA_DIR); data tests are skipped.`,
  );
}
