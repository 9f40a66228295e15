import { addDays, localDate, type ExpectedWorkRules } from '@hadir/domain';
import type { OrganizationSettings } from '@hadir/contracts';
import type { ServerContext } from '../../context.js';
import { loadHolidays, loadRoster } from './attendance.repository.js';
import type { LeaveSource } from './leave-source.js';

/**
 * The attendance rules in force around an instant (shift types, assignments and rosters, holidays and
 * approved leave of yesterday and today), for presence to decide who is due at work now. The same
 * loaders feed the day derivation, so an alert and the attendance day never disagree about a shift.
 */
export class WorkRulesService {
  constructor(
    private readonly ctx: ServerContext,
    private readonly leave: () => LeaveSource,
  ) {}

  async rulesAt(
    organizationId: string,
    settings: OrganizationSettings,
    nowMs: number,
  ): Promise<ExpectedWorkRules> {
    const tz = settings.timeZone;
    const today = localDate(tz, nowMs);
    const yesterday = addDays(today, -1);
    const { shiftTypes, assignments } = await loadRoster(this.ctx.db, organizationId, settings);
    const holidays = await loadHolidays(this.ctx.db, organizationId, yesterday, today);
    const leave = await this.leave().approvedLeave(organizationId, yesterday, today);
    return { timeZone: tz, shiftTypes, assignments, holidays, leave };
  }
}
