import type { Kysely } from 'kysely';
import type { DB } from '../../platform/db/schema.js';
import type { AuthContext } from '../../platform/http/auth-context.js';
import { forbidden, notFound } from '../../platform/http/errors.js';
import { recordAudit } from '../audit/index.js';

/**
 * The operator right: creating organizations (and becoming their admin) belongs to whoever runs the
 * installation, not to every signed-in person. The setup wizard's admin is the first operator; an
 * operator may grant or withdraw the right for users of an organization they are in. API tokens never
 * hold it (the routes are session-only).
 */
export async function isOperator(db: Kysely<DB>, auth: AuthContext | null): Promise<boolean> {
  if (auth?.kind !== 'session' || !auth.userId) return false;
  const row = await db
    .selectFrom('users')
    .select('isOperator')
    .where('id', '=', auth.userId)
    .executeTakeFirst();
  return row?.isOperator === 1;
}

export async function setOperator(
  db: Kysely<DB>,
  now: number,
  auth: AuthContext,
  orgId: string,
  userId: string,
  operator: boolean,
): Promise<void> {
  if (!(await isOperator(db, auth))) {
    throw forbidden('Only an operator of this installation may grant or withdraw the operator right');
  }
  await db.transaction().execute(async (trx) => {
    // Only users of the caller's organization: anyone else is "not found", like every other id.
    const member = await trx
      .selectFrom('memberships')
      .select('id')
      .where('userId', '=', userId)
      .where('organizationId', '=', orgId)
      .executeTakeFirst();
    if (!member) throw notFound('User');
    if (!operator && userId === auth.userId) {
      throw forbidden('You cannot withdraw your own operator right; ask another operator');
    }
    await trx
      .updateTable('users')
      .set({ isOperator: operator ? 1 : 0, updatedAt: now })
      .where('id', '=', userId)
      .execute();
    await recordAudit(trx, now, {
      organizationId: orgId,
      actor: auth,
      action: operator ? 'user.operator_granted' : 'user.operator_revoked',
      entityType: 'user',
      entityId: userId,
      summary: operator ? 'Granted the operator right' : 'Withdrew the operator right',
    });
  });
}
