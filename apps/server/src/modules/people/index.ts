export { EmployeesService, presentEmployee } from './employees.service.js';
export { EmployeeImportService, IMPORT_LIMITS } from './employee-import.service.js';
export { registerEmployeeRoutes } from './employees.routes.js';
export { faceSampleCounts } from './employees.repository.js';
export { TeamQueries } from './team.queries.js';
export { normalizePhone, isPhoneCountry } from './phone.js';
export { readTabularFile, type TabularFile } from './tabular-file.reader.js';
export { sqliteSearchCandidates, employeeSearchIndex } from './employee-search.js';
export {
  teamScopeOf,
  inTeamScope,
  teamScopeIds,
  seesWholeOrganization,
  WHOLE_ORGANIZATION,
  MATCHES_NOBODY,
  type TeamScope,
  type ScopeCaller,
} from './team-scope.js';
