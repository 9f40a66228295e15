import { sql } from 'kysely';
import type { HadirMigration } from './helpers.js';

/** Name, code, badge and email, one per line: what the employee search matches. */
const BODY = (row: 'new' | 'old') =>
  `${row}.name || char(10) || ${row}.employee_code || char(10) || coalesce(${row}.badge_id, '') || ` +
  `char(10) || coalesce(${row}.email, '')`;

/**
 * Security issue 9, item 11 on SQLite: substring search over employees scanned every row of the
 * organization, and since better-sqlite3 is synchronous the scan held the event loop (another
 * organization's list waited up to 2.6 s behind 10 searches over 100,000 employees). An FTS5 table with
 * the trigram tokenizer finds the candidate rows of a search of 3 characters or more from an index; the
 * search keeps its `like` conditions, so the answer is the same as before (see employee-search.ts). It
 * is keyed by the employees' rowid and kept by triggers. PostgreSQL has its trigram indexes (0039).
 */
export const sqliteEmployeeSearch: HadirMigration = {
  name: '0091_sqlite_employee_search',
  async up({ db, dialect }) {
    if (dialect !== 'sqlite') return;
    await sql`create virtual table employees_search using fts5(body, tokenize = 'trigram')`.execute(db);
    await sql
      .raw(
        `create trigger employees_search_ai after insert on employees begin
           insert into employees_search (rowid, body) values (new.rowid, ${BODY('new')});
         end`,
      )
      .execute(db);
    await sql
      .raw(
        `create trigger employees_search_ad after delete on employees begin
           delete from employees_search where rowid = old.rowid;
         end`,
      )
      .execute(db);
    await sql
      .raw(
        `create trigger employees_search_au after update of name, employee_code, badge_id, email
         on employees begin
           delete from employees_search where rowid = old.rowid;
           insert into employees_search (rowid, body) values (new.rowid, ${BODY('new')});
         end`,
      )
      .execute(db);
    await sql
      .raw(
        `insert into employees_search (rowid, body) select rowid, ${BODY('employees' as 'new')} from employees`,
      )
      .execute(db);
  },
};
