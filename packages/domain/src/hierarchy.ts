/**
 * The org hierarchy: who supervises whom. Stored data may be corrupt (a cycle written by an old version,
 * a supervisor deleted), so every walk is cycle-guarded; writes go through `validateSupervisorChange`.
 */

/** employeeId → supervisorId (null at the top). */
export type OrgChart = ReadonlyMap<string, string | null>;

export function orgChartFrom(employees: Iterable<{ id: string; supervisorId: string | null }>): OrgChart {
  const chart = new Map<string, string | null>();
  for (const employee of employees) chart.set(employee.id, employee.supervisorId);
  return chart;
}

export type SupervisorChangeResult =
  | { ok: true }
  | { ok: false; reason: 'unknown_employee' | 'unknown_supervisor' | 'self' }
  /** `cycle` runs from the new supervisor up to the employee: assigning would close this loop. */
  | { ok: false; reason: 'cycle'; cycle: string[] };

/** Reject self-supervision, unknown ids and any assignment that would create a cycle. */
export function validateSupervisorChange(
  chart: OrgChart,
  employeeId: string,
  newSupervisorId: string | null,
): SupervisorChangeResult {
  if (!chart.has(employeeId)) return { ok: false, reason: 'unknown_employee' };
  if (newSupervisorId === null) return { ok: true };
  if (newSupervisorId === employeeId) return { ok: false, reason: 'self' };
  if (!chart.has(newSupervisorId)) return { ok: false, reason: 'unknown_supervisor' };
  const path = [newSupervisorId, ...supervisorChain(chart, newSupervisorId)];
  const at = path.indexOf(employeeId);
  if (at >= 0) return { ok: false, reason: 'cycle', cycle: path.slice(0, at + 1) };
  return { ok: true };
}

/**
 * Supervisors from the direct one upward, excluding the employee. Stops at the top (null), at an id
 * missing from the chart, or before repeating anyone (a corrupt cycle never loops forever).
 */
export function supervisorChain(chart: OrgChart, employeeId: string): string[] {
  const chain: string[] = [];
  const seen = new Set<string>([employeeId]);
  let current = chart.get(employeeId) ?? null;
  while (current !== null && !seen.has(current)) {
    chain.push(current);
    seen.add(current);
    if (!chart.has(current)) break;
    current = chart.get(current) ?? null;
  }
  return chain;
}

function childrenIndex(chart: OrgChart): Map<string, string[]> {
  const children = new Map<string, string[]>();
  for (const [id, supervisorId] of chart) {
    if (supervisorId === null) continue;
    const list = children.get(supervisorId);
    if (list === undefined) children.set(supervisorId, [id]);
    else list.push(id);
  }
  return children;
}

/**
 * Direct reports, or with `recursive` the whole subtree (breadth-first: direct reports first), which is
 * what a supervisor may see. Never includes `supervisorId` itself, even in a corrupt cycle.
 */
export function subordinatesOf(
  chart: OrgChart,
  supervisorId: string,
  options: { recursive?: boolean } = {},
): string[] {
  const children = childrenIndex(chart);
  const direct = children.get(supervisorId) ?? [];
  if (options.recursive !== true) return [...direct];
  const result: string[] = [];
  const seen = new Set<string>([supervisorId]);
  const queue = [...direct];
  for (let i = 0; i < queue.length; i += 1) {
    const id = queue[i] as string;
    if (seen.has(id)) continue;
    seen.add(id);
    result.push(id);
    queue.push(...(children.get(id) ?? []));
  }
  return result;
}

/** Whether `supervisorId` is anywhere above `employeeId`. */
export function isInChainOfCommand(chart: OrgChart, supervisorId: string, employeeId: string): boolean {
  return supervisorChain(chart, employeeId).includes(supervisorId);
}

/** Every cycle present in stored data, each listed once starting from its smallest id. */
export function findCycles(chart: OrgChart): string[][] {
  const cycles = new Map<string, string[]>();
  for (const start of chart.keys()) {
    const path: string[] = [];
    const index = new Map<string, number>();
    let current: string | null = start;
    while (current !== null && !index.has(current) && chart.has(current)) {
      index.set(current, path.length);
      path.push(current);
      current = chart.get(current) ?? null;
    }
    if (current === null || !index.has(current)) continue;
    const cycle = path.slice(index.get(current));
    const smallest = cycle.reduce((a, b) => (b < a ? b : a));
    const at = cycle.indexOf(smallest);
    const canonical = [...cycle.slice(at), ...cycle.slice(0, at)];
    cycles.set(canonical.join('>'), canonical);
  }
  return [...cycles.values()];
}
