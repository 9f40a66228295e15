import type { Kysely, Transaction } from 'kysely';
import type { AuditEntry } from '@hadir/contracts';
import type { DB } from '../../platform/db/schema.js';
import { newId } from '../../platform/ids/ids.js';
import type { AuthContext } from '../../platform/http/auth-context.js';
import { toIso } from '../../platform/clock/clock.js';

export interface AuditRecord {
  organizationId: string;
  actor: Pick<AuthContext, 'userId' | 'tokenId'> | null;
  action: string;
  entityType: string;
  entityId?: string | null;
  summary: string;
  /** Field-level before/after; never embeddings or secrets. */
  changes?: unknown;
}

/** Records who changed what. Call it inside the same transaction as the change. */
export async function recordAudit(
  executor: Kysely<DB> | Transaction<DB>,
  nowMs: number,
  rec: AuditRecord,
): Promise<void> {
  await executor
    .insertInto('auditLog')
    .values({
      id: newId(nowMs),
      organizationId: rec.organizationId,
      at: nowMs,
      actorUserId: rec.actor?.userId ?? null,
      actorTokenId: rec.actor?.tokenId ?? null,
      action: rec.action,
      entityType: rec.entityType,
      entityId: rec.entityId ?? null,
      summary: rec.summary,
      changes: rec.changes === undefined ? null : JSON.stringify(rec.changes),
    })
    .execute();
}

/** Before/after of the fields that changed. */
export function diffFields<T extends Record<string, unknown>>(
  before: T,
  after: Partial<T>,
): Record<string, { from: unknown; to: unknown }> {
  const out: Record<string, { from: unknown; to: unknown }> = {};
  for (const [k, v] of Object.entries(after)) {
    if (v !== undefined && before[k] !== v) out[k] = { from: before[k] ?? null, to: v };
  }
  return out;
}

export async function listAudit(
  db: Kysely<DB>,
  organizationId: string,
  q: {
    page: number;
    pageSize: number;
    entityType?: string | undefined;
    entityId?: string | undefined;
    action?: string | undefined;
  },
): Promise<{ items: AuditEntry[]; total: number }> {
  let base = db.selectFrom('auditLog').where('auditLog.organizationId', '=', organizationId);
  if (q.entityType) base = base.where('auditLog.entityType', '=', q.entityType);
  if (q.entityId) base = base.where('auditLog.entityId', '=', q.entityId);
  if (q.action) base = base.where('auditLog.action', '=', q.action);
  const [rows, count] = await Promise.all([
    base
      .leftJoin('users', 'users.id', 'auditLog.actorUserId')
      .selectAll('auditLog')
      .select('users.name as actorName')
      .orderBy('auditLog.at', 'desc')
      .orderBy('auditLog.id', 'desc')
      .limit(q.pageSize)
      .offset((q.page - 1) * q.pageSize)
      .execute(),
    base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return {
    total: Number(count.n),
    items: rows.map((r) => ({
      id: r.id,
      at: toIso(r.at),
      actorUserId: r.actorUserId,
      actorName: r.actorName,
      action: r.action,
      entityType: r.entityType,
      entityId: r.entityId,
      summary: r.summary,
      changes: r.changes ? (JSON.parse(r.changes) as unknown) : null,
    })),
  };
}
