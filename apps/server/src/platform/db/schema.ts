import type { FoundationTables } from './tables/foundation.js';
import type { PresenceTables } from './tables/presence.js';
import type { FacesTables } from './tables/faces.js';
import type { NotificationTables } from './tables/notifications.js';
import type { AuthTables } from './tables/auth.js';

/** The whole database, composed from each slice's tables (add yours with `&`). */
import type { PresenceStayTables } from './tables/presence-stays.js';
export type DB = FoundationTables & PresenceTables & FacesTables & NotificationTables & AuthTables & PresenceStayTables;
