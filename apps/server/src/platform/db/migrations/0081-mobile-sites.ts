import type { HadirMigration } from './helpers.js';

/**
 * The phone app's second half (issue 11): per-site geofences (centre + radius; a site with one refuses
 * check-ins from outside), officers assigned to sites and the organization's choice to restrict them to
 * those sites, the consent recorded when an officer registers a member's face, and where a check-in was
 * made. The device PIN reuses `mobile_devices.pin_hash` (0080).
 */
export const mobileSites: HadirMigration = {
  name: '0081_mobile_sites',
  async up({ db, t }) {
    await db.schema
      .createTable('mobile_org_settings')
      .addColumn('organization_id', t.id, (c) =>
        c.primaryKey().references('organizations.id').onDelete('cascade'),
      )
      .addColumn('officers_restricted_to_sites', t.int, (c) => c.notNull())
      .addColumn('updated_at', t.bigint, (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('site_geofences')
      .addColumn('site_id', t.id, (c) => c.primaryKey().references('sites.id').onDelete('cascade'))
      .addColumn('organization_id', t.id, (c) =>
        c.notNull().references('organizations.id').onDelete('cascade'),
      )
      .addColumn('latitude', t.real, (c) => c.notNull())
      .addColumn('longitude', t.real, (c) => c.notNull())
      .addColumn('radius_m', t.real, (c) => c.notNull())
      .addColumn('updated_at', t.bigint, (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('officer_sites')
      .addColumn('id', t.id, (c) => c.primaryKey())
      .addColumn('organization_id', t.id, (c) =>
        c.notNull().references('organizations.id').onDelete('cascade'),
      )
      .addColumn('user_id', t.id, (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('site_id', t.id, (c) => c.notNull().references('sites.id').onDelete('cascade'))
      .addColumn('created_at', t.bigint, (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('officer_sites_ux')
      .on('officer_sites')
      .columns(['organization_id', 'user_id', 'site_id'])
      .unique()
      .execute();

    await db.schema
      .createTable('face_consents')
      .addColumn('id', t.id, (c) => c.primaryKey())
      .addColumn('organization_id', t.id, (c) =>
        c.notNull().references('organizations.id').onDelete('cascade'),
      )
      .addColumn('employee_id', t.id, (c) => c.notNull())
      .addColumn('recorded_by', t.id)
      .addColumn('consent_text', t.text, (c) => c.notNull())
      .addColumn('created_at', t.bigint, (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('face_consents_employee_ix')
      .on('face_consents')
      .columns(['organization_id', 'employee_id', 'created_at'])
      .execute();

    await db.schema
      .createTable('mobile_checkin_locations')
      .addColumn('event_id', t.id, (c) => c.primaryKey())
      .addColumn('organization_id', t.id, (c) =>
        c.notNull().references('organizations.id').onDelete('cascade'),
      )
      .addColumn('site_id', t.id)
      .addColumn('latitude', t.real, (c) => c.notNull())
      .addColumn('longitude', t.real, (c) => c.notNull())
      .addColumn('accuracy_m', t.real)
      .addColumn('distance_m', t.real)
      .addColumn('created_at', t.bigint, (c) => c.notNull())
      .execute();
  },
};
