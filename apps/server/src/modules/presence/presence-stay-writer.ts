import type { OrganizationSettings } from '@hadir/contracts';
import type { ServerContext } from '../../context.js';
import { newId } from '../../platform/ids/ids.js';
import type { PresenceIntervalsTable } from '../../platform/db/tables/presence.js';
import { parseSettings } from '../organizations/index.js';

/** One recognized person on one camera at one moment (after track consensus, never a single frame). */
export interface Sighting {
  organizationId: string;
  employeeId: string;
  cameraId: string;
  cameraName: string;
  atMs: number;
  /**
   * A sighting that stands for several (an edge box merges its sightings per second): the first of
   * them, and how many. Default: atMs, one.
   */
  firstMs?: number;
  count?: number;
  cosineSimilarity: number;
  trackId: string | null;
  /** Saves the event snapshot; called only when the sighting starts a new presence interval. */
  snapshot?: () => Promise<string | null>;
}

/** The sightings of one (employee, camera) between two flushes, folded into one. */
export interface PendingSightings {
  organizationId: string;
  employeeId: string;
  cameraId: string;
  cameraName: string;
  firstMs: number;
  lastMs: number;
  count: number;
  bestSimilarity: number;
  trackId: string | null;
  snapshot: (() => Promise<string | null>) | undefined;
}

/** A presence interval as it stands after a flush. */
export interface PresenceStayRecorded {
  organizationId: string;
  employeeId: string;
  intervalId: string;
  cameraName: string;
  startedAt: number;
  lastSeenTs: number;
  bestSimilarity: number;
  snapshotId: string | null;
}

/** Folds a sighting into the pending entry of its (employee, camera). */
export function foldSighting(pending: Map<string, PendingSightings>, s: Sighting): void {
  const key = `${s.employeeId}|${s.cameraId}`;
  const p = pending.get(key);
  if (!p) {
    pending.set(key, {
      organizationId: s.organizationId,
      employeeId: s.employeeId,
      cameraId: s.cameraId,
      cameraName: s.cameraName,
      firstMs: Math.min(s.firstMs ?? s.atMs, s.atMs),
      lastMs: s.atMs,
      count: s.count ?? 1,
      bestSimilarity: s.cosineSimilarity,
      trackId: s.trackId,
      snapshot: s.snapshot,
    });
    return;
  }
  p.firstMs = Math.min(p.firstMs, s.firstMs ?? s.atMs, s.atMs);
  p.lastMs = Math.max(p.lastMs, s.atMs);
  p.count += s.count ?? 1;
  p.bestSimilarity = Math.max(p.bestSimilarity, s.cosineSimilarity);
  p.trackId = s.trackId ?? p.trackId;
}

type StayRow = PresenceIntervalsTable;
interface StayCameraRow {
  intervalId: string;
  organizationId: string;
  cameraId: string;
  cameraName: string;
  firstSeenTs: number;
  lastSeenTs: number;
  sightings: number;
}
interface LastSeenRow {
  employeeId: string;
  organizationId: string;
  lastSeenTs: number | null;
  lastCameraId: string | null;
  lastCameraName: string | null;
}

/** Multi-row statements stay under every driver's bound-parameter limit. */
const ROWS_PER_STATEMENT = 200;

/**
 * Writes flushed sightings as stays, stay cameras and last seen. The rules are applied in memory in the
 * order a flush per step would apply them (each entry sees the stays the entries before it opened or
 * extended); the result is written in ONE transaction of multi-row upserts, whatever the number of
 * entries; `presence.stays.recorded` carries each touched stay once, after the commit.
 *
 * The caller serializes writes (PresenceService): the rows read before the transaction are not
 * written by anyone else of this process in between.
 */
export class PresenceStayWriter {
  constructor(
    private readonly ctx: ServerContext,
    private readonly windowMinutes: (settings: OrganizationSettings, cameraMinutes: number | null) => number,
  ) {}

  /** Applies the steps in order (each step's entries by first sighting); returns the entries applied. */
  async write(steps: PendingSightings[][]): Promise<number> {
    const entries = steps.flatMap((step) => [...step].sort((a, b) => a.firstMs - b.firstMs));
    if (entries.length === 0) return 0;
    const db = this.ctx.db;
    const orgIds = [...new Set(entries.map((e) => e.organizationId))];
    const employeeIds = [...new Set(entries.map((e) => e.employeeId))];
    const settingsByOrg = await this.settingsOf(orgIds);
    const overrides = await this.cameraOverrides(entries);

    // The latest stay of each employee (the one a sighting may extend), its cameras, and last seen.
    const latestRows = await db
      .selectFrom('presenceIntervals as pi')
      .selectAll('pi')
      .where('pi.organizationId', 'in', orgIds)
      .where('pi.employeeId', 'in', employeeIds)
      .where('pi.id', '=', (eb) =>
        eb
          .selectFrom('presenceIntervals as p2')
          .select('p2.id')
          .whereRef('p2.organizationId', '=', 'pi.organizationId')
          .whereRef('p2.employeeId', '=', 'pi.employeeId')
          .orderBy('p2.lastSeenTs', 'desc')
          .limit(1),
      )
      .execute();
    const stays = new Map<string, StayRow>(latestRows.map((r) => [r.id, { ...r }]));
    const latestOf = new Map<string, StayRow>(latestRows.map((r) => [r.employeeId, stays.get(r.id)!]));
    const stayCameras = new Map<string, StayCameraRow>();
    if (latestRows.length)
      for (const r of await db
        .selectFrom('presenceStayCameras')
        .selectAll()
        .where('intervalId', 'in', [...stays.keys()])
        .execute())
        stayCameras.set(`${r.intervalId}\u0000${r.cameraId}`, r);
    const lastSeen = new Map<string, LastSeenRow>();
    for (const r of await db
      .selectFrom('employeePresence')
      .select(['employeeId', 'organizationId', 'lastSeenTs', 'lastCameraId', 'lastCameraName'])
      .where('organizationId', 'in', orgIds)
      .where('employeeId', 'in', employeeIds)
      .execute())
      lastSeen.set(r.employeeId, r);

    const touchedStays = new Set<string>();
    const touchedCameras = new Set<string>();
    const touchedLastSeen = new Set<string>();
    /** The camera name the stay's event carries: the entry that first touched it in this write. */
    const eventCamera = new Map<string, string>();
    let applied = 0;
    for (const p of entries) {
      const settings = settingsByOrg.get(p.organizationId);
      if (!settings) continue;
      applied += 1;
      const override = overrides.get(`${p.organizationId}\u0000${p.cameraId}`) ?? null;
      const windowMs = this.windowMinutes(settings, override) * 60_000;
      const last = latestOf.get(p.employeeId);
      // One stay while ANY camera keeps seeing the person within the window: a switch between
      // overlapping cameras is not a new stay (the camera joins the stay's camera list instead).
      let stay: StayRow;
      if (last && p.firstMs - last.lastSeenTs <= windowMs) {
        stay = last;
        stay.startedAt = Math.min(stay.startedAt, p.firstMs);
        stay.lastSeenTs = Math.max(stay.lastSeenTs, p.lastMs);
        stay.sightings += p.count;
        stay.bestSimilarity = Math.max(stay.bestSimilarity, p.bestSimilarity);
      } else {
        // The snapshot is a file: written before the transaction, only for a new stay.
        const snapshotId = p.snapshot
          ? await p.snapshot().catch((err: unknown) => {
              this.ctx.log.warn({ err }, 'presence snapshot failed');
              return null;
            })
          : null;
        stay = {
          id: newId(p.firstMs),
          organizationId: p.organizationId,
          employeeId: p.employeeId,
          cameraId: p.cameraId,
          cameraName: p.cameraName,
          startedAt: p.firstMs,
          lastSeenTs: p.lastMs,
          sightings: p.count,
          bestSimilarity: p.bestSimilarity,
          trackId: p.trackId,
          snapshotId,
        };
        stays.set(stay.id, stay);
      }
      // The latest stay is the one seen last (a replayed old sighting may open a stay behind it).
      if (!last || stay.lastSeenTs >= last.lastSeenTs) latestOf.set(p.employeeId, stay);
      touchedStays.add(stay.id);
      if (!eventCamera.has(stay.id)) eventCamera.set(stay.id, p.cameraName);

      const camKey = `${stay.id}\u0000${p.cameraId}`;
      const cam = stayCameras.get(camKey);
      if (cam) {
        cam.cameraName = p.cameraName;
        cam.firstSeenTs = Math.min(cam.firstSeenTs, p.firstMs);
        cam.lastSeenTs = Math.max(cam.lastSeenTs, p.lastMs);
        cam.sightings += p.count;
      } else {
        stayCameras.set(camKey, {
          intervalId: stay.id,
          organizationId: p.organizationId,
          cameraId: p.cameraId,
          cameraName: p.cameraName,
          firstSeenTs: p.firstMs,
          lastSeenTs: p.lastMs,
          sightings: p.count,
        });
      }
      touchedCameras.add(camKey);

      const seen = lastSeen.get(p.employeeId);
      if (!seen || (seen.lastSeenTs ?? 0) <= p.lastMs) {
        lastSeen.set(p.employeeId, {
          employeeId: p.employeeId,
          organizationId: p.organizationId,
          lastSeenTs: p.lastMs,
          lastCameraId: p.cameraId,
          lastCameraName: p.cameraName,
        });
        touchedLastSeen.add(p.employeeId);
      }
    }
    if (applied === 0) return 0;

    const now = this.ctx.clock.nowMs();
    const stayRows = [...touchedStays].map((id) => stays.get(id)!);
    const cameraRows = [...touchedCameras].map((k) => stayCameras.get(k)!);
    const lastSeenRows = [...touchedLastSeen].map((id) => lastSeen.get(id)!);
    await db.transaction().execute(async (trx) => {
      for (const rows of chunks(stayRows))
        await trx
          .insertInto('presenceIntervals')
          .values(rows)
          .onConflict((oc) =>
            oc.column('id').doUpdateSet((eb) => ({
              startedAt: eb.ref('excluded.startedAt'),
              lastSeenTs: eb.ref('excluded.lastSeenTs'),
              sightings: eb.ref('excluded.sightings'),
              bestSimilarity: eb.ref('excluded.bestSimilarity'),
            })),
          )
          .execute();
      for (const rows of chunks(cameraRows))
        await trx
          .insertInto('presenceStayCameras')
          .values(rows)
          .onConflict((oc) =>
            oc.columns(['intervalId', 'cameraId']).doUpdateSet((eb) => ({
              cameraName: eb.ref('excluded.cameraName'),
              firstSeenTs: eb.ref('excluded.firstSeenTs'),
              lastSeenTs: eb.ref('excluded.lastSeenTs'),
              sightings: eb.ref('excluded.sightings'),
            })),
          )
          .execute();
      // A new row starts `unknown` (the tick decides the state); a stored row keeps its state.
      for (const rows of chunks(lastSeenRows))
        await trx
          .insertInto('employeePresence')
          .values(
            rows.map((r) => ({
              employeeId: r.employeeId,
              organizationId: r.organizationId,
              state: 'unknown',
              stateSince: now,
              lastSeenTs: r.lastSeenTs,
              lastCameraId: r.lastCameraId,
              lastCameraName: r.lastCameraName,
              snapshot: null,
              updatedAt: now,
            })),
          )
          .onConflict((oc) =>
            oc.column('employeeId').doUpdateSet((eb) => ({
              lastSeenTs: eb.ref('excluded.lastSeenTs'),
              lastCameraId: eb.ref('excluded.lastCameraId'),
              lastCameraName: eb.ref('excluded.lastCameraName'),
              updatedAt: eb.ref('excluded.updatedAt'),
            })),
          )
          .execute();
    });
    // After commit: attendance turns each stay's first and last sighting into events (once per write).
    this.ctx.events.publish('presence.stays.recorded', {
      stays: stayRows.map((s) => ({
        organizationId: s.organizationId,
        employeeId: s.employeeId,
        intervalId: s.id,
        cameraName: eventCamera.get(s.id) ?? s.cameraName,
        startedAt: s.startedAt,
        lastSeenTs: s.lastSeenTs,
        bestSimilarity: s.bestSimilarity,
        snapshotId: s.snapshotId,
      })),
    });
    return applied;
  }

  private async settingsOf(orgIds: string[]): Promise<Map<string, OrganizationSettings>> {
    const out = new Map<string, OrganizationSettings>();
    const rows = await this.ctx.db
      .selectFrom('organizations')
      .select(['id', 'settings'])
      .where('id', 'in', orgIds)
      .execute();
    for (const o of rows) {
      // One organization's unreadable settings must not drop every organization's sightings.
      try {
        out.set(o.id, parseSettings(o.settings));
      } catch (err) {
        this.ctx.log.error(
          { err, organizationId: o.id },
          'organization settings unreadable; sightings dropped',
        );
      }
    }
    return out;
  }

  /** Per-camera absence overrides, keyed by organization and camera (a camera is only its own org's). */
  private async cameraOverrides(
    entries: { organizationId: string; cameraId: string }[],
  ): Promise<Map<string, number | null>> {
    const out = new Map<string, number | null>();
    // Camera ids are unique per organization only (migration 0090): match (organization, id) pairs.
    const pairs = new Map(entries.map((b) => [`${b.organizationId}\u0000${b.cameraId}`, b]));
    const rows = await this.ctx.db
      .selectFrom('cameras')
      .select(['id', 'organizationId', 'config'])
      .where((eb) =>
        eb.or(
          [...pairs.values()].map((b) =>
            eb.and([eb('organizationId', '=', b.organizationId), eb('id', '=', b.cameraId)]),
          ),
        ),
      )
      .execute();
    for (const r of rows) out.set(`${r.organizationId}\u0000${r.id}`, explicitAbsentMinutes(r.config));
    return out;
  }
}

function chunks<T>(rows: T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += ROWS_PER_STATEMENT) out.push(rows.slice(i, i + ROWS_PER_STATEMENT));
  return out;
}

/** absentAfterMinutes only when the camera file sets it (resolved configs always carry a default). */
export function explicitAbsentMinutes(configJson: string): number | null {
  try {
    const cfg = JSON.parse(configJson) as { absentAfterMinutes?: unknown; overrides?: unknown };
    const explicit = Array.isArray(cfg.overrides) && cfg.overrides.includes('absentAfterMinutes');
    return explicit && typeof cfg.absentAfterMinutes === 'number' ? cfg.absentAfterMinutes : null;
  } catch {
    return null;
  }
}
