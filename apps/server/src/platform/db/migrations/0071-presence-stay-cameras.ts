import { sql } from 'kysely';
import type { HadirMigration } from './helpers.js';

/**
 * A person's stay is one presence interval while any camera keeps seeing them within the absence
 * window (overlapping cameras used to start a new stay at every switch: dozens of "0 min" rows a
 * minute). The cameras that saw them during the stay are listed here, one row per stay and camera.
 * Existing stays get their one camera.
 */
export const presenceStayCameras: HadirMigration = {
  name: '0071_presence_stay_cameras',
  async up({ db, t }) {
    await db.schema
      .createTable('presence_stay_cameras')
      .addColumn('interval_id', t.id, (c) =>
        c.notNull().references('presence_intervals.id').onDelete('cascade'),
      )
      .addColumn('organization_id', t.id, (c) =>
        c.notNull().references('organizations.id').onDelete('cascade'),
      )
      .addColumn('camera_id', t.text, (c) => c.notNull())
      .addColumn('camera_name', t.text, (c) => c.notNull())
      .addColumn('first_seen_ts', t.bigint, (c) => c.notNull())
      .addColumn('last_seen_ts', t.bigint, (c) => c.notNull())
      .addColumn('sightings', t.int, (c) => c.notNull())
      .addPrimaryKeyConstraint('presence_stay_cameras_pk', ['interval_id', 'camera_id'])
      .execute();
    await db.schema
      .createIndex('presence_stay_cameras_camera_ix')
      .on('presence_stay_cameras')
      .columns(['organization_id', 'camera_id', 'interval_id'])
      .execute();
    await sql`
      insert into presence_stay_cameras
        (interval_id, organization_id, camera_id, camera_name, first_seen_ts, last_seen_ts, sightings)
      select id, organization_id, camera_id, camera_name, started_at, last_seen_ts, sightings
      from presence_intervals`.execute(db);
  },
};
