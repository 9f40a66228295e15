import type { Kysely, Transaction } from 'kysely';
import type { PresenceStayCamera } from '@hadir/contracts';
import { toIso } from '../../platform/clock/clock.js';
import type { DB } from '../../platform/db/schema.js';

type Executor = Kysely<DB> | Transaction<DB>;

export interface StaySightings {
  intervalId: string;
  organizationId: string;
  cameraId: string;
  cameraName: string;
  firstMs: number;
  lastMs: number;
  count: number;
}

/** Adds a batch of one camera's sightings to a stay's camera list (one row per stay and camera). */
export async function recordStayCamera(trx: Executor, s: StaySightings): Promise<void> {
  const cur = await trx
    .selectFrom('presenceStayCameras')
    .select(['firstSeenTs', 'lastSeenTs', 'sightings'])
    .where('intervalId', '=', s.intervalId)
    .where('cameraId', '=', s.cameraId)
    .executeTakeFirst();
  if (!cur) {
    await trx
      .insertInto('presenceStayCameras')
      .values({
        intervalId: s.intervalId,
        organizationId: s.organizationId,
        cameraId: s.cameraId,
        cameraName: s.cameraName,
        firstSeenTs: s.firstMs,
        lastSeenTs: s.lastMs,
        sightings: s.count,
      })
      .execute();
    return;
  }
  await trx
    .updateTable('presenceStayCameras')
    .set({
      cameraName: s.cameraName,
      firstSeenTs: Math.min(cur.firstSeenTs, s.firstMs),
      lastSeenTs: Math.max(cur.lastSeenTs, s.lastMs),
      sightings: cur.sightings + s.count,
    })
    .where('intervalId', '=', s.intervalId)
    .where('cameraId', '=', s.cameraId)
    .execute();
}

/** The cameras of each listed stay, in the order they first saw the person. */
export async function stayCameras(
  db: Executor,
  orgId: string,
  intervalIds: readonly string[],
): Promise<Map<string, PresenceStayCamera[]>> {
  const out = new Map<string, PresenceStayCamera[]>();
  if (intervalIds.length === 0) return out;
  const rows = await db
    .selectFrom('presenceStayCameras')
    .selectAll()
    .where('organizationId', '=', orgId)
    .where('intervalId', 'in', [...intervalIds])
    .orderBy('firstSeenTs')
    .orderBy('cameraId')
    .execute();
  for (const r of rows) {
    const list = out.get(r.intervalId) ?? [];
    list.push({
      cameraId: r.cameraId,
      cameraName: r.cameraName,
      firstSeenAt: toIso(r.firstSeenTs),
      lastSeenAt: toIso(r.lastSeenTs),
      sightings: r.sightings,
    });
    out.set(r.intervalId, list);
  }
  return out;
}
