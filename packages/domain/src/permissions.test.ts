import { describe, expect, it } from 'vitest';
import {
  PERMISSIONS,
  ROLES,
  can,
  isBuiltInRoleName,
  isPermission,
  isRole,
  permissionsOf,
  type Permission,
  type Role,
} from './permissions.js';

// One row per permission, one column per role, in ROLES order: admin, manager, support, officer, member.
const Y = true;
const N = false;
const TABLE: Record<Permission, readonly [boolean, boolean, boolean, boolean, boolean]> = {
  'member:manage': [Y, N, N, N, N],
  'member:view': [Y, Y, Y, Y, N],
  'member:face:register': [Y, N, N, Y, N],
  'member:face:view': [Y, Y, Y, Y, N],
  'attendance:record:view': [Y, Y, Y, N, N],
  'attendance:record:view:own': [Y, Y, Y, Y, Y],
  'attendance:record:create': [Y, N, N, Y, N],
  'attendance:approve': [Y, N, N, N, N],
  'report:generate': [Y, Y, Y, N, N],
  'settings:manage': [Y, N, N, N, N],
  'camera:view': [Y, Y, Y, N, N],
  'camera:manage': [Y, N, N, N, N],
  'presence:view': [Y, Y, Y, N, N],
  'alert:view': [Y, Y, Y, N, N],
  'alert:acknowledge': [Y, Y, N, N, N],
  'audit:view': [Y, N, N, N, N],
  'token:manage': [Y, N, N, N, N],
  'user:manage': [Y, N, N, N, N],
  'leave:request': [Y, Y, Y, Y, Y],
  'leave:approve': [Y, Y, N, N, N],
  'face:own:register': [Y, Y, Y, Y, Y],
  'leave:manage': [Y, N, N, N, N],
  'shift:manage': [Y, N, N, N, N],
  'video:view': [Y, Y, Y, N, N],
  'video:manage': [Y, N, N, N, N],
  'member:face:review': [Y, Y, N, Y, N],
  'integration:manage': [Y, N, N, N, N],
  'attendance:submit:own': [Y, Y, Y, Y, Y],
  'device:manage': [Y, Y, N, N, N],
  'attendance:record:approve': [Y, Y, N, N, N],
  'presence:view:all': [Y, N, N, N, N],
};

const rows = PERMISSIONS.flatMap((permission) =>
  ROLES.map((role, column) => [role, permission, TABLE[permission][column]] as [Role, Permission, boolean]),
);

describe('can', () => {
  it.each(rows)('%s / %s → %s', (role, permission, expected) => {
    expect(can(role, permission)).toBe(expected);
  });
});

describe('permissionsOf', () => {
  it('admin holds every permission', () => {
    expect(permissionsOf('admin')).toEqual([...PERMISSIONS]);
  });
  it('agrees with can() and keeps canonical order', () => {
    for (const role of ROLES) {
      expect(permissionsOf(role)).toEqual(PERMISSIONS.filter((p) => can(role, p)));
    }
  });
  it('support manages nothing', () => {
    expect(permissionsOf('support').filter((p) => p.endsWith(':manage') || p.endsWith(':approve'))).toEqual(
      [],
    );
  });
  it('member only acts on themselves', () => {
    expect(permissionsOf('member')).toEqual([
      'attendance:record:view:own',
      'leave:request',
      'face:own:register',
      'attendance:submit:own',
    ]);
  });
});

describe('guards', () => {
  it('recognise roles and permissions', () => {
    expect(isRole('officer')).toBe(true);
    expect(isRole('root')).toBe(false);
    expect(isPermission('alert:acknowledge')).toBe(true);
    expect(isPermission('alert:delete')).toBe(false);
  });
});

describe('built-in role names', () => {
  it('are reserved whatever their case or spacing', () => {
    expect(['Admin', ' member ', 'OFFICER'].map(isBuiltInRoleName)).toEqual([true, true, true]);
    expect(isBuiltInRoleName('Front desk')).toBe(false);
  });
});
