/** The cameras that saw a person during one stay (migration 0071). Times are epoch ms. */
export interface PresenceStayCamerasTable {
  intervalId: string;
  organizationId: string;
  cameraId: string;
  cameraName: string;
  firstSeenTs: number;
  lastSeenTs: number;
  sightings: number;
}

export interface PresenceStayTables {
  presenceStayCameras: PresenceStayCamerasTable;
}
