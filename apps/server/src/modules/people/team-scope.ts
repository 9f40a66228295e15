import { sql, type SqlBool } from 'kysely';
import type { Permission } from '@hadir/domain';
import type { TeamQueries } from './team.queries.js';

/**
 * Whose presence a caller may see: the whole organization, or a set of employees (their reporting
 * subtree). One rule for every presence read (live board, presence log and its exports, the analytics
 * presence log, snapshots, absence alerts) and for the live socket:
 * - `presence:view:all` (admins, or a custom role granted it) sees everyone;
 * - anyone else (managers, support, custom roles, API tokens without that scope) sees the employees
 *   below their own linked employee record, all levels down (`TeamQueries.teamOf`), and nobody when
 *   they are not linked to one.
 * A token acts for its creator: its team is the creator's team.
 */
export type TeamScope =
  { readonly all: true } | { readonly all: false; readonly employeeIds: ReadonlySet<string> };

export const WHOLE_ORGANIZATION: TeamScope = { all: true };

/** The caller as far as the rule needs it (an AuthContext fits). */
export interface ScopeCaller {
  userId: string | null;
  permissions: ReadonlySet<Permission>;
}

export function seesWholeOrganization(caller: ScopeCaller): boolean {
  return caller.permissions.has('presence:view:all');
}

/** Resolves the caller's scope now (two queries for a team; none for an org-wide viewer). */
export async function teamScopeOf(team: TeamQueries, orgId: string, caller: ScopeCaller): Promise<TeamScope> {
  if (seesWholeOrganization(caller)) return WHOLE_ORGANIZATION;
  const ids = caller.userId ? await team.teamOf(orgId, caller.userId) : [];
  return { all: false, employeeIds: new Set(ids) };
}

/** Whether an employee (none: not about a person, e.g. a camera alert) is in the scope. */
export function inTeamScope(scope: TeamScope, employeeId: string | null | undefined): boolean {
  return scope.all || employeeId === null || employeeId === undefined || scope.employeeIds.has(employeeId);
}

/**
 * Narrows a query to the scope: `where <employee id> in (team)`, or nothing for an empty team (`in ()`
 * is not valid SQL). Returns null for an org-wide scope (no filter).
 */
export function teamScopeIds(scope: TeamScope): readonly string[] | null {
  return scope.all ? null : [...scope.employeeIds];
}

/** A condition that is never true: the filter for an empty team. */
export const MATCHES_NOBODY = sql<SqlBool>`1 = 0`;
