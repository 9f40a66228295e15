import type { ServerContext } from '../../context.js';
import { AppError } from '../../platform/http/errors.js';
import type { AttendanceDaysService } from './attendance-days.service.js';

/** Re-derives an employee's days after their events changed; idempotent, so retries are harmless. */
export function registerAttendanceJobs(ctx: ServerContext, days: AttendanceDaysService): void {
  ctx.jobs.register('attendance.recompute', async (p) => {
    try {
      await days.recomputeEmployeeRange(p.organizationId, p.employeeId, p.fromDate, p.toDate);
    } catch (error) {
      // The employee (or organization) was deleted since: nothing is left to derive.
      if (error instanceof AppError && error.statusCode === 404) return;
      throw error;
    }
  });
}

declare module '../../platform/jobs/job-runner.js' {
  interface HadirJobs {
    'attendance.recompute': { organizationId: string; employeeId: string; fromDate: string; toDate: string };
  }
}
