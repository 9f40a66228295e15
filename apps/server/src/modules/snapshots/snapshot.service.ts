import { mkdir, readFile, readdir, rmdir, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Kysely, Transaction } from 'kysely';
import type { SnapshotKind } from '@hadir/contracts';
import type { ServerContext } from '../../context.js';
import type { DB } from '../../platform/db/schema.js';
import type { AuthContext } from '../../platform/http/auth-context.js';
import { AppError, forbidden, notFound } from '../../platform/http/errors.js';
import { newId } from '../../platform/ids/ids.js';
import { parseSettings } from '../organizations/index.js';
// The files, not people/index.js: people → faces → snapshots would make an import cycle.
import { inTeamScope, teamScopeOf } from '../people/team-scope.js';
import { TeamQueries } from '../people/team.queries.js';

type Executor = Kysely<DB> | Transaction<DB>;

declare module '../../platform/events/event-bus.js' {
  interface HadirEvents {
    /** Retention deleted snapshots (and, by cascade, the unknown faces seen in them). */
    'snapshots.purged': { organizationId: string; deleted: number };
  }
}

const DAY_MS = 24 * 3600_000;
/** The hard ceiling whatever an organization asks for: snapshots are personal data. */
export const MAX_SNAPSHOT_RETENTION_DAYS = 30;
/** A face thumbnail or a camera frame; anything larger is a caller bug, not a snapshot. */
const MAX_SNAPSHOT_BYTES = 8 * 1024 * 1024;
const PURGE_BATCH = 500;

export interface SnapshotInput {
  kind: SnapshotKind;
  cameraId?: string | null;
  employeeId?: string | null;
  faceJpeg: Uint8Array;
  frameJpeg?: Uint8Array | null;
  /** When the face was seen (default: now); decides the date folder and the retention age. */
  takenAtMs?: number;
}

export interface SavedSnapshot {
  id: string;
  createdAtMs: number;
}

const isJpeg = (b: Uint8Array) => b.byteLength > 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff;

/**
 * JPEG snapshots on disk under <HADIR_DATA_DIR>/snapshots/<org>/<yyyy-mm-dd>/ with one row each. Paths
 * are stored relative to the data dir and never leave the server; files are served only by id, within
 * the caller's organization.
 */
export class SnapshotService {
  readonly root: string;
  /** Day folders this process made (relative to the data dir). */
  private readonly madeDirs = new Set<string>();

  private readonly team: TeamQueries;

  constructor(private readonly ctx: ServerContext) {
    this.root = path.join(ctx.env.dataDir, 'snapshots');
    this.team = new TeamQueries(ctx.db);
  }

  /** Writes the files, then the row; a failed insert removes the files again. */
  async save(orgId: string, input: SnapshotInput, executor: Executor = this.ctx.db): Promise<SavedSnapshot> {
    for (const [name, bytes] of [
      ['faceJpeg', input.faceJpeg],
      ['frameJpeg', input.frameJpeg],
    ] as const) {
      if (!bytes) continue;
      if (!isJpeg(bytes)) throw new TypeError(`snapshot ${name} is not a JPEG`);
      if (bytes.byteLength > MAX_SNAPSHOT_BYTES) throw new RangeError(`snapshot ${name} exceeds 8 MiB`);
    }
    const createdAtMs = input.takenAtMs ?? this.ctx.clock.nowMs();
    const id = newId(createdAtMs);
    // UTC day folders: retention works on created_at, the folder only keeps directories small.
    const day = new Date(createdAtMs).toISOString().slice(0, 10);
    const relDir = path.posix.join('snapshots', orgId, day);
    const facePath = path.posix.join(relDir, `${id}-face.jpg`);
    const framePath = input.frameJpeg ? path.posix.join(relDir, `${id}-frame.jpg`) : null;
    await this.writeNew(relDir, facePath, input.faceJpeg);
    try {
      if (framePath && input.frameJpeg) {
        await writeFile(this.abs(framePath), input.frameJpeg, { flag: 'wx', mode: 0o600 });
      }
      await executor
        .insertInto('snapshots')
        .values({
          id,
          organizationId: orgId,
          kind: input.kind,
          cameraId: input.cameraId ?? null,
          employeeId: input.employeeId ?? null,
          facePath,
          framePath,
          createdAt: createdAtMs,
        })
        .execute();
    } catch (error) {
      await this.unlinkFiles([facePath, framePath]);
      throw error;
    }
    return { id, createdAtMs };
  }

  /**
   * Writes a new file in a day folder. The folder is made once per process (a phone sync saves hundreds
   * of faces into one); retention may remove it meanwhile, so a missing folder is made again.
   */
  private async writeNew(relDir: string, rel: string, bytes: Uint8Array): Promise<void> {
    const dir = path.join(this.ctx.env.dataDir, relDir);
    if (!this.madeDirs.has(relDir)) {
      await mkdir(dir, { recursive: true, mode: 0o700 });
      this.madeDirs.add(relDir);
    }
    try {
      await writeFile(this.abs(rel), bytes, { flag: 'wx', mode: 0o600 });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      await mkdir(dir, { recursive: true, mode: 0o700 });
      await writeFile(this.abs(rel), bytes, { flag: 'wx', mode: 0o600 });
    }
  }

  /**
   * The JPEG bytes of one snapshot, for the caller's organization only. Presence viewers see snapshots
   * of their team scope (a manager: their reporting subtree) and those of no one; presence and alert
   * snapshots of a person are theirs alone. Face viewers (the enrolment desk) see unknown-face
   * snapshots and other snapshots of a person; attendance viewers those taken at a phone check-in.
   */
  async read(auth: AuthContext, orgId: string, id: string, which: 'face' | 'frame'): Promise<Buffer> {
    const row = await this.ctx.db
      .selectFrom('snapshots')
      .select(['kind', 'facePath', 'framePath', 'employeeId'])
      .where('organizationId', '=', orgId)
      .where('id', '=', id)
      .executeTakeFirst();
    if (!row) throw notFound('Snapshot');
    const presenceOfPerson = row.employeeId !== null && (row.kind === 'presence' || row.kind === 'alert');
    const byPresence =
      auth.permissions.has('presence:view') &&
      (row.employeeId === null || inTeamScope(await teamScopeOf(this.team, orgId, auth), row.employeeId));
    // Faces taken at a phone check-in are part of the attendance record: its viewers see them.
    const allowed =
      byPresence ||
      (!presenceOfPerson &&
        ((row.kind === 'attendance' && auth.permissions.has('attendance:record:view')) ||
          (auth.permissions.has('member:face:view') && (row.kind === 'unknown' || row.employeeId !== null))));
    if (!allowed)
      throw forbidden('Your role does not allow viewing this snapshot (needs presence:view for this person)');
    const rel = which === 'face' ? row.facePath : row.framePath;
    if (!rel) throw notFound('Snapshot frame');
    try {
      return await readFile(this.abs(rel));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw notFound('Snapshot file');
      throw error;
    }
  }

  /** Deletes a person's snapshot rows in the caller's transaction; returns the files to unlink after commit. */
  async deleteRowsForEmployee(trx: Executor, orgId: string, employeeId: string): Promise<string[]> {
    const rows = await trx
      .selectFrom('snapshots')
      .select(['id', 'facePath', 'framePath'])
      .where('organizationId', '=', orgId)
      .where('employeeId', '=', employeeId)
      .execute();
    if (rows.length === 0) return [];
    for (let i = 0; i < rows.length; i += PURGE_BATCH) {
      const ids = rows.slice(i, i + PURGE_BATCH).map((r) => r.id);
      await trx.deleteFrom('snapshots').where('organizationId', '=', orgId).where('id', 'in', ids).execute();
    }
    return rows.flatMap((r) => (r.framePath ? [r.facePath, r.framePath] : [r.facePath]));
  }

  /** Removes files, ignoring those already gone. */
  async unlinkFiles(relPaths: readonly (string | null)[]): Promise<void> {
    for (const rel of relPaths) {
      if (!rel) continue;
      try {
        await unlink(this.abs(rel));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
          this.ctx.log.warn({ err: error, file: rel }, 'could not delete a snapshot file');
        }
      }
    }
  }

  /**
   * Deletes snapshots older than each organization's snapshotRetentionDays (never more than 30):
   * files first, then rows, so a crash in between leaves rows that the next run deletes, never
   * orphaned pictures of people.
   */
  async purgeExpired(): Promise<{ deleted: number; organizations: number }> {
    const now = this.ctx.clock.nowMs();
    const orgs = await this.ctx.db.selectFrom('organizations').select(['id', 'settings']).execute();
    let deleted = 0;
    for (const org of orgs) {
      const days = Math.min(MAX_SNAPSHOT_RETENTION_DAYS, parseSettings(org.settings).snapshotRetentionDays);
      const cutoffMs = now - days * DAY_MS;
      let orgDeleted = 0;
      for (;;) {
        const rows = await this.ctx.db
          .selectFrom('snapshots')
          .select(['id', 'facePath', 'framePath'])
          .where('organizationId', '=', org.id)
          .where('createdAt', '<', cutoffMs)
          .orderBy('createdAt')
          .limit(PURGE_BATCH)
          .execute();
        if (rows.length === 0) break;
        await this.unlinkFiles(rows.flatMap((r) => [r.facePath, r.framePath]));
        await this.ctx.db
          .deleteFrom('snapshots')
          .where('organizationId', '=', org.id)
          .where(
            'id',
            'in',
            rows.map((r) => r.id),
          )
          .execute();
        orgDeleted += rows.length;
        if (rows.length < PURGE_BATCH) break;
      }
      deleted += orgDeleted;
      if (orgDeleted > 0)
        this.ctx.events.publish('snapshots.purged', { organizationId: org.id, deleted: orgDeleted });
      await this.removeOldDayFolders(org.id, cutoffMs);
    }
    if (deleted > 0) this.ctx.log.info({ deleted }, 'expired snapshots deleted');
    return { deleted, organizations: orgs.length };
  }

  /** Day folders entirely before the cutoff: emptied ones are removed, stray files in them too. */
  private async removeOldDayFolders(orgId: string, cutoffMs: number): Promise<void> {
    const orgDir = path.join(this.root, orgId);
    let days: string[];
    try {
      days = await readdir(orgDir);
    } catch {
      return;
    }
    const cutoffDay = new Date(cutoffMs - DAY_MS).toISOString().slice(0, 10);
    for (const day of days) {
      if (!/^\d{4}-\d{2}-\d{2}$/.test(day) || day >= cutoffDay) continue;
      const dir = path.join(orgDir, day);
      // Files left behind by a crash between write and insert have no row; they are past retention too.
      for (const f of await readdir(dir).catch(() => [] as string[])) {
        await unlink(path.join(dir, f)).catch(() => undefined);
      }
      await rmdir(dir).catch(() => undefined);
    }
  }

  /** Absolute path of a stored relative path, refusing anything outside the snapshots folder. */
  private abs(rel: string): string {
    const resolved = path.resolve(this.ctx.env.dataDir, rel);
    if (!resolved.startsWith(this.root + path.sep)) {
      throw new AppError(500, 'invalid_snapshot_path', 'A snapshot path points outside the snapshots folder');
    }
    return resolved;
  }
}
