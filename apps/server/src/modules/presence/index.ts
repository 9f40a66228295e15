export {
  PresenceService,
  type Sighting,
  type PresenceOptions,
  type PresenceStayRecorded,
  type WorkRulesSource,
} from './presence.service.js';
export { PresenceQueries } from './presence-queries.service.js';
export { registerPresenceRoutes } from './presence.routes.js';
export { presenceOptionsFromEnv } from './presence-options.js';
export { encodeIntervalCursor, decodeIntervalCursor } from './interval-cursor.js';
export {
  LIVE_SOCKET_DEFAULTS,
  LIVE_SOCKET_CONTROL_EVENTS,
  assertSameOrigin,
  type LiveSocketOptions,
} from './live-socket.js';
export { stayCameras } from './presence-stays.repository.js';
