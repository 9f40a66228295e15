export { recordAudit, diffFields, listAudit, type AuditRecord } from './audit.service.js';
export { registerAuditRoutes } from './audit.routes.js';
