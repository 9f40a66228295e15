import type { HadirMigration } from './helpers.js';

/**
 * Custom roles per organization (issue 11): a named set of the existing permissions, assigned to users
 * alongside the five built-in roles. A membership with a custom role keeps `role` as its built-in base
 * (member) for the mobile app and takes its permissions from the custom role instead.
 */
export const customRoles: HadirMigration = {
  name: '0085_custom_roles',
  async up({ db, t }) {
    await db.schema
      .createTable('custom_roles')
      .addColumn('id', t.id, (c) => c.primaryKey())
      .addColumn('organization_id', t.id, (c) =>
        c.notNull().references('organizations.id').onDelete('cascade'),
      )
      .addColumn('name', t.text, (c) => c.notNull())
      .addColumn('description', t.text)
      /** JSON array of permission names. */
      .addColumn('permissions', t.text, (c) => c.notNull())
      .addColumn('created_by', t.id)
      .addColumn('created_at', t.bigint, (c) => c.notNull())
      .addColumn('updated_at', t.bigint, (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('custom_roles_name_ux')
      .on('custom_roles')
      .columns(['organization_id', 'name'])
      .unique()
      .execute();
    await db.schema
      .alterTable('memberships')
      .addColumn('custom_role_id', t.id, (c) => c.references('custom_roles.id'))
      .execute();
  },
};
