import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { ModelError } from '../errors.js';
import { NPM_DEFAULT_PACK, PACK_MANIFESTS, type ModelFileSpec, type PackManifest } from './manifests.js';

export type FileStatus = {
  path: string;
  /** Absolute path where it was found, if anywhere. */
  foundAt?: string;
  state: 'ok' | 'missing' | 'checksum_mismatch' | 'unchecked';
  expectedSha256?: string;
  actualSha256?: string;
};

export type PackStatus = {
  name: string;
  manifest: PackManifest;
  source: 'builtin' | 'user';
  /** All files present and, where a checksum is known, verified. */
  available: boolean;
  files: FileStatus[];
  reason: string;
};

export type PackSelection = {
  pack: string;
  manifest: PackManifest;
  reason: string;
  candidates: PackStatus[];
};

// Hashing a 174 MB file costs about a second; remember results per (path, size, mtime) for the process.
const shaCache = new Map<string, string>();

export async function sha256File(file: string): Promise<string> {
  const st = await stat(file);
  const key = `${file}:${st.size}:${st.mtimeMs}`;
  const cached = shaCache.get(key);
  if (cached) return cached;
  const hash = createHash('sha256');
  await new Promise<void>((resolve, reject) => {
    createReadStream(file)
      .on('data', (chunk) => hash.update(chunk))
      .on('end', () => resolve())
      .on('error', reject);
  });
  const hex = hash.digest('hex');
  shaCache.set(key, hex);
  return hex;
}

async function isFile(p: string): Promise<boolean> {
  try {
    return (await stat(p)).isFile();
  } catch {
    return false;
  }
}

/** Finds a model file under the models directory and checks its sha256 when one is given. */
export async function resolveModelFile(
  modelsDir: string,
  spec: ModelFileSpec,
  verify = true,
): Promise<FileStatus> {
  for (const rel of [spec.path, ...(spec.alternatives ?? [])]) {
    const abs = path.resolve(modelsDir, rel);
    if (!(await isFile(abs))) continue;
    if (!spec.sha256 || !verify)
      return { path: spec.path, foundAt: abs, state: spec.sha256 ? 'unchecked' : 'ok' };
    const actual = await sha256File(abs);
    if (actual === spec.sha256.toLowerCase()) {
      return { path: spec.path, foundAt: abs, state: 'ok', expectedSha256: spec.sha256 };
    }
    return {
      path: spec.path,
      foundAt: abs,
      state: 'checksum_mismatch',
      expectedSha256: spec.sha256,
      actualSha256: actual,
    };
  }
  return { path: spec.path, state: 'missing', ...(spec.sha256 ? { expectedSha256: spec.sha256 } : {}) };
}

function packFiles(m: PackManifest): ModelFileSpec[] {
  const files: ModelFileSpec[] = [];
  if (m.detector.kind === 'scrfd') files.push(m.detector.file);
  if (m.recognizer.kind === 'onnx') files.push(m.recognizer.file);
  return files;
}

/** User packs: `*.pack.json` files in the models directory, pointing at any 112×112 ArcFace-style ONNX file. */
export async function loadUserManifests(modelsDir: string): Promise<PackManifest[]> {
  let entries: string[];
  try {
    entries = await readdir(modelsDir);
  } catch {
    return [];
  }
  const out: PackManifest[] = [];
  for (const entry of entries.filter((e) => e.endsWith('.pack.json')).sort()) {
    const file = path.join(modelsDir, entry);
    let parsed: unknown;
    try {
      parsed = JSON.parse(await readFile(file, 'utf8'));
    } catch (cause) {
      throw new ModelError('invalid', `${file} is not valid JSON: ${String(cause)}`, { cause });
    }
    out.push(validateUserManifest(parsed, file));
  }
  return out;
}

/** Checks the fields a user manifest must have; fills defaults for the rest. */
export function validateUserManifest(raw: unknown, source: string): PackManifest {
  const fail = (msg: string): never => {
    throw new ModelError('invalid', `${source}: ${msg}`);
  };
  if (typeof raw !== 'object' || raw === null) return fail('expected a JSON object');
  const m = raw as Partial<PackManifest>;
  if (typeof m.name !== 'string' || !/^[a-z0-9_.-]+$/i.test(m.name))
    fail('"name" must be a simple identifier');
  if (!m.recognizer || typeof m.recognizer !== 'object') fail('"recognizer" is required');
  const rec = m.recognizer!;
  if (rec.kind === 'onnx') {
    if (typeof rec.file?.path !== 'string') fail('"recognizer.file.path" is required');
    if (rec.inputSizePx !== 112) fail('"recognizer.inputSizePx" must be 112 (ArcFace template)');
    if (typeof rec.embeddingSize !== 'number' || rec.embeddingSize < 2)
      fail('"recognizer.embeddingSize" is required');
  } else if (rec.kind !== 'faceapi') {
    fail('"recognizer.kind" must be "onnx" or "faceapi"');
  }
  const detector = m.detector ?? PACK_MANIFESTS.mobilefacenet!.detector;
  if (detector.kind === 'scrfd' && typeof detector.file?.path !== 'string')
    fail('"detector.file.path" is required');
  const threshold = m.defaultThreshold ?? 0.35;
  if (typeof threshold !== 'number' || threshold <= -1 || threshold >= 1)
    fail('"defaultThreshold" must be in (−1, 1)');
  return {
    name: m.name!,
    description: m.description ?? `User pack from ${path.basename(source)}`,
    detector,
    recognizer: rec,
    embeddingSize: rec.embeddingSize,
    defaultThreshold: threshold,
    thresholdSource: m.thresholdSource ?? 'user manifest',
    flipAugment: m.flipAugment ?? false,
    license: m.license ?? {
      name: 'unknown',
      commercialUse: false,
      note: 'Declared by no one: check before use.',
    },
    preference: m.preference ?? 50,
    shippedWithNpm: false,
    ...(m.download ? { download: m.download } : {}),
  };
}

export async function packStatus(
  modelsDir: string,
  manifest: PackManifest,
  source: 'builtin' | 'user',
  verify = true,
): Promise<PackStatus> {
  const files = await Promise.all(packFiles(manifest).map((f) => resolveModelFile(modelsDir, f, verify)));
  const bad = files.filter((f) => f.state === 'missing' || f.state === 'checksum_mismatch');
  const reason =
    bad.length === 0
      ? manifest.shippedWithNpm
        ? 'ships with npm install'
        : 'all files present' + (verify ? ' and verified' : '')
      : bad.map((f) => `${f.path} ${f.state === 'missing' ? 'missing' : 'has the wrong sha256'}`).join('; ');
  return { name: manifest.name, manifest, source, available: bad.length === 0, files, reason };
}

/** Every known pack (built-in and user manifests) with whether its files are installed and verified. */
export async function listPacks(modelsDir: string, opts: { verify?: boolean } = {}): Promise<PackStatus[]> {
  const user = await loadUserManifests(modelsDir);
  const builtin = Object.values(PACK_MANIFESTS).filter((m) => !user.some((u) => u.name === m.name));
  const statuses = await Promise.all([
    ...builtin.map((m) => packStatus(modelsDir, m, 'builtin', opts.verify ?? true)),
    ...user.map((m) => packStatus(modelsDir, m, 'user', opts.verify ?? true)),
  ]);
  return statuses.sort((a, b) => b.manifest.preference - a.manifest.preference);
}

/** Looks a pack up by name among built-in and user manifests. */
export async function findPack(modelsDir: string, name: string): Promise<PackManifest> {
  const user = await loadUserManifests(modelsDir);
  const manifest = user.find((m) => m.name === name) ?? PACK_MANIFESTS[name];
  if (!manifest) {
    const known = [...Object.keys(PACK_MANIFESTS), ...user.map((m) => m.name)].join(', ');
    throw new ModelError('unknown_pack', `Unknown model pack "${name}". Known packs: ${known}.`);
  }
  return manifest;
}

/**
 * The one sentence about a pack's licence that the log, /readyz, the API and the UI all repeat, so they
 * cannot disagree: "Licence of pack "faceapi": MIT (...); commercial use: allowed."
 */
export function licenceSentence(manifest: Pick<PackManifest, 'name' | 'license'>): string {
  return `Licence of pack "${manifest.name}": ${manifest.license.name}; commercial use: ${
    manifest.license.commercialUse ? 'allowed' : 'NOT allowed'
  }.`;
}

/**
 * The most accurate pack whose files are all present and verified; falls back to the npm-shipped pack.
 * `reason` is one human sentence for logs and /readyz.
 */
export async function selectBestPack(modelsDir: string): Promise<PackSelection> {
  const candidates = await listPacks(modelsDir);
  const best = candidates.find((c) => c.available);
  if (!best) {
    // Unreachable while the npm pack is built in; kept so a future change cannot return nothing.
    const fallback = PACK_MANIFESTS[NPM_DEFAULT_PACK]!;
    return {
      pack: fallback.name,
      manifest: fallback,
      reason: 'no pack available; using the npm pack',
      candidates,
    };
  }
  const skipped = candidates
    .filter((c) => c.manifest.preference > best.manifest.preference && !c.available)
    .map((c) => `${c.name} (${c.reason})`);
  const reason =
    `Using pack "${best.name}": ${best.reason}` +
    (skipped.length ? `; better packs not usable: ${skipped.join(', ')}` : '; it is the best known pack') +
    `. ${licenceSentence(best.manifest)}`;
  return { pack: best.name, manifest: best.manifest, reason, candidates };
}
