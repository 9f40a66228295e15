import type { HadirMigration } from './helpers.js';

/**
 * Security issue 9, item 14 (enrolment abuse). A face sample added by someone who may only enrol
 * themselves is `pending` and is not matched until a reviewer approves it; every sample remembers who
 * submitted it and who reviewed it, and the best match against another employee at enrolment time
 * (when one passed the threshold and the enroller confirmed it), so the reviewer sees the warning too.
 * Existing samples are `approved`: they were enrolled under the rules of their time.
 */
export const faceSampleReview: HadirMigration = {
  name: '0038_face_sample_review',
  async up({ db, t }) {
    await db.schema
      .alterTable('face_samples')
      .addColumn('status', t.text, (c) => c.notNull().defaultTo('approved'))
      .execute();
    await db.schema.alterTable('face_samples').addColumn('submitted_by_user_id', t.id).execute();
    await db.schema.alterTable('face_samples').addColumn('reviewed_by_user_id', t.id).execute();
    await db.schema.alterTable('face_samples').addColumn('reviewed_at', t.bigint).execute();
    await db.schema.alterTable('face_samples').addColumn('duplicate_employee_id', t.id).execute();
    await db.schema.alterTable('face_samples').addColumn('duplicate_similarity', t.real).execute();
    await db.schema
      .createIndex('face_samples_org_status_ix')
      .on('face_samples')
      .columns(['organization_id', 'status'])
      .execute();
  },
};
