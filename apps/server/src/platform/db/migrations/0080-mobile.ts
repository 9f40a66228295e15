import type { HadirMigration } from './helpers.js';

/**
 * The mobile attendance app (issue 11): registered devices with their signing key (sealed at rest) and
 * optional PIN, one row per synced record (the idempotency and result memory of sync), and the per-device
 * sync log managers read on the website.
 */
export const mobile: HadirMigration = {
  name: '0080_mobile',
  async up({ db, t }) {
    await db.schema
      .createTable('mobile_devices')
      .addColumn('id', t.id, (c) => c.primaryKey())
      .addColumn('organization_id', t.id, (c) =>
        c.notNull().references('organizations.id').onDelete('cascade'),
      )
      .addColumn('user_id', t.id, (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('name', t.text, (c) => c.notNull())
      .addColumn('key_sealed', t.text, (c) => c.notNull())
      .addColumn('pin_hash', t.text)
      .addColumn('created_at', t.bigint, (c) => c.notNull())
      .addColumn('last_sync_at', t.bigint)
      .addColumn('revoked_at', t.bigint)
      .addColumn('revoked_by', t.id)
      .execute();
    await db.schema
      .createIndex('mobile_devices_org_ix')
      .on('mobile_devices')
      .columns(['organization_id', 'created_at'])
      .execute();

    await db.schema
      .createTable('mobile_sync_records')
      .addColumn('id', t.id, (c) => c.primaryKey())
      .addColumn('organization_id', t.id, (c) =>
        c.notNull().references('organizations.id').onDelete('cascade'),
      )
      .addColumn('device_id', t.id, (c) => c.notNull().references('mobile_devices.id').onDelete('cascade'))
      .addColumn('client_id', t.text, (c) => c.notNull())
      .addColumn('employee_id', t.text)
      .addColumn('status', t.text, (c) => c.notNull())
      .addColumn('reason', t.text)
      .addColumn('score', t.real)
      .addColumn('event_id', t.id)
      .addColumn('created_at', t.bigint, (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('mobile_sync_records_client_ux')
      .on('mobile_sync_records')
      .columns(['organization_id', 'device_id', 'client_id'])
      .unique()
      .execute();

    await db.schema
      .createTable('attendance_sync_logs')
      .addColumn('id', t.id, (c) => c.primaryKey())
      .addColumn('organization_id', t.id, (c) =>
        c.notNull().references('organizations.id').onDelete('cascade'),
      )
      .addColumn('device_id', t.id, (c) => c.notNull().references('mobile_devices.id').onDelete('cascade'))
      .addColumn('synced_at', t.bigint, (c) => c.notNull())
      .addColumn('status', t.text, (c) => c.notNull())
      .addColumn('records_synced', t.int, (c) => c.notNull())
      .addColumn('records_failed', t.int, (c) => c.notNull())
      .addColumn('records_duplicate', t.int, (c) => c.notNull())
      .addColumn('clock_skew_ms', t.bigint, (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('attendance_sync_logs_device_ix')
      .on('attendance_sync_logs')
      .columns(['organization_id', 'device_id', 'synced_at'])
      .execute();
  },
};
