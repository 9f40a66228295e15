import type { HadirMigration } from './helpers.js';

export const notifications: HadirMigration = {
  name: '0020_notifications',
  async up({ db, t }) {
    await db.schema
      .createTable('notification_channels')
      .addColumn('id', t.id, (c) => c.primaryKey())
      .addColumn('organization_id', t.id, (c) =>
        c.notNull().references('organizations.id').onDelete('cascade'),
      )
      .addColumn('type', t.text, (c) => c.notNull())
      .addColumn('name', t.text, (c) => c.notNull())
      .addColumn('enabled', t.int, (c) => c.notNull())
      .addColumn('config', t.text, (c) => c.notNull())
      .addColumn('is_default', t.int, (c) => c.notNull())
      .addColumn('created_at', t.bigint, (c) => c.notNull())
      .addColumn('updated_at', t.bigint, (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('notification_channels_org_ix')
      .on('notification_channels')
      .column('organization_id')
      .execute();

    await db.schema
      .createTable('notifications')
      .addColumn('id', t.id, (c) => c.primaryKey())
      .addColumn('organization_id', t.id, (c) =>
        c.notNull().references('organizations.id').onDelete('cascade'),
      )
      // No foreign keys to channels/employees: the outbox is a record of what was sent, and keeps it.
      .addColumn('channel_id', t.id)
      .addColumn('kind', t.text, (c) => c.notNull())
      .addColumn('recipient_employee_id', t.id)
      .addColumn('recipient_user_id', t.id)
      .addColumn('subject_employee_id', t.id)
      .addColumn('to_number', t.text)
      .addColumn('locale', t.text, (c) => c.notNull())
      .addColumn('body', t.text, (c) => c.notNull())
      .addColumn('template', t.text)
      .addColumn('document_path', t.text)
      .addColumn('document_file_name', t.text)
      .addColumn('idempotency_key', t.text, (c) => c.notNull().unique())
      .addColumn('status', t.text, (c) => c.notNull())
      .addColumn('attempts', t.int, (c) => c.notNull())
      .addColumn('last_error', t.text)
      .addColumn('provider_message_id', t.text)
      .addColumn('related_alert_id', t.id)
      .addColumn('not_before', t.bigint, (c) => c.notNull())
      .addColumn('created_at', t.bigint, (c) => c.notNull())
      .addColumn('sent_at', t.bigint)
      .addColumn('delivered_at', t.bigint)
      .addColumn('read_at', t.bigint)
      .addColumn('failed_at', t.bigint)
      .addColumn('updated_at', t.bigint, (c) => c.notNull())
      .execute();
    const indexes: [string, string[]][] = [
      ['notifications_org_created_ix', ['organization_id', 'created_at']],
      ['notifications_org_status_ix', ['organization_id', 'status']],
      ['notifications_org_alert_ix', ['organization_id', 'related_alert_id']],
      ['notifications_cooldown_ix', ['organization_id', 'subject_employee_id', 'created_at']],
      ['notifications_provider_ix', ['provider_message_id']],
      ['notifications_status_updated_ix', ['status', 'updated_at']],
    ];
    for (const [name, columns] of indexes) {
      await db.schema.createIndex(name).on('notifications').columns(columns).execute();
    }

    await db.schema
      .createTable('notification_settings')
      .addColumn('organization_id', t.id, (c) =>
        c.primaryKey().references('organizations.id').onDelete('cascade'),
      )
      .addColumn('settings', t.text, (c) => c.notNull())
      .addColumn('updated_at', t.bigint, (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('whatsapp_contacts')
      .addColumn('channel_id', t.id, (c) =>
        c.notNull().references('notification_channels.id').onDelete('cascade'),
      )
      .addColumn('wa_number', t.text, (c) => c.notNull())
      .addColumn('last_inbound_at', t.bigint, (c) => c.notNull())
      .addPrimaryKeyConstraint('whatsapp_contacts_pk', ['channel_id', 'wa_number'])
      .execute();

    await db.schema
      .createTable('report_runs')
      .addColumn('id', t.id, (c) => c.primaryKey())
      .addColumn('organization_id', t.id, (c) =>
        c.notNull().references('organizations.id').onDelete('cascade'),
      )
      .addColumn('supervisor_employee_id', t.id, (c) => c.notNull())
      .addColumn('local_date', t.text, (c) => c.notNull())
      .addColumn('created_at', t.bigint, (c) => c.notNull())
      .addUniqueConstraint('report_runs_once_uq', ['organization_id', 'supervisor_employee_id', 'local_date'])
      .execute();
  },
};
