import { createPartialUniqueIndex, type HadirMigration } from './helpers.js';

/**
 * Cameras (a mirror of camera_config/ for joins and status), presence intervals (one row per stay, not
 * per frame), the live presence state per employee, and alerts (absence episodes and camera outages).
 */
export const presence: HadirMigration = {
  name: '0010_presence',
  async up({ db, t }) {
    await db.schema
      .createTable('cameras')
      .addColumn('id', t.text, (c) => c.primaryKey())
      .addColumn('organization_id', t.id, (c) =>
        c.notNull().references('organizations.id').onDelete('cascade'),
      )
      .addColumn('name', t.text, (c) => c.notNull())
      .addColumn('area_id', t.id)
      .addColumn('enabled', t.int, (c) => c.notNull())
      .addColumn('config', t.text, (c) => c.notNull())
      .addColumn('status', t.text, (c) => c.notNull())
      .addColumn('updated_at', t.bigint, (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('cameras_org_ix')
      .on('cameras')
      .columns(['organization_id', 'name'])
      .execute();

    await db.schema
      .createTable('presence_intervals')
      .addColumn('id', t.id, (c) => c.primaryKey())
      .addColumn('organization_id', t.id, (c) =>
        c.notNull().references('organizations.id').onDelete('cascade'),
      )
      .addColumn('employee_id', t.id, (c) => c.notNull().references('employees.id').onDelete('cascade'))
      .addColumn('camera_id', t.text, (c) => c.notNull())
      .addColumn('camera_name', t.text, (c) => c.notNull())
      .addColumn('started_at', t.bigint, (c) => c.notNull())
      .addColumn('last_seen_ts', t.bigint, (c) => c.notNull())
      .addColumn('sightings', t.int, (c) => c.notNull())
      .addColumn('best_similarity', t.real, (c) => c.notNull())
      .addColumn('track_id', t.text)
      .addColumn('snapshot_id', t.text)
      .execute();
    await db.schema
      .createIndex('presence_intervals_emp_ix')
      .on('presence_intervals')
      .columns(['organization_id', 'employee_id', 'last_seen_ts'])
      .execute();
    await db.schema
      .createIndex('presence_intervals_org_ix')
      .on('presence_intervals')
      .columns(['organization_id', 'last_seen_ts'])
      .execute();

    await db.schema
      .createTable('employee_presence')
      .addColumn('employee_id', t.id, (c) => c.primaryKey().references('employees.id').onDelete('cascade'))
      .addColumn('organization_id', t.id, (c) =>
        c.notNull().references('organizations.id').onDelete('cascade'),
      )
      .addColumn('state', t.text, (c) => c.notNull())
      .addColumn('state_since', t.bigint, (c) => c.notNull())
      .addColumn('last_seen_ts', t.bigint)
      .addColumn('last_camera_id', t.text)
      .addColumn('last_camera_name', t.text)
      .addColumn('snapshot', t.text)
      .addColumn('updated_at', t.bigint, (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('employee_presence_org_ix')
      .on('employee_presence')
      .columns(['organization_id', 'state'])
      .execute();

    await db.schema
      .createTable('alerts')
      .addColumn('id', t.id, (c) => c.primaryKey())
      .addColumn('organization_id', t.id, (c) =>
        c.notNull().references('organizations.id').onDelete('cascade'),
      )
      .addColumn('kind', t.text, (c) => c.notNull())
      .addColumn('employee_id', t.id, (c) => c.references('employees.id').onDelete('cascade'))
      .addColumn('camera_id', t.text)
      .addColumn('camera_name', t.text)
      .addColumn('status', t.text, (c) => c.notNull())
      .addColumn('level', t.int, (c) => c.notNull())
      .addColumn('opened_at', t.bigint, (c) => c.notNull())
      .addColumn('last_seen_ts', t.bigint)
      .addColumn('acknowledged_by', t.text)
      .addColumn('acknowledged_at', t.bigint)
      .addColumn('escalated_at', t.bigint)
      .addColumn('resolved_at', t.bigint)
      .addColumn('resolution', t.text)
      .addColumn('message', t.text)
      .addColumn('episode', t.text, (c) => c.notNull())
      .addColumn('created_at', t.bigint, (c) => c.notNull())
      .addColumn('updated_at', t.bigint, (c) => c.notNull())
      .execute();
    await createPartialUniqueIndex(
      db,
      'alerts_open_absence_uq',
      'alerts',
      ['employee_id'],
      "status in ('open', 'acknowledged') and kind = 'absence'",
    );
    await createPartialUniqueIndex(
      db,
      'alerts_open_camera_uq',
      'alerts',
      ['camera_id'],
      "status in ('open', 'acknowledged') and kind = 'camera_down'",
    );
    await db.schema
      .createIndex('alerts_org_status_ix')
      .on('alerts')
      .columns(['organization_id', 'status', 'opened_at'])
      .execute();
    await db.schema
      .createIndex('alerts_org_opened_ix')
      .on('alerts')
      .columns(['organization_id', 'opened_at'])
      .execute();
  },
};
