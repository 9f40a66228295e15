import type { HadirMigration } from './helpers.js';

/**
 * When a video was recorded (epoch ms): from the file's creation_time metadata at upload, or entered by
 * the person who applies a model to it with attendance on (issue 12). Null when unknown, and then no
 * attendance is recorded from the video: an event needs a real instant.
 */
export const videoRecordedAt: HadirMigration = {
  name: '0135_video_recorded_at',
  async up({ db, t }) {
    await db.schema.alterTable('videos').addColumn('recorded_at', t.bigint).execute();
  },
};
