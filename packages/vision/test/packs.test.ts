import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ModelError,
  NPM_DEFAULT_PACK,
  PACK_MANIFESTS,
  listPacks,
  loadFaceEngine,
  selectBestPack,
} from '../src/index.js';
import { hasMobileFaceNet, hasModels, modelsDir } from './fixtures.js';

let emptyDir: string;
let badDir: string;

beforeAll(async () => {
  emptyDir = await mkdtemp(path.join(os.tmpdir(), 'hadir-models-empty-'));
  badDir = await mkdtemp(path.join(os.tmpdir(), 'hadir-models-bad-'));
  await mkdir(path.join(badDir, 'buffalo_s'));
  await writeFile(path.join(badDir, 'buffalo_s', 'det_500m.onnx'), 'not the real model');
  await writeFile(path.join(badDir, 'buffalo_s', 'w600k_mbf.onnx'), 'not the real model either');
  await writeFile(
    path.join(badDir, 'my_arcface.pack.json'),
    JSON.stringify({
      name: 'my_arcface',
      recognizer: {
        kind: 'onnx',
        name: 'mine',
        file: { path: 'mine.onnx' },
        inputSizePx: 112,
        embeddingSize: 512,
        normalization: 'arcface',
      },
      defaultThreshold: 0.4,
    }),
  );
});

afterAll(async () => {
  await rm(emptyDir, { recursive: true, force: true });
  await rm(badDir, { recursive: true, force: true });
});

describe('model packs', () => {
  it('every built-in manifest is consistent', () => {
    for (const [name, m] of Object.entries(PACK_MANIFESTS)) {
      expect(m.name).toBe(name);
      expect(m.recognizer.embeddingSize).toBe(m.embeddingSize);
      expect(m.defaultThreshold).toBeGreaterThan(0);
      if (m.recognizer.kind === 'onnx') expect(m.recognizer.file.sha256).toMatch(/^[0-9a-f]{64}$/);
    }
    expect(PACK_MANIFESTS.buffalo_l?.defaultThreshold).toBe(0.35);
  });

  it('with an empty models directory, the npm-shipped pack is chosen', async () => {
    const s = await selectBestPack(emptyDir);
    expect(s.pack).toBe(NPM_DEFAULT_PACK);
    expect(s.pack).toBe('blazeface_faceapi');
    expect(s.reason).toMatch(/blazeface_faceapi/);
    expect(s.candidates.find((c) => c.name === 'buffalo_l')?.available).toBe(false);
  });

  it('refuses files whose sha256 does not match, and reads user manifests', async () => {
    const packs = await listPacks(badDir);
    const buffaloS = packs.find((p) => p.name === 'buffalo_s')!;
    expect(buffaloS.available).toBe(false);
    expect(buffaloS.files.map((f) => f.state)).toEqual(['checksum_mismatch', 'checksum_mismatch']);
    const mine = packs.find((p) => p.name === 'my_arcface')!;
    expect(mine.source).toBe('user');
    expect(mine.manifest.defaultThreshold).toBe(0.4);
    expect(mine.available).toBe(false);
    await expect(loadFaceEngine({ modelsDir: badDir, pack: 'buffalo_s' })).rejects.toMatchObject({
      code: 'checksum',
    });
    await expect(loadFaceEngine({ modelsDir: badDir, pack: 'nope' })).rejects.toBeInstanceOf(ModelError);
  });

  it.skipIf(!hasModels || !hasMobileFaceNet)(
    'with the shared models, the best available pack is mobilefacenet',
    async () => {
      const s = await selectBestPack(modelsDir);
      expect(s.pack).toBe('mobilefacenet');
      expect(s.reason).toMatch(/buffalo_l/); // says why the better packs were skipped
    },
  );
});
