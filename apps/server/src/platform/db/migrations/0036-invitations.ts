import type { HadirMigration } from './helpers.js';

/**
 * Security issue 9, item 12: people join an organization by accepting an invitation, never by an admin
 * typing their email. The token is stored only as its SHA-256 hash; an invitation expires, is used once
 * (accepted_at) and can be revoked.
 */
export const invitations: HadirMigration = {
  name: '0036_invitations',
  async up({ db, t }) {
    await db.schema
      .createTable('invitations')
      .addColumn('id', t.id, (c) => c.primaryKey())
      .addColumn('organization_id', t.id, (c) =>
        c.notNull().references('organizations.id').onDelete('cascade'),
      )
      .addColumn('email', t.text, (c) => c.notNull())
      .addColumn('role', t.text, (c) => c.notNull())
      .addColumn('employee_id', t.id, (c) => c.references('employees.id').onDelete('set null'))
      .addColumn('token_hash', t.text, (c) => c.notNull().unique())
      .addColumn('invited_by_user_id', t.id)
      .addColumn('created_at', t.bigint, (c) => c.notNull())
      .addColumn('expires_at', t.bigint, (c) => c.notNull())
      .addColumn('accepted_at', t.bigint)
      .addColumn('accepted_user_id', t.id)
      .addColumn('revoked_at', t.bigint)
      .execute();
    await db.schema
      .createIndex('invitations_org_email_ix')
      .on('invitations')
      .columns(['organization_id', 'email'])
      .execute();
  },
};
