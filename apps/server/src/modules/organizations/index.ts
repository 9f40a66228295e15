export {
  OrganizationsService,
  getOrganizationSettings,
  insertOrganizationWithAdmin,
  parseSettings,
} from './organizations.service.js';
export { registerOrganizationRoutes } from './organizations.routes.js';
