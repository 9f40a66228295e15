import { z } from 'zod';
import { Id, IsoDateTime, Locale, TimeZone } from './common.js';

export const RoleName = z
  .enum(['admin', 'manager', 'support', 'officer', 'member'])
  .describe('Role within an organization');
export type RoleName = z.infer<typeof RoleName>;

export const Password = z
  .string()
  .min(10, 'at least 10 characters')
  .max(256)
  .describe('Password, at least 10 characters');
export const Email = z.string().trim().toLowerCase().email().max(254);

export const SetupStatus = z.object({
  needsSetup: z.boolean().describe('True until the first organization and admin exist'),
});

export const SetupRequest = z.object({
  organization: z.object({
    name: z.string().trim().min(2).max(120),
    timeZone: TimeZone.default('Asia/Jakarta'),
    locale: Locale.default('id'),
  }),
  admin: z.object({
    name: z.string().trim().min(1).max(120),
    email: Email,
    password: Password,
  }),
});
export type SetupRequest = z.infer<typeof SetupRequest>;

export const LoginRequest = z.object({
  email: Email,
  password: z.string().min(1).max(256),
});

export const Membership = z.object({
  organizationId: Id,
  organizationName: z.string(),
  role: RoleName,
});
export type Membership = z.infer<typeof Membership>;

export const SessionInfo = z.object({
  user: z.object({ id: Id, name: z.string(), email: z.string(), locale: Locale }),
  memberships: z.array(Membership),
  activeOrganizationId: Id.nullable(),
  role: RoleName.nullable(),
  customRoleName: z
    .string()
    .nullable()
    .optional()
    .describe('The custom role whose permissions replace the built-in role’s, if any'),
  permissions: z.array(z.string()),
  csrfToken: z.string().describe('Send back in the x-csrf-token header on every state-changing request'),
});
export type SessionInfo = z.infer<typeof SessionInfo>;

export const SelectOrganizationRequest = z.object({ organizationId: Id });

export const ApiTokenCreate = z.object({
  name: z.string().trim().min(1).max(80),
  scopes: z.array(z.string().min(1).max(64)).min(1).max(40).describe('Permissions granted to this token'),
  expiresInDays: z.number().int().min(1).max(3650).optional(),
});
export const ApiToken = z.object({
  id: Id,
  name: z.string(),
  scopes: z.array(z.string()),
  prefix: z.string().describe('First characters of the token, to recognise it'),
  createdAt: IsoDateTime,
  lastUsedAt: IsoDateTime.nullable(),
  expiresAt: IsoDateTime.nullable(),
  revokedAt: IsoDateTime.nullable(),
});
export type ApiToken = z.infer<typeof ApiToken>;
export const ApiTokenCreated = ApiToken.extend({
  token: z.string().describe('The secret, shown once; only its hash is stored'),
});

export const OrgUser = z.object({
  userId: Id,
  name: z.string(),
  email: z.string(),
  role: RoleName,
  employeeId: Id.nullable().describe('The employee record this user is (their team is below it)'),
  employeeName: z.string().nullable().optional(),
  customRoleId: Id.nullable().optional().describe('A custom role of the organization, if assigned'),
  customRoleName: z.string().nullable().optional(),
  createdAt: IsoDateTime,
});
export type OrgUser = z.infer<typeof OrgUser>;
export const OrgUserCreate = z.object({
  name: z.string().trim().min(1).max(120),
  email: Email,
  password: Password.optional().describe('Required when the user does not exist yet'),
  role: RoleName,
  employeeId: Id.nullable().optional(),
});
export const OrgUserUpdate = z.object({ role: RoleName.optional(), employeeId: Id.nullable().optional() });

export const AuditEntry = z.object({
  id: Id,
  at: IsoDateTime,
  actorUserId: Id.nullable(),
  actorName: z.string().nullable(),
  action: z.string(),
  entityType: z.string(),
  entityId: z.string().nullable(),
  summary: z.string(),
  changes: z.unknown().nullable(),
});
export type AuditEntry = z.infer<typeof AuditEntry>;

// ---- Custom roles (named sets of the existing permissions, per organization) ----

export const CustomRoleInput = z.object({
  name: z.string().trim().min(2).max(60),
  description: z.string().trim().max(300).nullable().optional(),
  permissions: z.array(z.string().min(1).max(64)).max(80).describe('Permission names'),
});
export type CustomRoleInput = z.infer<typeof CustomRoleInput>;
export const CustomRole = z.object({
  id: Id,
  name: z.string(),
  description: z.string().nullable(),
  permissions: z.array(z.string()),
  userCount: z.number().int(),
  updatedAt: IsoDateTime,
});
export type CustomRole = z.infer<typeof CustomRole>;
export const RolesCatalog = z.object({
  permissions: z.array(z.string()).describe('Every permission a role may hold'),
  builtIn: z.array(
    z.object({ name: RoleName, permissions: z.array(z.string()), userCount: z.number().int() }),
  ),
  custom: z.array(CustomRole),
});
export type RolesCatalog = z.infer<typeof RolesCatalog>;
export const CustomRoleAssign = z.object({
  customRoleId: Id.nullable().describe('null: take the custom role back (the user becomes a member)'),
});
