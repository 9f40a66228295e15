/**
 * Cameras & presence tables (migration 0010). Times are epoch ms; JSON columns are text; booleans 0/1.
 */
export interface CamerasTable {
  /**
   * The camera id slug: the folder name under camera_config/ (or camera_config/<organization id>/).
   * Unique per organization only: the key is (organizationId, id) since migration 0090.
   */
  id: string;
  organizationId: string;
  name: string;
  areaId: string | null;
  enabled: number;
  /** JSON of the resolved CameraConfig (or of the raw file when it is invalid). */
  config: string;
  /** JSON of the CameraView status (CameraStatus plus config issues). */
  status: string;
  updatedAt: number;
}

/** One row per employee + camera stay, extended while the person stays; never a row per frame. */
export interface PresenceIntervalsTable {
  id: string;
  organizationId: string;
  employeeId: string;
  cameraId: string;
  cameraName: string;
  startedAt: number;
  lastSeenTs: number;
  sightings: number;
  bestSimilarity: number;
  trackId: string | null;
  snapshotId: string | null;
}

export interface EmployeePresenceTable {
  employeeId: string;
  organizationId: string;
  state: string;
  stateSince: number;
  lastSeenTs: number | null;
  lastCameraId: string | null;
  lastCameraName: string | null;
  /** JSON of the domain PresenceSnapshot: what reconcileAfterRestart needs. */
  snapshot: string | null;
  updatedAt: number;
}

export interface AlertsTable {
  id: string;
  organizationId: string;
  kind: string;
  employeeId: string | null;
  cameraId: string | null;
  cameraName: string | null;
  status: string;
  level: number;
  openedAt: number;
  lastSeenTs: number | null;
  acknowledgedBy: string | null;
  acknowledgedAt: number | null;
  escalatedAt: number | null;
  resolvedAt: number | null;
  resolution: string | null;
  /** The latest message text sent (or that would be sent) for this alert, in the org locale. */
  message: string | null;
  /** JSON: the domain AlertEpisode (absence) or CameraDownEpisode (camera_down). */
  episode: string;
  /** Event snapshot of an absence alert: how the person was last seen (migration 0012). */
  snapshotId: string | null;
  createdAt: number;
  updatedAt: number;
}

export interface PresenceTables {
  cameras: CamerasTable;
  presenceIntervals: PresenceIntervalsTable;
  employeePresence: EmployeePresenceTable;
  alerts: AlertsTable;
}
