import type { HadirMigration } from './helpers.js';

/**
 * When a dataset crop became an enrolment sample (epoch ms; null: never). Enrolment from a video person
 * now goes through the normal enrolment path, which embeds the crop again, so the crop itself remembers
 * it was sent and is not sent twice (issue 12).
 */
export const datasetFaceEnrolled: HadirMigration = {
  name: '0136_dataset_face_enrolled',
  async up({ db, t }) {
    await db.schema.alterTable('dataset_faces').addColumn('enrolled_at', t.bigint).execute();
  },
};
