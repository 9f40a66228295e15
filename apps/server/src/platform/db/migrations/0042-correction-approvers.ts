import type { HadirMigration } from './helpers.js';

/**
 * A regularization request is addressed like a leave request: to the first supervisor up the chain
 * with a user account who is not on leave (null = the organization's admins). Kept on the row so the
 * approvals inbox and the WhatsApp notice name the same person.
 */
export const correctionApprovers: HadirMigration = {
  name: '0042_correction_approvers',
  async up({ db, t }) {
    await db.schema
      .alterTable('attendance_corrections')
      .addColumn('approver_employee_id', t.id, (c) => c.references('employees.id').onDelete('set null'))
      .execute();
    await db.schema
      .alterTable('attendance_corrections')
      .addColumn('approver_user_id', t.id, (c) => c.references('users.id').onDelete('set null'))
      .execute();
  },
};
