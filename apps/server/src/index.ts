export { composeServer, type HadirServer } from './roles/compose.js';
export { parseEnv } from './platform/config/env.js';
