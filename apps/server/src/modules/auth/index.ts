export { AuthService, SESSION_COOKIE, TOKEN_PREFIX } from './auth.service.js';
export { registerAuthRoutes, authOf, orgOf } from './auth.routes.js';
