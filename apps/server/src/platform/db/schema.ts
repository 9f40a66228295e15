import type { FoundationTables } from './tables/foundation.js';
import type { PresenceTables } from './tables/presence.js';
import type { FacesTables } from './tables/faces.js';
import type { NotificationTables } from './tables/notifications.js';
import type { AuthTables } from './tables/auth.js';
import type { PresenceStayTables } from './tables/presence-stays.js';
import type { LeaveTables } from './tables/leave.js';
import type { AttendanceTables } from './tables/attendance.js';
import type { VideoTables } from './tables/videos.js';
import type { IntegrationTables } from './tables/integrations.js';
import type { DatasetTables } from './tables/datasets.js';
import type { MobileTables } from './tables/mobile.js';
import type { EdgeTables } from './tables/edges.js';

/** The whole database, composed from each slice's tables (add yours with `&`). */
export type DB = FoundationTables &
  PresenceTables &
  FacesTables &
  NotificationTables &
  AuthTables &
  PresenceStayTables &
  LeaveTables &
  AttendanceTables &
  IntegrationTables &
  VideoTables &
  DatasetTables &
  MobileTables &
  EdgeTables;
