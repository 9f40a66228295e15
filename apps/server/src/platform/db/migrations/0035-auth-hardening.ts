import { sql } from 'kysely';
import type { HadirMigration } from './helpers.js';

/**
 * Security issue 9 (authentication):
 * - `users.is_operator`: creating organizations is an operator right. The first admin (the setup
 *   wizard) is an operator; on an existing installation the admins of the oldest organization are.
 * - `login_throttle`: failed sign-ins counted atomically per account (by the email typed, whether or not
 *   it exists, so the answers never tell accounts apart) and per client address, with a backoff.
 */
export const authHardening: HadirMigration = {
  name: '0035_auth_hardening',
  async up({ db, t }) {
    await db.schema
      .alterTable('users')
      .addColumn('is_operator', t.int, (c) => c.notNull().defaultTo(0))
      .execute();
    await sql`
      update users set is_operator = 1 where id in (
        select m.user_id from memberships m
        where m.role = 'admin' and m.organization_id = (
          select o.id from organizations o order by o.created_at, o.id limit 1
        )
      )`.execute(db);
    await db.schema
      .createTable('login_throttle')
      .addColumn('key', t.text, (c) => c.primaryKey())
      .addColumn('attempts', t.int, (c) => c.notNull().defaultTo(0))
      .addColumn('blocked_until', t.bigint)
      .addColumn('updated_at', t.bigint, (c) => c.notNull())
      .execute();
  },
};
