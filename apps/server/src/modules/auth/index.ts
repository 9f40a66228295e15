export { AuthService, SESSION_COOKIE, TOKEN_PREFIX } from './auth.service.js';
export { registerAuthRoutes, authOf, orgOf, sessionStarter, type SessionStarter } from './auth.routes.js';
export { ACCOUNT_POLICY, ADDRESS_POLICY, LoginThrottle, throttled } from './login-throttle.js';
