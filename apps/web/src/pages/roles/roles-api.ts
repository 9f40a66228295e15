import { CustomRole, RolesCatalog, type CustomRoleInput } from '@hadir/contracts';
import { api } from '../../api/client';
import type { rolesEn } from '../../i18n/roles/en';

/** Roles & permissions: the catalog, custom role CRUD and giving a user a custom role. */
export const roleKeys = { all: ['roles'] as const };

export const rolesApi = {
  catalog: () => api.get('/api/roles', undefined, RolesCatalog),
  create: (body: CustomRoleInput) => api.post('/api/roles', body, CustomRole),
  update: (id: string, body: CustomRoleInput) =>
    api.put(`/api/roles/${encodeURIComponent(id)}`, body, CustomRole),
  remove: (id: string) => api.delete<unknown>(`/api/roles/${encodeURIComponent(id)}`),
  assign: (userId: string, customRoleId: string | null) =>
    api.put<unknown>(`/api/users/${encodeURIComponent(userId)}/custom-role`, { customRoleId }),
};

/** Permissions grouped for the checkboxes: by what they are about, in the catalog's order. */
export const PERMISSION_GROUPS = [
  'member',
  'attendance',
  'leave',
  'shift',
  'presence',
  'alert',
  'report',
  'video',
  'admin',
  'self',
] as const;
export type PermissionGroup = (typeof PERMISSION_GROUPS)[number];

const SELF = new Set([
  'face:own:register',
  'attendance:submit:own',
  'attendance:record:view:own',
  'leave:request',
]);

export function groupOf(permission: string): PermissionGroup {
  if (SELF.has(permission)) return 'self';
  const head = permission.split(':')[0] ?? '';
  if (head === 'member') return 'member';
  if (head === 'attendance') return 'attendance';
  if (head === 'leave') return 'leave';
  if (head === 'shift') return 'shift';
  if (head === 'presence' || head === 'camera') return 'presence';
  if (head === 'alert') return 'alert';
  if (head === 'report') return 'report';
  if (head === 'video') return 'video';
  return 'admin';
}

export function groupPermissions(all: readonly string[]): [PermissionGroup, string[]][] {
  return PERMISSION_GROUPS.map(
    (g) => [g, all.filter((p) => groupOf(p) === g)] as [PermissionGroup, string[]],
  ).filter(([, ps]) => ps.length > 0);
}

/** The i18n key of a permission's label (i18next reads ':' as a namespace separator). */
export const permissionLabelKey = (p: string) =>
  `rolesPage.perms.${p.replaceAll(':', '_')}` as `rolesPage.perms.${keyof typeof rolesEn.perms}`;
