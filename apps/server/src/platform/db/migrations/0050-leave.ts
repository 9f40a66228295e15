import { sql } from 'kysely';
import { createPartialUniqueIndex, type HadirMigration } from './helpers.js';

/**
 * Leave (types, yearly allocations, requests and the days they cover) and the user ↔ employee link:
 * one user account per employee record in an organization.
 */
export const leave: HadirMigration = {
  name: '0050_leave',
  async up({ db, t }) {
    // A user is linked to at most one employee and an employee to at most one user, per organization.
    // Older versions allowed duplicates: the oldest link stays, later ones are cleared (not guessed).
    await sql`
      update memberships set employee_id = null
      where employee_id is not null and exists (
        select 1 from memberships m2
        where m2.organization_id = memberships.organization_id and m2.employee_id = memberships.employee_id
          and (m2.created_at < memberships.created_at or (m2.created_at = memberships.created_at and m2.id < memberships.id))
      )`.execute(db);
    await createPartialUniqueIndex(
      db,
      'memberships_org_employee_uq',
      'memberships',
      ['organization_id', 'employee_id'],
      'employee_id is not null',
    );

    await db.schema
      .createTable('leave_types')
      .addColumn('id', t.id, (c) => c.primaryKey())
      .addColumn('organization_id', t.id, (c) =>
        c.notNull().references('organizations.id').onDelete('cascade'),
      )
      .addColumn('code', t.text, (c) => c.notNull())
      .addColumn('name', t.text, (c) => c.notNull())
      .addColumn('paid', t.int, (c) => c.notNull())
      .addColumn('requires_attachment', t.int, (c) => c.notNull())
      .addColumn('allows_half_day', t.int, (c) => c.notNull())
      .addColumn('days_per_year', t.real)
      .addColumn('max_carry_over_days', t.real, (c) => c.notNull())
      .addColumn('archived', t.int, (c) => c.notNull())
      .addColumn('created_at', t.bigint, (c) => c.notNull())
      .addColumn('updated_at', t.bigint, (c) => c.notNull())
      .addUniqueConstraint('leave_types_org_name_uq', ['organization_id', 'name'])
      .execute();
    // Built-in kinds are seeded once per organization (concurrent first uses insert one row).
    await createPartialUniqueIndex(
      db,
      'leave_types_org_code_uq',
      'leave_types',
      ['organization_id', 'code'],
      "code <> 'custom'",
    );

    await db.schema
      .createTable('leave_allocations')
      .addColumn('id', t.id, (c) => c.primaryKey())
      .addColumn('organization_id', t.id, (c) =>
        c.notNull().references('organizations.id').onDelete('cascade'),
      )
      .addColumn('employee_id', t.id, (c) => c.notNull().references('employees.id').onDelete('cascade'))
      .addColumn('leave_type_id', t.id, (c) => c.notNull().references('leave_types.id').onDelete('cascade'))
      .addColumn('year', t.int, (c) => c.notNull())
      .addColumn('days', t.real, (c) => c.notNull())
      .addColumn('carried_days', t.real, (c) => c.notNull())
      .addColumn('created_at', t.bigint, (c) => c.notNull())
      .addColumn('updated_at', t.bigint, (c) => c.notNull())
      .addUniqueConstraint('leave_allocations_uq', [
        'organization_id',
        'employee_id',
        'leave_type_id',
        'year',
      ])
      .execute();

    await db.schema
      .createTable('leave_requests')
      .addColumn('id', t.id, (c) => c.primaryKey())
      .addColumn('organization_id', t.id, (c) =>
        c.notNull().references('organizations.id').onDelete('cascade'),
      )
      .addColumn('employee_id', t.id, (c) => c.notNull().references('employees.id').onDelete('cascade'))
      .addColumn('leave_type_id', t.id, (c) => c.notNull().references('leave_types.id'))
      .addColumn('from_date', t.text, (c) => c.notNull())
      .addColumn('to_date', t.text, (c) => c.notNull())
      .addColumn('portion', t.text, (c) => c.notNull())
      .addColumn('days', t.real, (c) => c.notNull())
      .addColumn('reason', t.text)
      .addColumn('status', t.text, (c) => c.notNull())
      .addColumn('requested_by_user_id', t.id)
      .addColumn('approver_employee_id', t.id)
      .addColumn('approver_user_id', t.id)
      .addColumn('decided_by_user_id', t.id)
      .addColumn('decided_at', t.bigint)
      .addColumn('decision_comment', t.text)
      // Relative to the data dir; never leaves through a presenter.
      .addColumn('attachment_path', t.text)
      .addColumn('attachment_name', t.text)
      .addColumn('attachment_type', t.text)
      .addColumn('attachment_size', t.int)
      .addColumn('created_at', t.bigint, (c) => c.notNull())
      .addColumn('updated_at', t.bigint, (c) => c.notNull())
      .execute();

    // One row per working day a request covers: overlap checks, calendars and attendance read these.
    await db.schema
      .createTable('leave_request_days')
      .addColumn('request_id', t.id, (c) => c.notNull().references('leave_requests.id').onDelete('cascade'))
      .addColumn('organization_id', t.id, (c) =>
        c.notNull().references('organizations.id').onDelete('cascade'),
      )
      .addColumn('employee_id', t.id, (c) => c.notNull())
      .addColumn('date', t.text, (c) => c.notNull())
      .addColumn('portion', t.text, (c) => c.notNull())
      .addColumn('days', t.real, (c) => c.notNull())
      .addColumn('status', t.text, (c) => c.notNull())
      .addPrimaryKeyConstraint('leave_request_days_pk', ['request_id', 'date'])
      .execute();

    const indexes: [string, string, string[]][] = [
      ['leave_types_org_ix', 'leave_types', ['organization_id']],
      ['leave_allocations_org_year_ix', 'leave_allocations', ['organization_id', 'year', 'leave_type_id']],
      ['leave_requests_org_employee_ix', 'leave_requests', ['organization_id', 'employee_id', 'from_date']],
      ['leave_requests_org_status_ix', 'leave_requests', ['organization_id', 'status', 'approver_user_id']],
      ['leave_request_days_org_date_ix', 'leave_request_days', ['organization_id', 'date', 'employee_id']],
      ['leave_request_days_employee_ix', 'leave_request_days', ['organization_id', 'employee_id', 'date']],
    ];
    for (const [name, table, columns] of indexes) {
      await db.schema.createIndex(name).on(table).columns(columns).execute();
    }
  },
};
