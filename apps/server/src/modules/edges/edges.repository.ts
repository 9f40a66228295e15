import type { EdgeStatus, EdgeView } from '@hadir/contracts';
import type { Kysely } from 'kysely';
import { toIso, toIsoOrNull } from '../../platform/clock/clock.js';
import type { DB } from '../../platform/db/schema.js';
import type { EdgesTable } from '../../platform/db/tables/edges.js';

export type EdgeRow = EdgesTable;

export function edgeStatus(row: Pick<EdgeRow, 'revokedAt' | 'enrolledAt' | 'lostAt'>): EdgeStatus {
  if (row.revokedAt !== null) return 'revoked';
  if (row.enrolledAt === null) return 'pending';
  return row.lostAt !== null ? 'lost' : 'online';
}

function idList(json: string): string[] {
  try {
    const v = JSON.parse(json) as unknown;
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
  } catch {
    return [];
  }
}

export function edgeScope(row: Pick<EdgeRow, 'siteIds' | 'cameraIds'>): {
  siteIds: string[];
  cameraIds: string[];
} {
  return { siteIds: idList(row.siteIds), cameraIds: idList(row.cameraIds) };
}

/** What leaves the server about an edge: never its code or credential hash. */
export function presentEdge(row: EdgeRow): EdgeView {
  const scope = edgeScope(row);
  const codeOpen = row.enrolCodeHash !== null && row.enrolCodeExpiresAt !== null;
  return {
    id: row.id,
    name: row.name,
    status: edgeStatus(row),
    deviceName: row.deviceName,
    siteIds: scope.siteIds,
    cameraIds: scope.cameraIds,
    lastContactAt: toIsoOrNull(row.lastContactAt === null ? null : Number(row.lastContactAt)),
    queueDepth: Number(row.queueDepth),
    clockSkewMs: Number(row.clockSkewMs),
    createdAt: toIso(Number(row.createdAt)),
    enrolledAt: toIsoOrNull(row.enrolledAt === null ? null : Number(row.enrolledAt)),
    revokedAt: toIsoOrNull(row.revokedAt === null ? null : Number(row.revokedAt)),
    enrolCodeExpiresAt: codeOpen ? toIso(Number(row.enrolCodeExpiresAt)) : null,
  };
}

export function edgeOf(db: Kysely<DB>, orgId: string, id: string): Promise<EdgeRow | undefined> {
  return db
    .selectFrom('edges')
    .selectAll()
    .where('organizationId', '=', orgId)
    .where('id', '=', id)
    .executeTakeFirst();
}

/**
 * The cameras an edge serves, by id: the ones it names, those in areas of its sites, or (naming
 * neither) every camera of its organization. Read from the hub's camera rows.
 */
export async function servedCameraIds(
  db: Kysely<DB>,
  row: Pick<EdgeRow, 'organizationId' | 'siteIds' | 'cameraIds'>,
): Promise<Set<string>> {
  const scope = edgeScope(row);
  let q = db
    .selectFrom('cameras')
    .leftJoin('areas', 'areas.id', 'cameras.areaId')
    .select(['cameras.id', 'areas.siteId'])
    .where('cameras.organizationId', '=', row.organizationId);
  if (scope.siteIds.length === 0 && scope.cameraIds.length === 0) {
    return new Set((await q.execute()).map((r) => r.id));
  }
  q = q.where((eb) =>
    eb.or([
      ...(scope.cameraIds.length ? [eb('cameras.id', 'in', scope.cameraIds)] : []),
      ...(scope.siteIds.length ? [eb('areas.siteId', 'in', scope.siteIds)] : []),
    ]),
  );
  return new Set((await q.execute()).map((r) => r.id));
}
