import type { AuthContext } from '../../platform/http/auth-context.js';
import { isValidLocalDate } from '@hadir/domain';
import type { ServerContext } from '../../context.js';
import { badRequest, conflict, notFound } from '../../platform/http/errors.js';
import { newId } from '../../platform/ids/ids.js';
import { recordAudit } from '../audit/index.js';
import type { Executor } from './attendance.repository.js';
import { parseHolidayCsv, parseHolidayIcs, type ParsedHoliday } from './holiday-files.js';
import { NATIONAL_HOLIDAY_SETS, type NationalHolidaySetId } from './national-holidays.js';

export interface HolidayCalendarView {
  id: string;
  name: string;
  siteId: string | null;
  holidays: { date: string; name: string }[];
}

type Actor = Pick<AuthContext, 'userId' | 'tokenId'> | null;

/** Holiday calendars per organization (siteId null) or per site; days are added, never duplicated. */
export class HolidaysService {
  constructor(private readonly ctx: ServerContext) {}

  async list(organizationId: string): Promise<HolidayCalendarView[]> {
    const calendars = await this.ctx.db
      .selectFrom('holidayCalendars')
      .select(['id', 'name', 'siteId'])
      .where('organizationId', '=', organizationId)
      .orderBy('name')
      .execute();
    const days = await this.ctx.db
      .selectFrom('holidays')
      .select(['calendarId', 'date', 'name'])
      .where('organizationId', '=', organizationId)
      .orderBy('date')
      .execute();
    return calendars.map((c) => ({
      ...c,
      holidays: days.filter((d) => d.calendarId === c.id).map((d) => ({ date: d.date, name: d.name })),
    }));
  }

  async createCalendar(
    organizationId: string,
    input: { name: string; siteId: string | null },
    actor: Actor,
  ): Promise<{ id: string }> {
    const name = input.name.trim();
    if (name.length < 1 || name.length > 120)
      throw badRequest('invalid_name', 'The name needs 1 to 120 characters');
    if (input.siteId !== null) {
      const site = await this.ctx.db
        .selectFrom('sites')
        .select('id')
        .where('organizationId', '=', organizationId)
        .where('id', '=', input.siteId)
        .executeTakeFirst();
      if (!site) throw notFound('Site');
    }
    const now = this.ctx.clock.nowMs();
    const id = newId(now);
    await this.ctx.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('holidayCalendars')
        .values({ id, organizationId, siteId: input.siteId, name, createdAt: now })
        .execute();
      await recordAudit(trx, now, {
        organizationId,
        actor,
        action: 'holiday_calendar.created',
        entityType: 'holiday_calendar',
        entityId: id,
        summary: `Holiday calendar "${name}" created`,
      });
    });
    return { id };
  }

  /** Renames a calendar. */
  async renameCalendar(organizationId: string, id: string, nameIn: string, actor: Actor): Promise<void> {
    const name = nameIn.trim();
    if (name.length < 1 || name.length > 120)
      throw badRequest('invalid_name', 'The name needs 1 to 120 characters');
    const now = this.ctx.clock.nowMs();
    await this.ctx.db.transaction().execute(async (trx) => {
      const before = await this.calendarRow(trx, organizationId, id);
      await trx
        .updateTable('holidayCalendars')
        .set({ name })
        .where('organizationId', '=', organizationId)
        .where('id', '=', id)
        .execute();
      await recordAudit(trx, now, {
        organizationId,
        actor,
        action: 'holiday_calendar.renamed',
        entityType: 'holiday_calendar',
        entityId: id,
        summary: `Holiday calendar "${before.name}" renamed to "${name}"`,
      });
    });
  }

  /** Deletes a calendar and its days (recompute a period to apply that to stored days). */
  async deleteCalendar(organizationId: string, id: string, actor: Actor): Promise<void> {
    const now = this.ctx.clock.nowMs();
    await this.ctx.db.transaction().execute(async (trx) => {
      const before = await this.calendarRow(trx, organizationId, id);
      const days = await trx
        .selectFrom('holidays')
        .select(['date', 'name'])
        .where('calendarId', '=', id)
        .orderBy('date')
        .execute();
      await trx
        .deleteFrom('holidays')
        .where('organizationId', '=', organizationId)
        .where('calendarId', '=', id)
        .execute();
      await trx
        .deleteFrom('holidayCalendars')
        .where('organizationId', '=', organizationId)
        .where('id', '=', id)
        .execute();
      await recordAudit(trx, now, {
        organizationId,
        actor,
        action: 'holiday_calendar.deleted',
        entityType: 'holiday_calendar',
        entityId: id,
        summary: `Holiday calendar "${before.name}" deleted with ${days.length} holidays`,
        changes: { holidays: days },
      });
    });
  }

  /** Moves and/or renames one holiday of a calendar; another holiday already on the new date refuses. */
  async updateHoliday(
    organizationId: string,
    calendarId: string,
    date: string,
    input: { date: string; name: string },
    actor: Actor,
  ): Promise<void> {
    const name = input.name.trim();
    if (name.length < 1 || name.length > 120)
      throw badRequest('invalid_name', 'The name needs 1 to 120 characters');
    if (!isValidLocalDate(input.date)) throw badRequest('invalid_date', 'date must be YYYY-MM-DD');
    const now = this.ctx.clock.nowMs();
    await this.ctx.db.transaction().execute(async (trx) => {
      const calendar = await this.calendarRow(trx, organizationId, calendarId);
      const before = await this.holidayRow(trx, organizationId, calendarId, date);
      if (input.date !== date) {
        const clash = await trx
          .selectFrom('holidays')
          .select('id')
          .where('calendarId', '=', calendarId)
          .where('date', '=', input.date)
          .executeTakeFirst();
        if (clash)
          throw conflict('duplicate_date', `"${calendar.name}" already has a holiday on ${input.date}`);
      }
      await trx
        .updateTable('holidays')
        .set({ date: input.date, name })
        .where('organizationId', '=', organizationId)
        .where('id', '=', before.id)
        .execute();
      await recordAudit(trx, now, {
        organizationId,
        actor,
        action: 'holiday.updated',
        entityType: 'holiday_calendar',
        entityId: calendarId,
        summary: `Holiday ${before.date} "${before.name}" in "${calendar.name}" is now ${input.date} "${name}"`,
        changes: { before: { date: before.date, name: before.name }, after: { date: input.date, name } },
      });
    });
  }

  async deleteHoliday(organizationId: string, calendarId: string, date: string, actor: Actor): Promise<void> {
    const now = this.ctx.clock.nowMs();
    await this.ctx.db.transaction().execute(async (trx) => {
      const calendar = await this.calendarRow(trx, organizationId, calendarId);
      const before = await this.holidayRow(trx, organizationId, calendarId, date);
      await trx
        .deleteFrom('holidays')
        .where('organizationId', '=', organizationId)
        .where('id', '=', before.id)
        .execute();
      await recordAudit(trx, now, {
        organizationId,
        actor,
        action: 'holiday.deleted',
        entityType: 'holiday_calendar',
        entityId: calendarId,
        summary: `Holiday ${before.date} "${before.name}" removed from "${calendar.name}"`,
      });
    });
  }

  private async calendarRow(trx: Executor, organizationId: string, id: string) {
    const row = await trx
      .selectFrom('holidayCalendars')
      .select(['id', 'name'])
      .where('organizationId', '=', organizationId)
      .where('id', '=', id)
      .executeTakeFirst();
    if (!row) throw notFound('Holiday calendar');
    return row;
  }

  private async holidayRow(trx: Executor, organizationId: string, calendarId: string, date: string) {
    const row = await trx
      .selectFrom('holidays')
      .select(['id', 'date', 'name'])
      .where('organizationId', '=', organizationId)
      .where('calendarId', '=', calendarId)
      .where('date', '=', date)
      .executeTakeFirst();
    if (!row) throw notFound('Holiday');
    return row;
  }

  /** Adds holidays to a calendar; a date already there keeps its name. Returns how many were added. */
  async addHolidays(
    organizationId: string,
    calendarId: string,
    holidays: readonly ParsedHoliday[],
    actor: Actor,
    how: string,
  ): Promise<{ added: number; skipped: number }> {
    const calendar = await this.ctx.db
      .selectFrom('holidayCalendars')
      .select(['id', 'name'])
      .where('organizationId', '=', organizationId)
      .where('id', '=', calendarId)
      .executeTakeFirst();
    if (!calendar) throw notFound('Holiday calendar');
    const now = this.ctx.clock.nowMs();
    return this.ctx.db.transaction().execute(async (trx) => {
      const existing = new Set(
        (await trx.selectFrom('holidays').select('date').where('calendarId', '=', calendarId).execute()).map(
          (r) => r.date,
        ),
      );
      let added = 0;
      for (const h of holidays) {
        if (existing.has(h.date)) continue;
        existing.add(h.date);
        await trx
          .insertInto('holidays')
          .values({ id: newId(now), organizationId, calendarId, date: h.date, name: h.name })
          .execute();
        added += 1;
      }
      await recordAudit(trx, now, {
        organizationId,
        actor,
        action: 'holiday_calendar.holidays_added',
        entityType: 'holiday_calendar',
        entityId: calendarId,
        summary: `${added} holidays added to "${calendar.name}" (${how})`,
      });
      return { added, skipped: holidays.length - added };
    });
  }

  /** Imports a CSV or .ics file; any bad line refuses the whole file with every problem listed. */
  async importFile(
    organizationId: string,
    calendarId: string,
    file: { filename: string; text: string },
    actor: Actor,
  ): Promise<{ added: number; skipped: number }> {
    const isIcs = /\.ics$/i.test(file.filename) || file.text.trimStart().startsWith('BEGIN:VCALENDAR');
    const parsed = isIcs ? parseHolidayIcs(file.text) : parseHolidayCsv(file.text);
    if (parsed.errors.length > 0)
      throw badRequest('invalid_holiday_file', 'The file has problems; nothing was imported', parsed.errors);
    if (parsed.holidays.length === 0) throw badRequest('empty_holiday_file', 'The file lists no holidays');
    return this.addHolidays(organizationId, calendarId, parsed.holidays, actor, isIcs ? 'iCalendar' : 'CSV');
  }

  async loadNational(
    organizationId: string,
    calendarId: string,
    setId: NationalHolidaySetId,
    actor: Actor,
  ): Promise<{ added: number; skipped: number }> {
    const set = NATIONAL_HOLIDAY_SETS[setId];
    return this.addHolidays(organizationId, calendarId, set.holidays, actor, set.name);
  }
}
