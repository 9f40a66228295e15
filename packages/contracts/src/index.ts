export * from './common.js';
export * from './auth.js';
export * from './organizations.js';
export * from './employees.js';
export * from './faces.js';
export * from './camera.js';
export * from './alerts.js';
export * from './presence.js';
