// Where the shared models and data live, and skip reasons when they (or binaries) are missing.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Either usable (with the path found) or not (with a sentence to show as the skip reason). */
export type SkipCheck = { ok: true; path: string } | { ok: false; reason: string };

/** The monorepo root: the nearest folder above this package whose package.json declares workspaces. */
export function findRepoRoot(from = dirname(fileURLToPath(import.meta.url))): string {
  let dir = resolve(from);
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg)) {
      try {
        const json = JSON.parse(readFileSync(pkg, 'utf8')) as { workspaces?: unknown };
        if (json.workspaces !== undefined) return dir;
      } catch {
        // not a readable package.json; keep walking up
      }
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no workspace root above ${from}`);
    dir = parent;
  }
}

export interface SharedDirs {
  modelsDir: string;
  dataDir: string;
}

/** HADIR_TEST_MODELS_DIR / HADIR_TEST_DATA_DIR, else `<repo root>/../shared/{models,data}`. */
export function findSharedDir(env: NodeJS.ProcessEnv = process.env): SharedDirs {
  const shared = join(findRepoRoot(), '..', 'shared');
  return {
    modelsDir: nonEmpty(env.HADIR_TEST_MODELS_DIR) ?? join(shared, 'models'),
    dataDir: nonEmpty(env.HADIR_TEST_DATA_DIR) ?? join(shared, 'data'),
  };
}

function nonEmpty(v: string | undefined): string | undefined {
  return v === undefined || v === '' ? undefined : v;
}

/**
 * A file or folder under the shared data or models dir, or a skip reason naming the path and the env var.
 * `requireSharedOrSkip('data', 'videos', 'one-by-one-person-detection.mp4')`
 */
export function requireSharedOrSkip(kind: 'data' | 'models', ...segments: string[]): SkipCheck {
  const dirs = findSharedDir();
  const base = kind === 'data' ? dirs.dataDir : dirs.modelsDir;
  const path = join(base, ...segments);
  if (existsSync(path)) return { ok: true, path };
  const envVar = kind === 'data' ? 'HADIR_TEST_DATA_DIR' : 'HADIR_TEST_MODELS_DIR';
  return { ok: false, reason: `shared ${kind} not found: ${path} (set ${envVar})` };
}

/** The first failing check's reason, or null when all are usable. */
export function firstSkipReason(...checks: SkipCheck[]): string | null {
  for (const c of checks) if (!c.ok) return c.reason;
  return null;
}

/** A describe/it title that carries the skip reason, so skipped suites say why in the report. */
export function titleWithSkip(title: string, reason: string | null): string {
  return reason === null ? title : `${title} [skipped: ${reason}]`;
}
