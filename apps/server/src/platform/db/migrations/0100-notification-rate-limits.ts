import type { HadirMigration } from './helpers.js';

/**
 * WhatsApp rate limits shared across worker processes: one token bucket row per channel. A single-row
 * conditional upsert refills and takes a token atomically, so three workers on three machines together
 * stay within the channel's messages per second.
 */
export const notificationRateLimits: HadirMigration = {
  name: '0100_notification_rate_limits',
  async up({ db, t }) {
    await db.schema
      .createTable('notification_rate_limits')
      .addColumn('key', t.text, (c) => c.primaryKey())
      .addColumn('tokens', t.real, (c) => c.notNull())
      .addColumn('at_ms', t.bigint, (c) => c.notNull())
      .execute();
  },
};
