import { rename, rm, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ensureDir, personCode, underDataDir } from '../videos/index.js';

/** datasets/<org>: everything of one organization's datasets (crops, exports), removed with it. */
export const datasetsRoot = (orgId: string): string => path.join('datasets', orgId);
export const personFacesDir = (orgId: string, code: number): string =>
  path.join(datasetsRoot(orgId), 'faces', personCode(code));
export const faceFileName = (seq: number, frame: number): string =>
  `face_${String(seq).padStart(4, '0')}_frame_${String(frame).padStart(4, '0')}.jpg`;

/** Writes a file (owner-only), creating its folder. */
export async function writePrivate(dataDir: string, rel: string, bytes: Uint8Array): Promise<void> {
  const abs = underDataDir(dataDir, rel);
  await ensureDir(path.dirname(abs));
  await writeFile(abs, bytes, { mode: 0o600 });
}

export async function moveFile(dataDir: string, fromRel: string, toRel: string): Promise<void> {
  const to = underDataDir(dataDir, toRel);
  await ensureDir(path.dirname(to));
  await rename(underDataDir(dataDir, fromRel), to);
}

/** Removes files; one already gone is not an error. */
export async function removeFiles(dataDir: string, rels: readonly string[]): Promise<void> {
  for (const rel of rels) await unlink(underDataDir(dataDir, rel)).catch(() => undefined);
}

export async function removeDir(dataDir: string, rel: string): Promise<void> {
  await rm(underDataDir(dataDir, rel), { recursive: true, force: true });
}
