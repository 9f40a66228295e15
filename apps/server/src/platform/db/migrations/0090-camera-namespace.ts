import { sql } from 'kysely';
import type { HadirMigration } from './helpers.js';

/**
 * Camera ids are per organization (issue 9, item 16): two organizations may each have a camera `gate`.
 * The `cameras` mirror is keyed by (organization, id) instead of the id alone. SQLite cannot change a
 * primary key in place, so the table is rebuilt (rows copied; the registry rewrites them from the files
 * on its first scan anyway).
 */
export const cameraNamespace: HadirMigration = {
  name: '0090_camera_namespace',
  async up({ db, t }) {
    await db.schema
      .createTable('cameras_0090')
      .addColumn('id', t.text, (c) => c.notNull())
      .addColumn('organization_id', t.id, (c) =>
        c.notNull().references('organizations.id').onDelete('cascade'),
      )
      .addColumn('name', t.text, (c) => c.notNull())
      .addColumn('area_id', t.id)
      .addColumn('enabled', t.int, (c) => c.notNull())
      .addColumn('config', t.text, (c) => c.notNull())
      .addColumn('status', t.text, (c) => c.notNull())
      .addColumn('updated_at', t.bigint, (c) => c.notNull())
      .addPrimaryKeyConstraint('cameras_org_id_pk', ['organization_id', 'id'])
      .execute();
    await sql`
      insert into cameras_0090 (id, organization_id, name, area_id, enabled, config, status, updated_at)
      select id, organization_id, name, area_id, enabled, config, status, updated_at from cameras`.execute(
      db,
    );
    await db.schema.dropTable('cameras').execute();
    await db.schema.alterTable('cameras_0090').renameTo('cameras').execute();
    await db.schema
      .createIndex('cameras_org_ix')
      .on('cameras')
      .columns(['organization_id', 'name'])
      .execute();
  },
};
