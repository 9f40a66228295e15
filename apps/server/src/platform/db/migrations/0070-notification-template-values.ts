import type { HadirMigration } from './helpers.js';

/**
 * WhatsApp templates take their body parameters in the order the approved template declares, so the
 * pieces of a message (name, camera, duration, …) are kept beside its rendered text, as JSON rendered in
 * the recipient's language at enqueue time; delivery picks the ones its template asks for.
 */
export const notificationTemplateValues: HadirMigration = {
  name: '0070_notification_template_values',
  async up({ db, t }) {
    await db.schema.alterTable('notifications').addColumn('template_values', t.text).execute();
  },
};
