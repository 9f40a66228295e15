export { OrganizationsService, getOrganizationSettings, parseSettings } from './organizations.service.js';
export { registerOrganizationRoutes } from './organizations.routes.js';
