import type { HadirMigration } from './helpers.js';

/**
 * Indexes for the employee list at 5,000+ rows: every filter and sort of GET /api/employees leads with
 * organization_id, so each index does too. Search (`q`) is a substring match and scans the organization's
 * rows; at these sizes that stays in the low milliseconds.
 */
export const people: HadirMigration = {
  name: '0002_people',
  async up({ db }) {
    // Sorted lists order by (column, id): with id in the index the page is an index walk, not a sort.
    const indexes: [string, string, string[]][] = [
      ['employees_org_name_id_ix', 'employees', ['organization_id', 'name', 'id']],
      ['employees_org_status_ix', 'employees', ['organization_id', 'status', 'id']],
      ['employees_org_supervisor_ix', 'employees', ['organization_id', 'supervisor_id']],
      ['employees_org_created_ix', 'employees', ['organization_id', 'created_at', 'id']],
      ['employees_org_updated_ix', 'employees', ['organization_id', 'updated_at', 'id']],
      ['employees_position_ix', 'employees', ['position_id']],
      ['employees_area_ix', 'employees', ['area_id']],
      ['import_batches_org_ix', 'import_batches', ['organization_id', 'expires_at']],
    ];
    for (const [name, table, columns] of indexes) {
      await db.schema.createIndex(name).on(table).columns(columns).execute();
    }
  },
};
