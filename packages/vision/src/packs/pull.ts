import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ModelError } from '../errors.js';
import type { ModelFileSpec, PackManifest } from './manifests.js';
import { readZip } from './zip.js';

export type PullOptions = {
  modelsDir: string;
  /** Download URL (default: the manifest's, with HADIR_MODELS_BASE_URL replacing its folder when set). */
  url?: string;
  /** Install from a zip already on disk (offline machines). */
  fromFile?: string;
  fetchImpl?: typeof fetch;
  log?: (line: string) => void;
};

export function packUrl(manifest: PackManifest, env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (!manifest.download) return undefined;
  const base = env.HADIR_MODELS_BASE_URL;
  if (!base) return manifest.download.url;
  return `${base.replace(/\/+$/, '')}/${path.posix.basename(new URL(manifest.download.url).pathname)}`;
}

function packFiles(m: PackManifest): ModelFileSpec[] {
  const files: ModelFileSpec[] = [];
  if (m.detector.kind === 'scrfd') files.push(m.detector.file);
  if (m.recognizer.kind === 'onnx') files.push(m.recognizer.file);
  return files;
}

/** Downloads a pack's zip, checks every needed file's sha256, and installs them under the models directory. */
export async function pullPack(manifest: PackManifest, opts: PullOptions): Promise<string[]> {
  const log = opts.log ?? (() => {});
  let zipBytes: Buffer;
  if (opts.fromFile) {
    zipBytes = await readFile(opts.fromFile);
  } else {
    const url = opts.url ?? packUrl(manifest);
    if (!url)
      throw new ModelError(
        'invalid',
        `Pack "${manifest.name}" has no download; place its files in ${opts.modelsDir}.`,
      );
    log(`downloading ${url}`);
    let res: Response;
    try {
      res = await (opts.fetchImpl ?? fetch)(url, { redirect: 'follow' });
    } catch (cause) {
      throw new ModelError(
        'offline',
        `Could not download ${url} (${cause instanceof Error ? (cause.cause instanceof Error ? cause.cause.message : cause.message) : String(cause)}). ` +
          `This machine looks offline: download the zip elsewhere and run "npm run models -- pull ${manifest.name} --from-file <zip>", ` +
          `or set HADIR_MODELS_BASE_URL to a reachable mirror.`,
        { cause },
      );
    }
    if (!res.ok)
      throw new ModelError('offline', `Download of ${url} failed: HTTP ${res.status} ${res.statusText}.`);
    zipBytes = Buffer.from(await res.arrayBuffer());
  }
  const entries = readZip(zipBytes);
  const installed: string[] = [];
  for (const spec of packFiles(manifest)) {
    const base = path.posix.basename(spec.path);
    const entry = entries.find((e) => path.posix.basename(e.name) === base);
    if (!entry) throw new ModelError('missing', `The zip for "${manifest.name}" has no ${base}.`);
    const data = entry.data();
    const sha = createHash('sha256').update(data).digest('hex');
    if (spec.sha256 && sha !== spec.sha256) {
      throw new ModelError(
        'checksum',
        `${base} in the download has sha256 ${sha}, expected ${spec.sha256}; nothing was installed.`,
      );
    }
    const target = path.resolve(opts.modelsDir, spec.path);
    await mkdir(path.dirname(target), { recursive: true });
    // Write then rename, so a crash never leaves a half-written model that passes a size check.
    await writeFile(`${target}.partial`, data);
    await rename(`${target}.partial`, target);
    installed.push(target);
    log(`installed ${target} (sha256 ok)`);
  }
  return installed;
}
