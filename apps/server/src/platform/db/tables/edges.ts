/** Edge boxes and their idempotency record (migration 0110). Times are epoch ms. */
export interface EdgesTable {
  id: string;
  organizationId: string;
  name: string;
  /** JSON array of site ids; with cameraIds both empty the edge serves every camera. */
  siteIds: string;
  /** JSON array of camera ids. */
  cameraIds: string;
  /** SHA-256 of the one-time enrol code; null once used. */
  enrolCodeHash: string | null;
  enrolCodeExpiresAt: number | null;
  /** SHA-256 of the device credential; null before enrolment and after revocation. */
  credentialHash: string | null;
  deviceName: string | null;
  createdBy: string | null;
  createdAt: number;
  enrolledAt: number | null;
  revokedAt: number | null;
  revokedBy: string | null;
  lastContactAt: number | null;
  queueDepth: number;
  /** Edge clock minus hub clock at the last push (positive: the edge runs ahead). */
  clockSkewMs: number;
  lastSeq: number;
  lostAt: number | null;
}

export interface EdgeIngestItemsTable {
  edgeId: string;
  seq: number;
  organizationId: string;
  kind: string;
  observedAt: number;
  receivedAt: number;
  clockSkewMs: number;
}

export interface EdgeTables {
  edges: EdgesTable;
  edgeIngestItems: EdgeIngestItemsTable;
}
