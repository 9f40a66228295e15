import fs from 'node:fs';
import {
  CameraConfigFileSchema,
  parseCameraConfigFile,
  type CameraConfig,
  type CameraConfigFile,
  type CameraCreate,
  type CameraStatus,
  type CameraUpdate,
  type CameraView,
} from '@hadir/contracts';
import type { ServerContext } from '../../context.js';
import type { AuthContext } from '../../platform/http/auth-context.js';
import { badRequest, conflict, notFound } from '../../platform/http/errors.js';
import { checkCameraSource, organizationMediaDir } from '../../platform/net/camera-source.js';
import { AddressPolicy, OutboundRefused } from '../../platform/net/outbound-policy.js';
import { recordAudit } from '../audit/index.js';
import { CameraFilesRepository, cameraKey, type CameraFile } from './camera-files.repository.js';
import {
  initialStatus,
  nameFromRaw,
  presentCamera,
  updateSummary,
  type StoredStatus,
} from './camera-views.js';

/** A camera as the registry knows it: the file, what it resolved to, and its health. */
export interface CameraEntry {
  /** Where its file lives under camera_config/ (`<id>` or `<organization id>/<id>`): the registry's key. */
  key: string;
  /** The camera id: unique within its organization only. */
  id: string;
  organizationId: string | null;
  hash: string;
  /** The resolved config when the file is valid; null otherwise (see issues). */
  config: CameraConfig | null;
  /** The file as written (to tell an explicit override from a default). */
  file: CameraConfigFile | null;
  raw: unknown;
  issues: string[];
  areaId: string | null;
  status: CameraStatus;
}

export type CameraChange = { type: 'upsert'; entry: CameraEntry } | { type: 'remove'; key: string };

export interface CameraRegistryOptions {
  /** Fallback full rescan interval, for filesystems where fs.watch misses events (NFS, bind mounts). */
  rescanMs?: number;
  /** Quiet time after the last fs event before rescanning (editors write in several steps). */
  debounceMs?: number;
  /** Status is written to the database at least this often while it changes only in fps/counters. */
  statusPersistMs?: number;
}

/**
 * The cameras declared in camera_config/<id>/config.json: loads them, validates each on its own (a bad
 * file is reported, the others keep running), mirrors them into the `cameras` table for joins and
 * status, watches the folder (fs.watch + debounce, and a periodic rescan as a fallback), and tells the
 * pipeline what to start, restart or stop.
 */
export class CameraRegistry {
  readonly files: CameraFilesRepository;
  private readonly entries = new Map<string, CameraEntry>();
  private readonly listeners = new Set<(change: CameraChange) => void>();
  private readonly lastPersistMs = new Map<string, number>();
  /** What was last logged per camera (file hash + issues), so a broken file is logged once per change. */
  private readonly lastLogged = new Map<string, string>();
  readonly addressPolicy: AddressPolicy;
  private watcher: fs.FSWatcher | null = null;
  private rescanTimer: NodeJS.Timeout | null = null;
  private debounceTimer: NodeJS.Timeout | null = null;
  private scanning: Promise<void> | null = null;
  private scanAgain = false;
  /** Latest frame as JPEG by registry key, provided by the pipeline when it runs in this process. */
  thumbnail: ((key: string) => Promise<Buffer | null>) | null = null;

  constructor(
    private readonly ctx: ServerContext,
    private readonly opts: CameraRegistryOptions = {},
  ) {
    this.files = new CameraFilesRepository(ctx.env.cameraConfigDir);
    this.addressPolicy = new AddressPolicy(ctx.env.outbound);
  }

  /**
   * The outbound-target policy for a camera source (see docs/SECURITY.md): scheme allow list, no smuggled
   * options, every resolved address allowed, files only inside the organization's media folder. Returns
   * what ffmpeg is given (the checked address pinned). Throws OutboundRefused.
   */
  async checkSource(orgId: string, source: string): Promise<string> {
    const { input } = await checkCameraSource(source, {
      mediaDir: this.ctx.env.mediaDir,
      organizationId: orgId,
      policy: this.addressPolicy,
    });
    return input;
  }

  /** The folder an organization's file sources are played from (created on demand). */
  mediaDirOf(orgId: string): string {
    return organizationMediaDir(this.ctx.env.mediaDir, orgId);
  }

  private async checkSourceOrThrow(orgId: string, source: unknown): Promise<void> {
    if (typeof source !== 'string') return;
    try {
      await this.checkSource(orgId, source.trim());
    } catch (error) {
      if (!(error instanceof OutboundRefused)) throw error;
      const issue = `source: ${error.message}`;
      throw badRequest('invalid_camera_source', issue, { issues: [issue] });
    }
  }

  onChange(listener: (change: CameraChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  list(): CameraEntry[] {
    return [...this.entries.values()];
  }

  /** By registry key (see CameraEntry.key). */
  get(key: string): CameraEntry | undefined {
    return this.entries.get(key);
  }

  /** An organization's camera by its id (ids are unique per organization only). */
  find(orgId: string, id: string): CameraEntry | undefined {
    for (const e of this.entries.values()) if (e.organizationId === orgId && e.id === id) return e;
    return undefined;
  }

  /** Loads the folder once and starts watching it. */
  async start(): Promise<void> {
    fs.mkdirSync(this.files.dir, { recursive: true });
    await this.rescan();
    try {
      this.watcher = fs.watch(this.files.dir, { recursive: true }, () => this.scheduleRescan());
      this.watcher.on('error', (err) => this.ctx.log.warn({ err }, 'camera config watcher failed'));
    } catch (err) {
      this.ctx.log.warn({ err }, 'fs.watch unavailable for camera_config; relying on periodic rescan');
    }
    this.rescanTimer = setInterval(() => void this.rescan(), this.opts.rescanMs ?? 5000);
    this.rescanTimer.unref();
  }

  async stop(): Promise<void> {
    this.watcher?.close();
    this.watcher = null;
    if (this.rescanTimer) clearInterval(this.rescanTimer);
    if (this.debounceTimer) clearTimeout(this.debounceTimer);
    this.rescanTimer = null;
    this.debounceTimer = null;
    await this.scanning;
  }

  private scheduleRescan(): void {
    if (this.debounceTimer) clearTimeout(this.debounceTimer);
    this.debounceTimer = setTimeout(() => void this.rescan(), this.opts.debounceMs ?? 250);
    this.debounceTimer.unref();
  }

  /** Re-reads the folder; applies only real changes (by content hash). Concurrent calls coalesce. */
  async rescan(): Promise<void> {
    if (this.scanning) {
      this.scanAgain = true;
      return this.scanning;
    }
    this.scanning = (async () => {
      do {
        this.scanAgain = false;
        try {
          await this.applyScan(this.files.scan());
        } catch (err) {
          this.ctx.log.error({ err }, 'camera config scan failed');
        }
      } while (this.scanAgain);
    })().finally(() => {
      this.scanning = null;
    });
    return this.scanning;
  }

  private async applyScan(found: CameraFile[]): Promise<void> {
    const seen = new Set<string>();
    /** (organization, camera id) → the key of the file that holds it; a second file for it is refused. */
    const claimed = new Map<string, string>();
    const orgs = await this.ctx.db.selectFrom('organizations').select('id').execute();
    for (const f of found) {
      seen.add(f.key);
      const prev = this.entries.get(f.key);
      const reuse = prev && prev.hash === f.hash && !(prev.organizationId === null && orgs.length > 0);
      let entry = reuse
        ? prev
        : await this.resolve(
            f,
            orgs.map((o) => o.id),
            prev?.organizationId ?? (await this.storedOrganization(f)),
          );
      if (entry.organizationId !== null) {
        const owner = `${entry.organizationId}\u0000${entry.id}`;
        const first = claimed.get(owner);
        if (first === undefined) claimed.set(owner, f.key);
        else entry = duplicate(entry, first);
      }
      if (entry === prev) continue;
      const unchanged = prev !== undefined && JSON.stringify(prev.issues) === JSON.stringify(entry.issues);
      if (prev && prev.hash === f.hash && unchanged && prev.organizationId === entry.organizationId) continue;
      // Keep the live counters of a camera whose file changed; the pipeline restarts it anyway.
      this.entries.set(f.key, entry);
      const logKey = `${f.hash}:${entry.issues.join('|')}`;
      if (this.lastLogged.get(f.key) !== logKey) {
        this.lastLogged.set(f.key, logKey);
        if (entry.issues.length > 0) {
          this.ctx.log.warn(
            { cameraId: f.id, file: f.key, issues: entry.issues },
            `camera "${f.key}" has an invalid config`,
          );
        } else {
          this.ctx.log.info(
            { cameraId: f.id, file: f.key },
            prev ? 'camera config changed' : 'camera config loaded',
          );
        }
      }
      if (
        prev?.organizationId &&
        prev.organizationId !== entry.organizationId &&
        !claimed.has(`${prev.organizationId}\u0000${prev.id}`)
      )
        await this.dropRow(prev);
      await this.persist(entry);
      this.emit({ type: 'upsert', entry });
    }
    for (const key of [...this.entries.keys()]) {
      if (seen.has(key)) continue;
      const prev = this.entries.get(key);
      this.entries.delete(key);
      this.lastLogged.delete(key);
      this.ctx.log.info({ cameraId: prev?.id, file: key }, 'camera config removed');
      this.emit({ type: 'remove', key });
      if (prev?.organizationId && !claimed.has(`${prev.organizationId}\u0000${prev.id}`)) {
        await this.dropRow(prev);
        this.ctx.events.publish('camera.removed', { organizationId: prev.organizationId, cameraId: prev.id });
      }
    }
    // Rows for files deleted while Hadir was down.
    const rows = await this.ctx.db.selectFrom('cameras').select(['organizationId', 'id']).execute();
    for (const r of rows) if (!claimed.has(`${r.organizationId}\u0000${r.id}`)) await this.dropRow(r);
  }

  private async dropRow(c: { organizationId: string | null; id: string }): Promise<void> {
    if (c.organizationId === null) return;
    await this.ctx.db
      .deleteFrom('cameras')
      .where('organizationId', '=', c.organizationId)
      .where('id', '=', c.id)
      .execute();
  }

  /**
   * The organization a camera row already belongs to (a file that breaks keeps its owner): the folder's
   * for an organization folder, else the one organization holding a row with this id.
   */
  private async storedOrganization(f: CameraFile): Promise<string | null> {
    const rows = await this.ctx.db
      .selectFrom('cameras')
      .select('organizationId')
      .where('id', '=', f.id)
      .$if(f.orgFolder !== null, (q) => q.where('organizationId', '=', f.orgFolder ?? ''))
      .execute();
    return rows.length === 1 ? (rows[0]?.organizationId ?? null) : null;
  }

  private async resolve(f: CameraFile, orgIds: string[], knownOrg: string | null): Promise<CameraEntry> {
    const base = { key: f.key, id: f.id, hash: f.hash, raw: f.json, areaId: null };
    if (f.parseError !== null) {
      const issues = [`camera "${f.id}": config.json is ${f.parseError}; fix the JSON syntax`];
      return {
        ...base,
        // A file that breaks keeps its owner, so the API shows it invalid instead of its stale last state.
        organizationId:
          knownOrg !== null && orgIds.includes(knownOrg)
            ? knownOrg
            : f.orgFolder !== null
              ? orgIds.includes(f.orgFolder)
                ? f.orgFolder
                : null
              : orgIds.length === 1
                ? (orgIds[0] ?? null)
                : null,
        config: null,
        file: null,
        issues,
        status: initialStatus(f.id, null, issues),
      };
    }
    const result = parseCameraConfigFile(f.id, f.json);
    const fileParsed = CameraConfigFileSchema.safeParse(f.json);
    const file = fileParsed.success ? fileParsed.data : null;
    const declaredOrg =
      f.json !== null && typeof f.json === 'object' && 'organizationId' in f.json
        ? String(f.json.organizationId)
        : null;
    const issues = result.ok ? [] : [...result.issues];
    let organizationId: string | null = null;
    if (f.orgFolder !== null) {
      // camera_config/<organization id>/<id>/: the folder names the organization.
      if (!orgIds.includes(f.orgFolder))
        issues.push(
          `camera "${f.key}": folder "${f.orgFolder}" is not an organization id; move the camera folder into camera_config/<organization id>/`,
        );
      else if (declaredOrg !== null && declaredOrg !== f.orgFolder)
        issues.push(
          `camera "${f.key}": organizationId: "${declaredOrg}" differs from its folder "${f.orgFolder}"; remove the field or move the file`,
        );
      else organizationId = f.orgFolder;
    } else if (declaredOrg !== null) {
      if (orgIds.includes(declaredOrg)) organizationId = declaredOrg;
      else
        issues.push(`camera "${f.id}": organizationId: no organization "${declaredOrg}"; use an existing id`);
    } else if (orgIds.length === 1) organizationId = orgIds[0] ?? null;
    else if (orgIds.length > 1) {
      issues.push(
        `camera "${f.id}": organizationId: is required when Hadir has several organizations; add the organization id`,
      );
    }
    if (result.ok && issues.length === 0 && organizationId !== null) {
      // The outbound-target policy: a source it refuses never starts (checked again before ffmpeg runs).
      try {
        await this.checkSource(organizationId, result.config.source);
        if (result.config.detectSource) await this.checkSource(organizationId, result.config.detectSource);
      } catch (error) {
        if (!(error instanceof OutboundRefused)) throw error;
        // A name that does not resolve right now is an offline camera, not an invalid config.
        if (!error.unresolved) issues.push(`camera "${f.id}": source: ${error.message}`);
      }
    }
    let areaId: string | null = null;
    const config = result.ok && issues.length === 0 ? result.config : null;
    if (config?.area && organizationId) {
      const area = await this.ctx.db
        .selectFrom('areas')
        .select('id')
        .where('organizationId', '=', organizationId)
        .where((eb) => eb.or([eb('id', '=', config.area ?? ''), eb('name', '=', config.area ?? '')]))
        .executeTakeFirst();
      areaId = area?.id ?? null;
    }
    return {
      ...base,
      organizationId,
      config,
      file,
      issues,
      areaId,
      status: initialStatus(f.id, config, issues),
    };
  }

  private emit(change: CameraChange): void {
    for (const l of this.listeners) {
      try {
        l(change);
      } catch (err) {
        this.ctx.log.error({ err }, 'camera change listener failed');
      }
    }
  }

  /** The pipeline reports health; written through to the database on changes and as a heartbeat. */
  /**
   * A camera's health from the pipeline (every 2 s; written at least every statusPersistMs or on a
   * change) or from an edge box (`persist`: each push is written, its row's age is the edge's silence).
   */
  async reportStatus(key: string, status: CameraStatus, opts: { persist?: boolean } = {}): Promise<void> {
    const entry = this.entries.get(key);
    if (!entry) return;
    const before = entry.status;
    entry.status = status;
    const important =
      opts.persist === true || before.state !== status.state || before.lastError !== status.lastError;
    const now = this.ctx.clock.nowMs();
    const last = this.lastPersistMs.get(key) ?? 0;
    if (important || now - last >= (this.opts.statusPersistMs ?? 5000)) await this.persist(entry);
  }

  private async persist(entry: CameraEntry): Promise<void> {
    if (entry.organizationId === null) return;
    const now = this.ctx.clock.nowMs();
    this.lastPersistMs.set(entry.key, now);
    const stored: StoredStatus = { ...entry.status, issues: entry.issues };
    const row = {
      organizationId: entry.organizationId,
      name: entry.config?.name ?? nameFromRaw(entry.raw) ?? entry.id,
      areaId: entry.areaId,
      enabled: entry.config ? (entry.config.enabled ? 1 : 0) : 0,
      // `overrides` lists the fields the file sets itself (a resolved config always carries defaults).
      config: JSON.stringify(
        entry.config ? { ...entry.config, overrides: Object.keys(entry.file ?? {}) } : (entry.raw ?? null),
      ),
      status: JSON.stringify(stored),
      updatedAt: now,
    };
    await this.ctx.db
      .insertInto('cameras')
      .values({ id: entry.id, ...row })
      .onConflict((oc) => oc.columns(['organizationId', 'id']).doUpdateSet(row))
      .execute();
    this.ctx.events.publish('camera.statusChanged', {
      organizationId: entry.organizationId,
      camera: presentCamera({ id: entry.id, ...row }),
    });
  }

  // ---- API operations (they write the file; the watcher logic applies it) ----

  async listViews(orgId: string): Promise<CameraView[]> {
    const rows = await this.ctx.db
      .selectFrom('cameras')
      .selectAll()
      .where('organizationId', '=', orgId)
      .orderBy('name')
      .orderBy('id')
      .execute();
    return rows.map(presentCamera);
  }

  async view(orgId: string, id: string): Promise<CameraView> {
    const row = await this.ctx.db
      .selectFrom('cameras')
      .selectAll()
      .where('organizationId', '=', orgId)
      .where('id', '=', id)
      .executeTakeFirst();
    if (!row) throw notFound('Camera');
    return presentCamera(row);
  }

  async create(auth: AuthContext, orgId: string, input: CameraCreate): Promise<CameraView> {
    // Ids are per organization: only this organization's cameras (and its own folder) can clash.
    const key = cameraKey(orgId, input.id);
    const taken = await this.ctx.db
      .selectFrom('cameras')
      .select('id')
      .where('organizationId', '=', orgId)
      .where('id', '=', input.id)
      .executeTakeFirst();
    if (taken || this.find(orgId, input.id) || this.files.exists(key))
      throw conflict('camera_exists', `Camera "${input.id}" already exists`);
    const json: Record<string, unknown> = { ...input, organizationId: orgId };
    this.validateOrThrow(input.id, json);
    await this.checkSourceOrThrow(orgId, json.source);
    if (json.detectSource !== undefined) await this.checkSourceOrThrow(orgId, json.detectSource);
    this.files.write(key, json);
    await this.auditChange(auth, orgId, 'camera.created', input.id, `Added camera "${input.name}"`);
    await this.rescan();
    return this.view(orgId, input.id);
  }

  async update(auth: AuthContext, orgId: string, id: string, patch: CameraUpdate): Promise<CameraView> {
    const key = await this.keyOf(orgId, id);
    const current = this.files.readJson(key) ?? {};
    const next: Record<string, unknown> = { ...current, organizationId: orgId };
    for (const [k, v] of Object.entries(patch)) {
      if (v === undefined) continue;
      if (v === null) delete next[k];
      else next[k] = v;
    }
    this.validateOrThrow(id, next);
    await this.checkSourceOrThrow(orgId, next.source);
    if (next.detectSource !== undefined) await this.checkSourceOrThrow(orgId, next.detectSource);
    this.files.write(key, next);
    await this.auditChange(auth, orgId, 'camera.updated', id, updateSummary(id, patch));
    await this.rescan();
    return this.view(orgId, id);
  }

  async remove(auth: AuthContext, orgId: string, id: string): Promise<void> {
    this.files.remove(await this.keyOf(orgId, id));
    await this.auditChange(auth, orgId, 'camera.deleted', id, `Removed camera "${id}"`);
    await this.rescan();
  }

  async thumbnailOf(orgId: string, id: string): Promise<Buffer> {
    const key = await this.keyOf(orgId, id);
    const jpeg = this.thumbnail ? await this.thumbnail(key) : null;
    if (!jpeg) throw notFound('Frame (the camera has not delivered one yet)');
    return jpeg;
  }

  /** The file of an organization's camera (404 when the organization has no such camera). */
  private async keyOf(orgId: string, id: string): Promise<string> {
    await this.view(orgId, id);
    const found = this.find(orgId, id)?.key;
    if (found) return found;
    // Not scanned yet: the organization's folder, else the older camera_config/<id>/ layout.
    return this.files.exists(cameraKey(orgId, id)) ? cameraKey(orgId, id) : id;
  }

  private validateOrThrow(id: string, json: Record<string, unknown>): void {
    const result = parseCameraConfigFile(id, json);
    if (!result.ok)
      throw badRequest('invalid_camera_config', result.issues.join('; '), { issues: result.issues });
  }

  private async auditChange(auth: AuthContext, orgId: string, action: string, id: string, summary: string) {
    await recordAudit(this.ctx.db, this.ctx.clock.nowMs(), {
      organizationId: orgId,
      actor: auth,
      action,
      entityType: 'camera',
      entityId: id,
      summary,
    });
  }
}

/** A second file for a camera id its organization already has: reported, never run nor stored. */
function duplicate(entry: CameraEntry, first: string): CameraEntry {
  const issues = [
    ...entry.issues,
    `camera "${entry.key}": the organization already has camera "${entry.id}" in camera_config/${first}/; remove one of the two folders`,
  ];
  return {
    ...entry,
    organizationId: null,
    config: null,
    issues,
    status: initialStatus(entry.id, null, issues),
  };
}

declare module '../../platform/events/event-bus.js' {
  interface HadirEvents {
    'camera.statusChanged': { organizationId: string; camera: CameraView };
    'camera.removed': { organizationId: string; cameraId: string };
  }
}
