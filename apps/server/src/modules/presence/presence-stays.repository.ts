import type { Kysely, Transaction } from 'kysely';
import type { PresenceStayCamera } from '@hadir/contracts';
import { toIso } from '../../platform/clock/clock.js';
import type { DB } from '../../platform/db/schema.js';

type Executor = Kysely<DB> | Transaction<DB>;

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
