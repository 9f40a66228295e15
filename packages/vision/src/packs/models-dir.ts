import path from 'node:path';

/** HADIR_MODELS_DIR, else ./models under the current directory. */
export function defaultModelsDir(env: NodeJS.ProcessEnv = process.env): string {
  return path.resolve(env.HADIR_MODELS_DIR ?? 'models');
}
