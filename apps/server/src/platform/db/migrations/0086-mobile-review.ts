import type { HadirMigration } from './helpers.js';

/**
 * Review of attendance captured on the phone (issue 11): a mobile/officer event with a low score, a
 * liveness retry or device clock skew is flagged `pending`; a manager approves or rejects it, and a
 * rejected event no longer counts toward the day. Failed liveness attempts are remembered briefly so the
 * next success can be flagged as a retry.
 */
export const mobileReview: HadirMigration = {
  name: '0086_mobile_review',
  async up({ db, t }) {
    await db.schema.alterTable('attendance_events').addColumn('review', t.text).execute();
    await db.schema.alterTable('attendance_events').addColumn('flags', t.text).execute();
    await db.schema.alterTable('attendance_events').addColumn('reviewed_by', t.id).execute();
    await db.schema.alterTable('attendance_events').addColumn('reviewed_at', t.bigint).execute();
    await db.schema.alterTable('attendance_events').addColumn('review_note', t.text).execute();
    await db.schema
      .createIndex('attendance_events_review_ix')
      .on('attendance_events')
      .columns(['organization_id', 'source', 'occurred_at'])
      .execute();
    await db.schema
      .createTable('mobile_verify_failures')
      .addColumn('id', t.id, (c) => c.primaryKey())
      .addColumn('organization_id', t.id, (c) =>
        c.notNull().references('organizations.id').onDelete('cascade'),
      )
      .addColumn('employee_id', t.id, (c) => c.notNull())
      .addColumn('reason', t.text, (c) => c.notNull())
      .addColumn('created_at', t.bigint, (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('mobile_verify_failures_ix')
      .on('mobile_verify_failures')
      .columns(['organization_id', 'employee_id', 'created_at'])
      .execute();
  },
};
