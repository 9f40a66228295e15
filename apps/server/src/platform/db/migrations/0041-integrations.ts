import type { HadirMigration } from './helpers.js';

/**
 * ERP and device integration (issue 10): signed webhook endpoints with their delivery log (the outbox
 * the job runner retries from), and the per-organization batch export settings. External check-ins need
 * no table of their own: they are attendance events whose idempotency key the pusher chooses.
 */
export const integrations: HadirMigration = {
  name: '0041_integrations',
  async up({ db, t }) {
    await db.schema
      .createTable('webhook_endpoints')
      .addColumn('id', t.id, (c) => c.primaryKey())
      .addColumn('organization_id', t.id, (c) =>
        c.notNull().references('organizations.id').onDelete('cascade'),
      )
      .addColumn('name', t.text, (c) => c.notNull())
      .addColumn('url', t.text, (c) => c.notNull())
      .addColumn('secret', t.text, (c) => c.notNull())
      .addColumn('events', t.text, (c) => c.notNull())
      .addColumn('active', t.int, (c) => c.notNull())
      // The last attendance change sequence turned into deliveries: the fan-out resumes from here.
      .addColumn('cursor_seq', t.bigint, (c) => c.notNull())
      .addColumn('created_by', t.id)
      .addColumn('created_at', t.bigint, (c) => c.notNull())
      .addColumn('updated_at', t.bigint, (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('webhook_endpoints_org_ix')
      .on('webhook_endpoints')
      .columns(['organization_id', 'created_at'])
      .execute();

    await db.schema
      .createTable('webhook_deliveries')
      .addColumn('id', t.id, (c) => c.primaryKey())
      .addColumn('organization_id', t.id, (c) =>
        c.notNull().references('organizations.id').onDelete('cascade'),
      )
      .addColumn('endpoint_id', t.id, (c) =>
        c.notNull().references('webhook_endpoints.id').onDelete('cascade'),
      )
      .addColumn('event', t.text, (c) => c.notNull())
      .addColumn('seq', t.bigint, (c) => c.notNull())
      .addColumn('payload', t.text, (c) => c.notNull())
      .addColumn('status', t.text, (c) => c.notNull())
      .addColumn('attempts', t.int, (c) => c.notNull())
      .addColumn('last_status_code', t.int)
      .addColumn('last_error', t.text)
      .addColumn('created_at', t.bigint, (c) => c.notNull())
      .addColumn('last_attempt_at', t.bigint)
      .addColumn('delivered_at', t.bigint)
      .execute();
    await db.schema
      .createIndex('webhook_deliveries_endpoint_ix')
      .on('webhook_deliveries')
      .columns(['organization_id', 'endpoint_id', 'created_at'])
      .execute();

    await db.schema
      .createTable('integration_settings')
      .addColumn('organization_id', t.id, (c) =>
        c.primaryKey().references('organizations.id').onDelete('cascade'),
      )
      .addColumn('export_enabled', t.int, (c) => c.notNull())
      .addColumn('export_folder', t.text, (c) => c.notNull())
      .addColumn('export_time', t.text, (c) => c.notNull())
      .addColumn('export_layouts', t.text, (c) => c.notNull())
      .addColumn('last_export_date', t.text)
      .addColumn('last_export_at', t.bigint)
      .addColumn('last_export_error', t.text)
      .addColumn('updated_at', t.bigint, (c) => c.notNull())
      .execute();
  },
};
