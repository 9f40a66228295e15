import type { OrgMember } from '@hadir/contracts';
import { tx } from './idb';

/**
 * The members an officer may need offline (code, name, face registered), refreshed whenever the capture
 * screen opens online; searched on the phone when there is no network.
 */
export const membersCache = {
  /** Replaces the cached list (one transaction: a failed refresh keeps the old one). */
  replace: (members: readonly OrgMember[]) =>
    tx('members', 'readwrite', (s) => {
      // The transaction resolves once every put has committed; the clear's request stands for it.
      const cleared = s.clear();
      for (const m of members) s.put(m);
      return cleared;
    }).then(() => undefined),
  all: async () => (await tx('members', 'readonly', (s) => s.getAll() as IDBRequest<OrgMember[]>)) ?? [],
};

/** Name or code contains the text (case-insensitive), by code; what the server's search answers. */
export function searchMembers(members: readonly OrgMember[], text: string, limit = 20): OrgMember[] {
  const q = text.trim().toLowerCase();
  if (q.length < 2) return [];
  return members
    .filter((m) => m.name.toLowerCase().includes(q) || m.employee_code.toLowerCase().includes(q))
    .sort((a, b) => a.employee_code.localeCompare(b.employee_code))
    .slice(0, limit);
}
