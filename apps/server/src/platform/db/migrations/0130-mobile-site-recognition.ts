import type { HadirMigration } from './helpers.js';

/**
 * The phone app's site rules, finished (issue 11): the organization turns geofence checks on or off
 * (on, as before, for organizations that already drew fences), and chooses whether an officer's capture
 * at a site recognizes only that site's members; a site can ask the same for itself.
 */
export const mobileSiteRecognition: HadirMigration = {
  name: '0130_mobile_site_recognition',
  async up({ db, t }) {
    await db.schema
      .alterTable('mobile_org_settings')
      .addColumn('geofence_checks', t.int, (c) => c.notNull().defaultTo(1))
      .execute();
    await db.schema
      .alterTable('mobile_org_settings')
      .addColumn('recognition_site_only', t.int, (c) => c.notNull().defaultTo(0))
      .execute();
    await db.schema
      .alterTable('sites')
      .addColumn('recognition_site_only', t.int, (c) => c.notNull().defaultTo(0))
      .execute();
  },
};
