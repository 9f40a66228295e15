import { createPartialUniqueIndex, type HadirMigration } from './helpers.js';

export const foundation: HadirMigration = {
  name: '0001_foundation',
  async up({ db, t }) {
    await db.schema
      .createTable('organizations')
      .addColumn('id', t.id, (c) => c.primaryKey())
      .addColumn('name', t.text, (c) => c.notNull())
      .addColumn('settings', t.text, (c) => c.notNull())
      .addColumn('created_at', t.bigint, (c) => c.notNull())
      .addColumn('updated_at', t.bigint, (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('sites')
      .addColumn('id', t.id, (c) => c.primaryKey())
      .addColumn('organization_id', t.id, (c) =>
        c.notNull().references('organizations.id').onDelete('cascade'),
      )
      .addColumn('name', t.text, (c) => c.notNull())
      .addColumn('address', t.text)
      .addColumn('created_at', t.bigint, (c) => c.notNull())
      .addUniqueConstraint('sites_org_name_uq', ['organization_id', 'name'])
      .execute();

    await db.schema
      .createTable('areas')
      .addColumn('id', t.id, (c) => c.primaryKey())
      .addColumn('organization_id', t.id, (c) =>
        c.notNull().references('organizations.id').onDelete('cascade'),
      )
      .addColumn('site_id', t.id, (c) => c.references('sites.id').onDelete('set null'))
      .addColumn('name', t.text, (c) => c.notNull())
      .addColumn('created_at', t.bigint, (c) => c.notNull())
      .addUniqueConstraint('areas_org_name_uq', ['organization_id', 'name'])
      .execute();

    for (const table of ['departments', 'positions']) {
      await db.schema
        .createTable(table)
        .addColumn('id', t.id, (c) => c.primaryKey())
        .addColumn('organization_id', t.id, (c) =>
          c.notNull().references('organizations.id').onDelete('cascade'),
        )
        .addColumn('name', t.text, (c) => c.notNull())
        .addColumn('created_at', t.bigint, (c) => c.notNull())
        .addUniqueConstraint(`${table}_org_name_uq`, ['organization_id', 'name'])
        .execute();
    }

    await db.schema
      .createTable('employees')
      .addColumn('id', t.id, (c) => c.primaryKey())
      .addColumn('organization_id', t.id, (c) =>
        c.notNull().references('organizations.id').onDelete('cascade'),
      )
      .addColumn('employee_code', t.text, (c) => c.notNull())
      .addColumn('badge_id', t.text)
      .addColumn('name', t.text, (c) => c.notNull())
      .addColumn('department_id', t.id, (c) => c.references('departments.id').onDelete('set null'))
      .addColumn('position_id', t.id, (c) => c.references('positions.id').onDelete('set null'))
      .addColumn('area_id', t.id, (c) => c.references('areas.id').onDelete('set null'))
      .addColumn('email', t.text)
      .addColumn('phone', t.text)
      .addColumn('whatsapp', t.text)
      .addColumn('supervisor_id', t.id, (c) => c.references('employees.id').onDelete('set null'))
      .addColumn('status', t.text, (c) => c.notNull())
      .addColumn('created_at', t.bigint, (c) => c.notNull())
      .addColumn('updated_at', t.bigint, (c) => c.notNull())
      .addUniqueConstraint('employees_org_code_uq', ['organization_id', 'employee_code'])
      .execute();
    await createPartialUniqueIndex(
      db,
      'employees_org_badge_uq',
      'employees',
      ['organization_id', 'badge_id'],
      'badge_id is not null',
    );
    await db.schema
      .createIndex('employees_org_name_ix')
      .on('employees')
      .columns(['organization_id', 'name'])
      .execute();
    await db.schema
      .createIndex('employees_org_dept_ix')
      .on('employees')
      .columns(['organization_id', 'department_id'])
      .execute();
    await db.schema
      .createIndex('employees_supervisor_ix')
      .on('employees')
      .columns(['supervisor_id'])
      .execute();

    await db.schema
      .createTable('users')
      .addColumn('id', t.id, (c) => c.primaryKey())
      .addColumn('email', t.text, (c) => c.notNull().unique())
      .addColumn('name', t.text, (c) => c.notNull())
      .addColumn('password_hash', t.text, (c) => c.notNull())
      .addColumn('locale', t.text, (c) => c.notNull())
      .addColumn('failed_logins', t.int, (c) => c.notNull().defaultTo(0))
      .addColumn('locked_until', t.bigint)
      .addColumn('created_at', t.bigint, (c) => c.notNull())
      .addColumn('updated_at', t.bigint, (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('memberships')
      .addColumn('id', t.id, (c) => c.primaryKey())
      .addColumn('user_id', t.id, (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('organization_id', t.id, (c) =>
        c.notNull().references('organizations.id').onDelete('cascade'),
      )
      .addColumn('role', t.text, (c) => c.notNull())
      .addColumn('employee_id', t.id, (c) => c.references('employees.id').onDelete('set null'))
      .addColumn('created_at', t.bigint, (c) => c.notNull())
      .addUniqueConstraint('memberships_user_org_uq', ['user_id', 'organization_id'])
      .execute();
    await db.schema.createIndex('memberships_org_ix').on('memberships').column('organization_id').execute();

    await db.schema
      .createTable('sessions')
      .addColumn('id', t.text, (c) => c.primaryKey())
      .addColumn('user_id', t.id, (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('organization_id', t.id, (c) => c.references('organizations.id').onDelete('set null'))
      .addColumn('csrf_token', t.text, (c) => c.notNull())
      .addColumn('created_at', t.bigint, (c) => c.notNull())
      .addColumn('expires_at', t.bigint, (c) => c.notNull())
      .addColumn('last_seen_at', t.bigint, (c) => c.notNull())
      .addColumn('ip', t.text)
      .addColumn('user_agent', t.text)
      .execute();
    await db.schema.createIndex('sessions_user_ix').on('sessions').column('user_id').execute();

    await db.schema
      .createTable('api_tokens')
      .addColumn('id', t.id, (c) => c.primaryKey())
      .addColumn('organization_id', t.id, (c) =>
        c.notNull().references('organizations.id').onDelete('cascade'),
      )
      .addColumn('name', t.text, (c) => c.notNull())
      .addColumn('token_hash', t.text, (c) => c.notNull().unique())
      .addColumn('prefix', t.text, (c) => c.notNull())
      .addColumn('scopes', t.text, (c) => c.notNull())
      .addColumn('created_by', t.id, (c) => c.references('users.id').onDelete('set null'))
      .addColumn('created_at', t.bigint, (c) => c.notNull())
      .addColumn('last_used_at', t.bigint)
      .addColumn('expires_at', t.bigint)
      .addColumn('revoked_at', t.bigint)
      .execute();

    await db.schema
      .createTable('audit_log')
      .addColumn('id', t.id, (c) => c.primaryKey())
      .addColumn('organization_id', t.id, (c) =>
        c.notNull().references('organizations.id').onDelete('cascade'),
      )
      .addColumn('at', t.bigint, (c) => c.notNull())
      .addColumn('actor_user_id', t.id)
      .addColumn('actor_token_id', t.id)
      .addColumn('action', t.text, (c) => c.notNull())
      .addColumn('entity_type', t.text, (c) => c.notNull())
      .addColumn('entity_id', t.text)
      .addColumn('summary', t.text, (c) => c.notNull())
      .addColumn('changes', t.text)
      .execute();
    await db.schema
      .createIndex('audit_org_at_ix')
      .on('audit_log')
      .columns(['organization_id', 'at'])
      .execute();

    await db.schema
      .createTable('jobs')
      .addColumn('id', t.id, (c) => c.primaryKey())
      .addColumn('organization_id', t.id)
      .addColumn('type', t.text, (c) => c.notNull())
      .addColumn('payload', t.text, (c) => c.notNull())
      .addColumn('status', t.text, (c) => c.notNull())
      .addColumn('run_at', t.bigint, (c) => c.notNull())
      .addColumn('attempts', t.int, (c) => c.notNull())
      .addColumn('max_attempts', t.int, (c) => c.notNull())
      .addColumn('last_error', t.text)
      .addColumn('idempotency_key', t.text, (c) => c.unique())
      .addColumn('locked_until', t.bigint)
      .addColumn('created_at', t.bigint, (c) => c.notNull())
      .addColumn('updated_at', t.bigint, (c) => c.notNull())
      .addColumn('finished_at', t.bigint)
      .execute();
    await db.schema.createIndex('jobs_due_ix').on('jobs').columns(['status', 'run_at']).execute();

    await db.schema
      .createTable('import_batches')
      .addColumn('id', t.id, (c) => c.primaryKey())
      .addColumn('organization_id', t.id, (c) =>
        c.notNull().references('organizations.id').onDelete('cascade'),
      )
      .addColumn('created_by', t.id)
      .addColumn('kind', t.text, (c) => c.notNull())
      .addColumn('rows', t.text, (c) => c.notNull())
      .addColumn('created_at', t.bigint, (c) => c.notNull())
      .addColumn('expires_at', t.bigint, (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('kv')
      .addColumn('key', t.text, (c) => c.primaryKey())
      .addColumn('value', t.text, (c) => c.notNull())
      .addColumn('updated_at', t.bigint, (c) => c.notNull())
      .execute();
  },
};
