import type { FoundationTables } from './tables/foundation.js';
import type { PresenceTables } from './tables/presence.js';
import type { FacesTables } from './tables/faces.js';
import type { NotificationTables } from './tables/notifications.js';
import type { VideoTables } from './tables/videos.js';

/** The whole database, composed from each slice's tables (add yours with `&`). */
export type DB = FoundationTables & PresenceTables & FacesTables & NotificationTables & VideoTables;
