import type { HadirMigration } from './helpers.js';

/**
 * Named 0021 (not 0012): Kysely applies migrations sorted by name and refuses a database where a later
 * name (0020_notifications) already ran before an earlier one, so a new migration must sort last.
 *
 * An absence alert links the event snapshot of how the person was last seen. Retention deletes
 * snapshots after at most 30 days; the alert outlives it and simply loses the picture (set null).
 */
export const alertSnapshot: HadirMigration = {
  name: '0021_alert_snapshot',
  async up({ db, t }) {
    await db.schema
      .alterTable('alerts')
      .addColumn('snapshot_id', t.id, (c) => c.references('snapshots.id').onDelete('set null'))
      .execute();
  },
};
