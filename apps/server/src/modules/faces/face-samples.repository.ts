import { sql, type Kysely, type Transaction } from 'kysely';
import type { DB } from '../../platform/db/schema.js';
import { activeFacePack } from './face-engine.service.js';

export type Executor = Kysely<DB> | Transaction<DB>;

/**
 * Embeddings of the active pack for a whole organization (or one person), skipping terminated people and
 * samples still pending review (a self-enrolment is not matched until a reviewer approves it).
 */
export function embeddingRows(db: Executor, orgId: string, pack: string, employeeId?: string) {
  let q = db
    .selectFrom('faceSamples')
    .innerJoin('employees', 'employees.id', 'faceSamples.employeeId')
    .select(['faceSamples.employeeId', 'faceSamples.embedding'])
    .where('faceSamples.organizationId', '=', orgId)
    .where('employees.organizationId', '=', orgId)
    .where('faceSamples.pack', '=', pack)
    .where('faceSamples.status', '=', 'approved')
    .where('employees.status', '!=', 'terminated');
  if (employeeId) q = q.where('faceSamples.employeeId', '=', employeeId);
  return q.execute();
}

/**
 * Face samples of the active pack per employee: the `faceSamples` number on every employee. Before the
 * pack is known (or with recognition disabled) every sample counts, so nobody looks unenrolled by accident.
 */
export async function countFaceSamples(
  db: Executor,
  orgId: string,
  employeeIds: readonly string[],
): Promise<Map<string, number>> {
  const counts = new Map<string, number>(employeeIds.map((id) => [id, 0]));
  if (employeeIds.length === 0) return counts;
  const pack = await activeFacePack();
  for (let i = 0; i < employeeIds.length; i += 500) {
    let q = db
      .selectFrom('faceSamples')
      .select(['employeeId', sql<number>`count(*)`.as('n')])
      .where('organizationId', '=', orgId)
      .where('status', '=', 'approved')
      .where('employeeId', 'in', employeeIds.slice(i, i + 500));
    if (pack) q = q.where('pack', '=', pack);
    for (const row of await q.groupBy('employeeId').execute()) counts.set(row.employeeId, Number(row.n));
  }
  return counts;
}

/** Per employee and pack: how many approved samples, and how many keep an aligned crop (re-embeddable). */
export async function sampleCountsByPack(db: Executor, orgId: string) {
  const rows = await db
    .selectFrom('faceSamples')
    .select([
      'employeeId',
      'pack',
      sql<number>`count(*)`.as('n'),
      sql<number>`sum(case when aligned_crop is not null then 1 else 0 end)`.as('withCrop'),
    ])
    .where('organizationId', '=', orgId)
    .where('status', '=', 'approved')
    .groupBy(['employeeId', 'pack'])
    .execute();
  return rows.map((r) => ({ ...r, n: Number(r.n), withCrop: Number(r.withCrop) }));
}
