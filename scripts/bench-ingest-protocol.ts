/**
 * The edge ↔ hub protocol as bench-ingest.ts speaks it (docs/DEPLOYMENT.md, edge section): the admin
 * creates an edge (`POST /api/edges` → one-time enrol code), the edge enrols (`POST /api/edge/enrol` →
 * device credential) and pushes ordered batches (`POST /api/edge/ingest`, `Authorization: Edge …`).
 * Bodies are the shapes of @hadir/contracts, as a real edge sends them.
 */
import fs from 'node:fs';
import path from 'node:path';
import type {
  EdgeCreate,
  EdgeEnrol,
  EdgeEnrolCode,
  EdgeEnrolled,
  EdgeIngestBatch,
  EdgeIngestItem,
  EdgeIngestResult,
} from '@hadir/contracts';
import type { BenchApi } from './bench-server.js';

export type EdgeCredential = string;

/** What the simulated edges push: only sightings and camera health (no face crops, no unknown faces). */
export type IngestItem = Extract<EdgeIngestItem, { kind: 'sighting' | 'camera_health' }>;

/** The hub's environment: api + worker on PostgreSQL, no cameras of its own, no face models. */
export function hubEnv(databaseUrl: string, dataDir: string, tickMs: number): Record<string, string> {
  return {
    DATABASE_URL: databaseUrl,
    HADIR_ROLES: 'api,worker',
    HADIR_DATA_DIR: dataDir,
    HADIR_CAMERA_CONFIG_DIR: path.join(dataDir, 'camera_config'),
    HADIR_MODELS_DIR: path.join(dataDir, 'models'),
    HADIR_PRESENCE_TICK_MS: String(tickMs),
    HADIR_FACE_PACK: 'off',
    HADIR_WEB_DIR: path.join(dataDir, 'no-web'),
    HADIR_MOBILE_DIR: path.join(dataDir, 'no-mobile'),
  };
}

/**
 * The cameras an edge will serve, as config files in the hub's camera_config/<organization>/<id>/ (what
 * an operator drops there, and what POST /api/cameras writes; writing them at once skips the API's
 * rescan per camera). Sources are private addresses nobody connects to: the hub runs no pipeline.
 */
export function writeCameraFiles(
  cameraConfigDir: string,
  organizationId: string,
  ids: readonly string[],
): void {
  ids.forEach((id, i) => {
    const dir = path.join(cameraConfigDir, organizationId, id);
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    const source = `rtsp://10.${20 + Math.floor(i / 65_000)}.${Math.floor(i / 250) % 250}.${(i % 250) + 1}:554/stream1`;
    fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ name: `Camera ${id}`, source }), {
      mode: 0o600,
    });
  });
}

export async function createEdge(
  api: BenchApi,
  name: string,
  cameraIds: readonly string[],
): Promise<{ edgeId: string; enrolCode: string }> {
  const body: EdgeCreate = { name, cameraIds: [...cameraIds] };
  const r = await api.call<EdgeEnrolCode>('POST', '/api/edges', body);
  return { edgeId: r.edge.id, enrolCode: r.enrolCode };
}

export async function enrolEdge(baseUrl: string, code: string, name: string): Promise<EdgeCredential> {
  const body: EdgeEnrol = { code, name };
  const res = await fetch(`${baseUrl}/api/edge/enrol`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (res.status !== 201) throw new Error(`enrol ${name}: ${res.status} ${await res.text()}`);
  return ((await res.json()) as EdgeEnrolled).credential;
}

/** One ingest request; throws on anything but 200 (the edge then keeps the batch and retries). */
export async function pushBatch(
  baseUrl: string,
  credential: EdgeCredential,
  items: IngestItem[],
  queueDepth: number,
): Promise<EdgeIngestResult> {
  const res = await fetch(`${baseUrl}/api/edge/ingest`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Edge ${credential}` },
    body: JSON.stringify({ sentAt: new Date().toISOString(), queueDepth, items } satisfies EdgeIngestBatch),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`ingest: ${res.status} ${text.slice(0, 300)}`);
  return JSON.parse(text) as EdgeIngestResult;
}
