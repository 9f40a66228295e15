import type { Kysely, Transaction } from 'kysely';
import type { VideoSummary, VideoPersonSummary } from '@hadir/contracts';
import type { DB } from '../../platform/db/schema.js';
import type { VideosTable, VideoPersonsTable } from '../../platform/db/tables/videos.js';
import { toIso, toIsoOrNull } from '../../platform/clock/clock.js';

export type Executor = Kysely<DB> | Transaction<DB>;

export const personCode = (code: number): string => `PERSON-${String(code).padStart(4, '0')}`;

/** "PERSON-0007" / "person-7" / "7" → 7; anything else → null. */
export function parsePersonCode(q: string): number | null {
  const m = /^(?:person-?)?0*(\d{1,9})$/i.exec(q.trim());
  return m ? Number(m[1]) : null;
}

export function toVideoSummary(v: VideosTable, personCount: number): VideoSummary {
  return {
    id: v.id,
    collectionId: v.collectionId,
    title: v.title,
    originalName: v.originalName,
    status: v.status,
    stage: v.stage,
    progress: Math.max(0, Math.min(1, v.progress)),
    error: v.error,
    sizeBytes: v.sizeBytes,
    durationSec: v.durationSec,
    width: v.width,
    height: v.height,
    fps: v.fps,
    videoCodec: v.videoCodec,
    transcoded: v.browserPlayable === 0 && v.playableFile !== null,
    framesAnalyzed: v.framesAnalyzed,
    personCount,
    createdAt: toIso(v.createdAt),
    processedAt: toIsoOrNull(v.processedAt),
    recordedAt: toIsoOrNull(v.recordedAt === null ? null : Number(v.recordedAt)),
  };
}

export function toPersonSummary(
  p: Pick<VideoPersonsTable, 'id' | 'code' | 'name' | 'employeeId' | 'ignored'>,
): VideoPersonSummary {
  return {
    id: p.id,
    code: personCode(p.code),
    name: p.name,
    employeeId: p.employeeId,
    ignored: p.ignored === 1,
  };
}

export async function findVideo(db: Executor, orgId: string, id: string): Promise<VideosTable | undefined> {
  return db
    .selectFrom('videos')
    .selectAll()
    .where('organizationId', '=', orgId)
    .where('id', '=', id)
    .executeTakeFirst();
}

export async function personCounts(
  db: Executor,
  orgId: string,
  videoIds: string[],
): Promise<Map<string, number>> {
  if (videoIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('videoAppearances')
    .select(['videoId', db.fn.countAll<number>().as('n')])
    .where('organizationId', '=', orgId)
    .where('videoId', 'in', videoIds)
    .groupBy('videoId')
    .execute();
  return new Map(rows.map((r) => [r.videoId, Number(r.n)]));
}

export async function findPerson(
  db: Executor,
  orgId: string,
  id: string,
): Promise<VideoPersonsTable | undefined> {
  return db
    .selectFrom('videoPersons')
    .selectAll()
    .where('organizationId', '=', orgId)
    .where('id', '=', id)
    .executeTakeFirst();
}
