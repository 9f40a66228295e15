import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { CameraIdSchema } from '@hadir/contracts';

/** One camera_config/<id>/config.json as read from disk: its text, or why it could not be read. */
export interface CameraFile {
  id: string;
  file: string;
  /** sha256 of the bytes, to tell a real change from a touch. */
  hash: string;
  /** Parsed JSON, or undefined when the text is not JSON. */
  json: unknown;
  /** Set when the file is not readable JSON (the message names the line/column). */
  parseError: string | null;
}

export const CONFIG_FILE = 'config.json';

/** The camera_config/ folder: one sub-folder per camera. Wraps the filesystem, nothing else. */
export class CameraFilesRepository {
  constructor(readonly dir: string) {}

  fileOf(id: string): string {
    return path.join(this.dir, id, CONFIG_FILE);
  }

  /** Every sub-folder holding a config.json (invalid ids included: they are reported, not skipped). */
  scan(): CameraFile[] {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(this.dir, { withFileTypes: true });
    } catch {
      return [];
    }
    const out: CameraFile[] = [];
    for (const e of entries) {
      if (!e.isDirectory() || e.name.startsWith('.')) continue;
      const file = path.join(this.dir, e.name, CONFIG_FILE);
      let text: Buffer;
      try {
        text = fs.readFileSync(file);
      } catch {
        continue;
      }
      out.push(parseFile(e.name, file, text));
    }
    return out.sort((a, b) => a.id.localeCompare(b.id));
  }

  exists(id: string): boolean {
    return fs.existsSync(this.fileOf(id));
  }

  /** Atomic write (temp file + rename): the watcher never sees half a file. */
  write(id: string, json: Record<string, unknown>): void {
    if (!CameraIdSchema.safeParse(id).success) throw new Error(`invalid camera id "${id}"`);
    const folder = path.join(this.dir, id);
    fs.mkdirSync(folder, { recursive: true });
    const tmp = path.join(folder, `.${CONFIG_FILE}.${process.pid}.${Date.now()}.tmp`);
    fs.writeFileSync(tmp, `${JSON.stringify(json, null, 2)}\n`, { mode: 0o640 });
    fs.renameSync(tmp, this.fileOf(id));
  }

  readJson(id: string): Record<string, unknown> | null {
    try {
      const parsed: unknown = JSON.parse(fs.readFileSync(this.fileOf(id), 'utf8'));
      return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)
        ? (parsed as Record<string, unknown>)
        : null;
    } catch {
      return null;
    }
  }

  remove(id: string): void {
    fs.rmSync(this.fileOf(id), { force: true });
    // Leave the folder if the operator keeps other files there (notes, masks).
    try {
      fs.rmdirSync(path.join(this.dir, id));
    } catch {
      /* not empty or already gone */
    }
  }
}

function parseFile(id: string, file: string, bytes: Buffer): CameraFile {
  const hash = createHash('sha256').update(bytes).digest('hex');
  try {
    return { id, file, hash, json: JSON.parse(bytes.toString('utf8')) as unknown, parseError: null };
  } catch (error) {
    return {
      id,
      file,
      hash,
      json: undefined,
      parseError: `not valid JSON (${error instanceof Error ? error.message : String(error)})`,
    };
  }
}
