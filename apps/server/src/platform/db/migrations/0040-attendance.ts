import type { HadirMigration } from './helpers.js';

/**
 * Attendance records (issue 10): raw events, derived days, shift types and assignments, holiday
 * calendars and corrections. `attendance_sequences` hands out one increasing number per organization
 * to every event and day change; taking it row-locks the counter until commit, so commit order equals
 * sequence order and a cursor over `seq` never skips a change that commits late.
 */
export const attendance: HadirMigration = {
  name: '0040_attendance',
  async up({ db, t }) {
    await db.schema
      .createTable('attendance_sequences')
      .addColumn('organization_id', t.id, (c) =>
        c.primaryKey().references('organizations.id').onDelete('cascade'),
      )
      .addColumn('last_seq', t.bigint, (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('attendance_events')
      .addColumn('id', t.id, (c) => c.primaryKey())
      .addColumn('organization_id', t.id, (c) =>
        c.notNull().references('organizations.id').onDelete('cascade'),
      )
      .addColumn('employee_id', t.id, (c) => c.notNull().references('employees.id').onDelete('cascade'))
      .addColumn('occurred_at', t.bigint, (c) => c.notNull())
      .addColumn('kind', t.text, (c) => c.notNull())
      .addColumn('source', t.text, (c) => c.notNull())
      .addColumn('label', t.text)
      .addColumn('recorded_by', t.id)
      .addColumn('device_id', t.text)
      .addColumn('client_id', t.text)
      .addColumn('score', t.real)
      .addColumn('snapshot_id', t.text)
      .addColumn('idempotency_key', t.text, (c) => c.notNull())
      .addColumn('seq', t.bigint, (c) => c.notNull())
      .addColumn('created_at', t.bigint, (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('attendance_events_key_ux')
      .on('attendance_events')
      .columns(['organization_id', 'idempotency_key'])
      .unique()
      .execute();
    await db.schema
      .createIndex('attendance_events_emp_ix')
      .on('attendance_events')
      .columns(['organization_id', 'employee_id', 'occurred_at'])
      .execute();
    await db.schema
      .createIndex('attendance_events_seq_ix')
      .on('attendance_events')
      .columns(['organization_id', 'seq'])
      .execute();

    await db.schema
      .createTable('attendance_days')
      .addColumn('id', t.id, (c) => c.primaryKey())
      .addColumn('organization_id', t.id, (c) =>
        c.notNull().references('organizations.id').onDelete('cascade'),
      )
      .addColumn('employee_id', t.id, (c) => c.notNull().references('employees.id').onDelete('cascade'))
      .addColumn('work_date', t.text, (c) => c.notNull())
      .addColumn('shift_type_id', t.id)
      .addColumn('check_in', t.bigint)
      .addColumn('check_out', t.bigint)
      .addColumn('worked_minutes', t.int, (c) => c.notNull())
      .addColumn('break_minutes', t.int, (c) => c.notNull())
      .addColumn('late_minutes', t.int, (c) => c.notNull())
      .addColumn('early_leave_minutes', t.int, (c) => c.notNull())
      .addColumn('status', t.text, (c) => c.notNull())
      .addColumn('reason', t.text, (c) => c.notNull())
      .addColumn('sources', t.text, (c) => c.notNull())
      .addColumn('version', t.int, (c) => c.notNull())
      .addColumn('changed_seq', t.bigint, (c) => c.notNull())
      .addColumn('computed_at', t.bigint, (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('attendance_days_emp_ux')
      .on('attendance_days')
      .columns(['organization_id', 'employee_id', 'work_date'])
      .unique()
      .execute();
    await db.schema
      .createIndex('attendance_days_date_ix')
      .on('attendance_days')
      .columns(['organization_id', 'work_date', 'employee_id'])
      .execute();
    await db.schema
      .createIndex('attendance_days_seq_ix')
      .on('attendance_days')
      .columns(['organization_id', 'changed_seq'])
      .execute();

    await db.schema
      .createTable('shift_types')
      .addColumn('id', t.id, (c) => c.primaryKey())
      .addColumn('organization_id', t.id, (c) =>
        c.notNull().references('organizations.id').onDelete('cascade'),
      )
      .addColumn('name', t.text, (c) => c.notNull())
      .addColumn('definition', t.text, (c) => c.notNull())
      .addColumn('created_at', t.bigint, (c) => c.notNull())
      .addColumn('updated_at', t.bigint, (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('shift_types_name_ux')
      .on('shift_types')
      .columns(['organization_id', 'name'])
      .unique()
      .execute();

    await db.schema
      .createTable('shift_assignments')
      .addColumn('id', t.id, (c) => c.primaryKey())
      .addColumn('organization_id', t.id, (c) =>
        c.notNull().references('organizations.id').onDelete('cascade'),
      )
      .addColumn('employee_id', t.id, (c) => c.references('employees.id').onDelete('cascade'))
      .addColumn('department_id', t.id, (c) => c.references('departments.id').onDelete('cascade'))
      .addColumn('effective_from', t.text, (c) => c.notNull())
      .addColumn('effective_to', t.text)
      .addColumn('pattern', t.text, (c) => c.notNull())
      .addColumn('created_at', t.bigint, (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('shift_assignments_org_ix')
      .on('shift_assignments')
      .columns(['organization_id', 'effective_from'])
      .execute();

    await db.schema
      .createTable('holiday_calendars')
      .addColumn('id', t.id, (c) => c.primaryKey())
      .addColumn('organization_id', t.id, (c) =>
        c.notNull().references('organizations.id').onDelete('cascade'),
      )
      .addColumn('site_id', t.id, (c) => c.references('sites.id').onDelete('cascade'))
      .addColumn('name', t.text, (c) => c.notNull())
      .addColumn('created_at', t.bigint, (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('holidays')
      .addColumn('id', t.id, (c) => c.primaryKey())
      .addColumn('organization_id', t.id, (c) =>
        c.notNull().references('organizations.id').onDelete('cascade'),
      )
      .addColumn('calendar_id', t.id, (c) =>
        c.notNull().references('holiday_calendars.id').onDelete('cascade'),
      )
      .addColumn('date', t.text, (c) => c.notNull())
      .addColumn('name', t.text, (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('holidays_calendar_date_ux')
      .on('holidays')
      .columns(['calendar_id', 'date'])
      .unique()
      .execute();
    await db.schema
      .createIndex('holidays_org_date_ix')
      .on('holidays')
      .columns(['organization_id', 'date'])
      .execute();

    await db.schema
      .createTable('attendance_corrections')
      .addColumn('id', t.id, (c) => c.primaryKey())
      .addColumn('organization_id', t.id, (c) =>
        c.notNull().references('organizations.id').onDelete('cascade'),
      )
      .addColumn('employee_id', t.id, (c) => c.notNull().references('employees.id').onDelete('cascade'))
      .addColumn('work_date', t.text, (c) => c.notNull())
      .addColumn('check_in', t.bigint)
      .addColumn('check_out', t.bigint)
      .addColumn('status', t.text)
      .addColumn('note', t.text, (c) => c.notNull())
      .addColumn('kind', t.text, (c) => c.notNull())
      .addColumn('state', t.text, (c) => c.notNull())
      .addColumn('requested_by', t.id, (c) => c.notNull())
      .addColumn('decided_by', t.id)
      .addColumn('decided_at', t.bigint)
      .addColumn('decision_comment', t.text)
      .addColumn('created_at', t.bigint, (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('attendance_corrections_day_ix')
      .on('attendance_corrections')
      .columns(['organization_id', 'employee_id', 'work_date'])
      .execute();
    await db.schema
      .createIndex('attendance_corrections_state_ix')
      .on('attendance_corrections')
      .columns(['organization_id', 'state', 'created_at'])
      .execute();
  },
};
