import type { HadirMigration } from './helpers.js';

/**
 * The quality of an enrolled face with its factors (issue 14 #3): a JSON object { sizePx, blur, yawDeg,
 * pitchDeg, brightness } measured at enrolment, so the samples list can show what a score is made of.
 * Older samples keep null and show their overall score only.
 */
export const faceSampleQuality: HadirMigration = {
  name: '0072_face_sample_quality',
  async up({ db, t }) {
    await db.schema.alterTable('face_samples').addColumn('quality_factors', t.text).execute();
  },
};
