import type { Generated } from 'kysely';

/**
 * Foundation tables. Column names are snake_case in SQL; Kysely's CamelCasePlugin maps them to these
 * camelCase fields. Times are epoch milliseconds (bigint in PostgreSQL, integer in SQLite); booleans are
 * 0/1 integers and JSON is text, so one set of queries serves both dialects.
 */
export interface OrganizationsTable {
  id: string;
  name: string;
  settings: string;
  createdAt: number;
  updatedAt: number;
}

export interface SitesTable {
  id: string;
  organizationId: string;
  name: string;
  address: string | null;
  createdAt: number;
  /** Migration 0130: 1 = officers' captures here recognize only this site's members. */
  recognitionSiteOnly: Generated<number>;
}

export interface AreasTable {
  id: string;
  organizationId: string;
  siteId: string | null;
  name: string;
  createdAt: number;
}

export interface DepartmentsTable {
  id: string;
  organizationId: string;
  name: string;
  createdAt: number;
}

export interface PositionsTable {
  id: string;
  organizationId: string;
  name: string;
  createdAt: number;
}

export interface EmployeesTable {
  id: string;
  organizationId: string;
  employeeCode: string;
  badgeId: string | null;
  name: string;
  departmentId: string | null;
  positionId: string | null;
  areaId: string | null;
  email: string | null;
  phone: string | null;
  whatsapp: string | null;
  supervisorId: string | null;
  status: string;
  createdAt: number;
  updatedAt: number;
}

export interface UsersTable {
  id: string;
  email: string;
  name: string;
  passwordHash: string;
  locale: string;
  failedLogins: Generated<number>;
  lockedUntil: number | null;
  /** 1: may create organizations and grant this right (migration 0035). */
  isOperator: Generated<number>;
  createdAt: number;
  updatedAt: number;
}

export interface MembershipsTable {
  id: string;
  userId: string;
  organizationId: string;
  role: string;
  employeeId: string | null;
  createdAt: number;
  /** A custom role of the organization (migration 0085): its permissions replace the built-in role's. */
  customRoleId: string | null;
}

export interface SessionsTable {
  /** sha256 of the cookie value: a stolen database does not yield live sessions. */
  id: string;
  userId: string;
  organizationId: string | null;
  csrfToken: string;
  createdAt: number;
  expiresAt: number;
  lastSeenAt: number;
  ip: string | null;
  userAgent: string | null;
}

export interface ApiTokensTable {
  id: string;
  organizationId: string;
  name: string;
  tokenHash: string;
  prefix: string;
  scopes: string;
  createdBy: string | null;
  createdAt: number;
  lastUsedAt: number | null;
  expiresAt: number | null;
  revokedAt: number | null;
}

export interface AuditLogTable {
  id: string;
  organizationId: string;
  at: number;
  actorUserId: string | null;
  actorTokenId: string | null;
  action: string;
  entityType: string;
  entityId: string | null;
  summary: string;
  changes: string | null;
}

export interface JobsTable {
  id: string;
  organizationId: string | null;
  type: string;
  payload: string;
  status: string;
  runAt: number;
  attempts: number;
  maxAttempts: number;
  lastError: string | null;
  idempotencyKey: string | null;
  lockedUntil: number | null;
  createdAt: number;
  updatedAt: number;
  finishedAt: number | null;
}

export interface ImportBatchesTable {
  id: string;
  organizationId: string;
  createdBy: string | null;
  kind: string;
  rows: string;
  createdAt: number;
  expiresAt: number;
}

export interface KvTable {
  key: string;
  value: string;
  updatedAt: number;
}

export interface FoundationTables {
  organizations: OrganizationsTable;
  sites: SitesTable;
  areas: AreasTable;
  departments: DepartmentsTable;
  positions: PositionsTable;
  employees: EmployeesTable;
  users: UsersTable;
  memberships: MembershipsTable;
  sessions: SessionsTable;
  apiTokens: ApiTokensTable;
  auditLog: AuditLogTable;
  jobs: JobsTable;
  importBatches: ImportBatchesTable;
  kv: KvTable;
}
