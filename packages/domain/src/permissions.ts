/**
 * Role-based access control. Roles map to named permissions; routes check a permission, never a role,
 * so changing what a role may do is an edit to this table alone.
 */

export const ROLES = ['admin', 'manager', 'support', 'officer', 'member'] as const;
export type Role = (typeof ROLES)[number];

export const PERMISSIONS = [
  'member:manage',
  'member:view',
  'member:face:register',
  'member:face:view',
  'attendance:record:view',
  'attendance:record:view:own',
  'attendance:record:create',
  'attendance:approve',
  'report:generate',
  'settings:manage',
  'camera:view',
  'camera:manage',
  'presence:view',
  'alert:view',
  'alert:acknowledge',
  'audit:view',
  'token:manage',
  'user:manage',
  'leave:request',
  'leave:approve',
  'face:own:register',
  /** Leave types and yearly allocations; sees every request of the organization. */
  'leave:manage',
  // Shift types, rosters, holiday calendars and recomputing attendance periods (admin by default).
  'shift:manage',
  'video:view',
  'video:manage',
  /** Approve or reject self-enrolled face samples (they are not matched until approved). */
  'member:face:review',
  // Webhook endpoints, delivery log and the batch export schedule (ERP integration; admin by default).
  'integration:manage',
  /** Submit one's own attendance from the mobile app (face verified on the server). */
  'attendance:submit:own',
  /** See the organization's mobile devices and sync logs, and revoke a lost device. */
  'device:manage',
  /** Approve or reject flagged phone-captured attendance (low score, liveness retried, clock skew). */
  'attendance:record:approve',
  /**
   * Presence (live board, presence log, snapshots) and absence alerts of every employee. Without it,
   * `presence:view` and `alert:view` cover only the caller's reporting subtree (a manager's team).
   */
  'presence:view:all',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

/** What every signed-in person may do for themselves, whatever their role. */
const SELF_SERVICE = [
  'face:own:register',
  'attendance:submit:own',
  'attendance:record:view:own',
  'leave:request',
] as const satisfies readonly Permission[];

/** Read access to the organisation's attendance picture, shared by manager and support. */
const OVERSIGHT = [
  'member:view',
  'member:face:view',
  'attendance:record:view',
  'report:generate',
  'presence:view',
  'alert:view',
  'camera:view',
] as const satisfies readonly Permission[];

const ROLE_PERMISSIONS: Record<Role, readonly Permission[]> = {
  admin: PERMISSIONS,
  // Manager acts on their team: sees its presence and absence alerts (presence:view without
  // presence:view:all), acknowledges those alerts and approves leave. Approving attendance
  // corrections, settings, cameras, users and tokens stay with admin.
  // The video library keeps whole recordings: managers and support may watch, only admins upload/delete.
  // Managers review self-enrolled faces (a member may enrol only themselves, and only through review).
  manager: [
    ...SELF_SERVICE,
    ...OVERSIGHT,
    'alert:acknowledge',
    'leave:approve',
    'video:view',
    'member:face:review',
    'device:manage',
    'attendance:record:approve',
  ],
  // Support sees what a manager sees and changes nothing: presence and absence alerts of their own
  // reporting subtree, like a manager (no presence:view:all).
  support: [...SELF_SERVICE, ...OVERSIGHT, 'video:view'],
  // Officer runs the capture desk: finds members, registers faces, records attendance, sees face status.
  officer: [
    ...SELF_SERVICE,
    'member:view',
    'member:face:register',
    'member:face:view',
    'member:face:review',
    'attendance:record:create',
  ],
  member: [...SELF_SERVICE],
};

const PERMISSION_SETS: Record<Role, ReadonlySet<Permission>> = {
  admin: new Set(ROLE_PERMISSIONS.admin),
  manager: new Set(ROLE_PERMISSIONS.manager),
  support: new Set(ROLE_PERMISSIONS.support),
  officer: new Set(ROLE_PERMISSIONS.officer),
  member: new Set(ROLE_PERMISSIONS.member),
};

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

export function isPermission(value: unknown): value is Permission {
  return typeof value === 'string' && (PERMISSIONS as readonly string[]).includes(value);
}

/** The role's permissions in the canonical order of `PERMISSIONS`. */
export function permissionsOf(role: Role): Permission[] {
  const granted = PERMISSION_SETS[role];
  return PERMISSIONS.filter((permission) => granted.has(permission));
}

export function can(role: Role, permission: Permission): boolean {
  return PERMISSION_SETS[role].has(permission);
}

/** Names that custom roles may not take: the built-in roles keep theirs. */
export function isBuiltInRoleName(name: string): boolean {
  return (ROLES as readonly string[]).includes(name.trim().toLowerCase());
}
