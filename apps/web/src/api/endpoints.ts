import {
  ApiToken,
  ApiTokenCreated,
  AuditEntry,
  Area,
  Department,
  Employee,
  EmployeeList,
  ImportCommitResult,
  ImportPreview,
  InvitationAccepted,
  InvitationCreated,
  InvitationList,
  InvitationPreview,
  Organization,
  OrgUser,
  Position,
  SessionInfo,
  SetupStatus,
  paginated,
  type EmployeeInput,
  type EmployeeListQuery,
  type EmployeeUpdate,
  type Locale,
  type OrganizationSettings,
  type RoleName,
  type SetupRequest,
} from '@hadir/contracts';
import { api } from './client';

/** Every call the web makes, in one place, typed and checked against the shared contracts. */

const AuditPage = paginated(AuditEntry);
const DepartmentList = Department.array();
const PositionList = Position.array();
const AreaList = Area.array();
const UserList = OrgUser.array();
const TokenList = ApiToken.array();

export const queryKeys = {
  boot: ['boot'] as const,
  organization: ['organization'] as const,
  departments: ['departments'] as const,
  positions: ['positions'] as const,
  areas: ['areas'] as const,
  employees: ['employees'] as const,
  employee: (id: string) => ['employees', 'one', id] as const,
  users: ['users'] as const,
  tokens: ['tokens'] as const,
  audit: ['audit'] as const,
};

export const authApi = {
  setupStatus: () => api.get('/api/setup', undefined, SetupStatus),
  setup: (body: SetupRequest) => api.post('/api/setup', body, SessionInfo),
  session: () => api.get('/api/auth/session', undefined, SessionInfo),
  login: (email: string, password: string) => api.post('/api/auth/login', { email, password }, SessionInfo),
  selectOrganization: (organizationId: string) =>
    api.post('/api/auth/organization', { organizationId }, SessionInfo),
  logout: (everywhere = false) => api.post<{ ok: true }>('/api/auth/logout', { everywhere }),
  updateMe: (body: { name?: string; locale?: Locale; currentPassword?: string; newPassword?: string }) =>
    api.patch('/api/auth/me', body, SessionInfo),
};

export const orgApi = {
  get: () => api.get('/api/organization', undefined, Organization),
  update: (body: { name?: string; settings?: Partial<OrganizationSettings> }) =>
    api.patch('/api/organization', body, Organization),
  departments: () => api.get('/api/departments', undefined, DepartmentList),
  positions: () => api.get('/api/positions', undefined, PositionList),
  areas: () => api.get('/api/areas', undefined, AreaList),
};

export type EmployeeListParams = Partial<EmployeeListQuery>;

export const employeesApi = {
  list: (q: EmployeeListParams) => api.get('/api/employees', q, EmployeeList),
  get: (id: string) => api.get(`/api/employees/${encodeURIComponent(id)}`, undefined, Employee),
  create: (body: EmployeeInput) => api.post('/api/employees', body, Employee),
  update: (id: string, body: EmployeeUpdate) =>
    api.patch(`/api/employees/${encodeURIComponent(id)}`, body, Employee),
  remove: (id: string) => api.delete<unknown>(`/api/employees/${encodeURIComponent(id)}`),
  importPreview: (file: File) => {
    const form = new FormData();
    form.append('file', file, file.name);
    return api.upload('/api/employees/import', form, ImportPreview);
  },
  importCommit: (importId: string, onlyValidRows: boolean) =>
    api.post('/api/employees/import/commit', { importId, onlyValidRows }, ImportCommitResult),
  exportUrl: (
    format: 'csv' | 'xlsx',
    filter: { q?: string; departmentId?: string; status?: string } = {},
  ) => {
    const params = new URLSearchParams({ format });
    for (const [k, v] of Object.entries(filter)) if (v) params.set(k, v);
    return `/api/employees/export?${params.toString()}`;
  },
};

export const usersApi = {
  list: () => api.get('/api/users', undefined, UserList),
  create: (body: { name: string; email: string; password?: string; role: RoleName }) =>
    api.post('/api/users', body, OrgUser),
  update: (userId: string, body: { role?: RoleName; employeeId?: string | null }) =>
    api.patch(`/api/users/${encodeURIComponent(userId)}`, body, OrgUser),
  remove: (userId: string) => api.delete<unknown>(`/api/users/${encodeURIComponent(userId)}`),
};

/** Invitations (issue 9, item 12): the token travels in request bodies only, never in a URL. */
export const invitationsApi = {
  list: () => api.get('/api/invitations', undefined, InvitationList),
  create: (body: { email: string; role: RoleName }) => api.post('/api/invitations', body, InvitationCreated),
  revoke: (id: string) => api.delete<unknown>(`/api/invitations/${encodeURIComponent(id)}`),
  preview: (token: string) => api.post('/api/invitations/preview', { token }, InvitationPreview),
  accept: (token: string) => api.post('/api/invitations/accept', { token }, InvitationAccepted),
  register: (body: { token: string; name: string; password: string }) =>
    api.post('/api/invitations/register', body, InvitationAccepted),
};

export const tokensApi = {
  list: () => api.get('/api/tokens', undefined, TokenList),
  create: (body: { name: string; scopes: string[]; expiresInDays?: number }) =>
    api.post('/api/tokens', body, ApiTokenCreated),
  revoke: (id: string) => api.delete<unknown>(`/api/tokens/${encodeURIComponent(id)}`),
};

export const auditApi = {
  list: (page: number, pageSize: number) => api.get('/api/audit', { page, pageSize }, AuditPage),
};
