import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { CameraIdSchema } from '@hadir/contracts';

/** One camera config.json as read from disk: its text, or why it could not be read. */
export interface CameraFile {
  /** Where the file lives, relative to camera_config/: `<id>` or `<organization id>/<id>`. */
  key: string;
  /** The camera id (the innermost folder name). */
  id: string;
  /** The organization folder the file lies in; null for a file directly under camera_config/<id>/. */
  orgFolder: string | null;
  file: string;
  /** sha256 of the bytes, to tell a real change from a touch. */
  hash: string;
  /** Parsed JSON, or undefined when the text is not JSON. */
  json: unknown;
  /** Set when the file is not readable JSON (the message names the line/column). */
  parseError: string | null;
}

export const CONFIG_FILE = 'config.json';

/** A file's place: `<id>` (organization named in the file) or `<organization id>/<id>`. */
export function cameraKey(orgFolder: string | null, id: string): string {
  return orgFolder === null ? id : `${orgFolder}/${id}`;
}

/**
 * The camera_config/ folder. Two layouts, both watched:
 * - `camera_config/<camera id>/config.json`: the organization is the file's `organizationId` (or the only
 *   organization); the layout of files written by hand and by versions before camera ids were per
 *   organization.
 * - `camera_config/<organization id>/<camera id>/config.json`: the organization is the folder; what the API
 *   writes, so two organizations can each have a camera `gate`.
 * A folder holding a config.json is a camera; one without is looked into as an organization folder.
 * Wraps the filesystem, nothing else.
 */
export class CameraFilesRepository {
  constructor(readonly dir: string) {}

  fileOf(key: string): string {
    return path.join(this.dir, ...key.split('/'), CONFIG_FILE);
  }

  /** Every folder holding a config.json (invalid ids included: they are reported, not skipped). */
  scan(): CameraFile[] {
    const out: CameraFile[] = [];
    for (const top of subfolders(this.dir)) {
      const text = readOrNull(path.join(this.dir, top, CONFIG_FILE));
      if (text) {
        out.push(parseFile(null, top, path.join(this.dir, top, CONFIG_FILE), text));
        continue;
      }
      for (const inner of subfolders(path.join(this.dir, top))) {
        const file = path.join(this.dir, top, inner, CONFIG_FILE);
        const bytes = readOrNull(file);
        if (bytes) out.push(parseFile(top, inner, file, bytes));
      }
    }
    return out.sort((a, b) => a.key.localeCompare(b.key));
  }

  exists(key: string): boolean {
    return fs.existsSync(this.fileOf(key));
  }

  /** Atomic write (temp file + rename): the watcher never sees half a file. */
  write(key: string, json: Record<string, unknown>): void {
    const parts = key.split('/');
    if (parts.length > 2 || !parts.every((p) => CameraIdSchema.safeParse(p).success))
      throw new Error(`invalid camera folder "${key}"`);
    const folder = path.join(this.dir, ...parts);
    fs.mkdirSync(folder, { recursive: true });
    const tmp = path.join(folder, `.${CONFIG_FILE}.${process.pid}.${Date.now()}.tmp`);
    fs.writeFileSync(tmp, `${JSON.stringify(json, null, 2)}\n`, { mode: 0o640 });
    fs.renameSync(tmp, this.fileOf(key));
  }

  readJson(key: string): Record<string, unknown> | null {
    try {
      const parsed: unknown = JSON.parse(fs.readFileSync(this.fileOf(key), 'utf8'));
      return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)
        ? (parsed as Record<string, unknown>)
        : null;
    } catch {
      return null;
    }
  }

  remove(key: string): void {
    fs.rmSync(this.fileOf(key), { force: true });
    // Leave the folders if the operator keeps other files there (notes, masks).
    const parts = key.split('/');
    for (let n = parts.length; n > 0; n--) {
      try {
        fs.rmdirSync(path.join(this.dir, ...parts.slice(0, n)));
      } catch {
        return; /* not empty or already gone */
      }
    }
  }
}

function subfolders(dir: string): string[] {
  try {
    return fs
      .readdirSync(dir, { withFileTypes: true })
      .filter((e) => e.isDirectory() && !e.name.startsWith('.'))
      .map((e) => e.name);
  } catch {
    return [];
  }
}

function readOrNull(file: string): Buffer | null {
  try {
    return fs.readFileSync(file);
  } catch {
    return null;
  }
}

function parseFile(orgFolder: string | null, id: string, file: string, bytes: Buffer): CameraFile {
  const hash = createHash('sha256').update(bytes).digest('hex');
  const base = { key: cameraKey(orgFolder, id), id, orgFolder, file, hash };
  try {
    return { ...base, json: JSON.parse(bytes.toString('utf8')) as unknown, parseError: null };
  } catch (error) {
    return {
      ...base,
      json: undefined,
      parseError: `not valid JSON (${error instanceof Error ? error.message : String(error)})`,
    };
  }
}
