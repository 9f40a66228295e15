import fs from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import type { EdgeConfig, EdgeIngestItem } from '@hadir/contracts';
import type { SecretBox } from '../platform/crypto/secret-box.js';

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
/** An item as queued: everything but its seq, which the queue gives it. */
export type QueuedBody = DistributiveOmit<EdgeIngestItem, 'seq'>;

export interface Enrolment {
  edgeId: string;
  organizationId: string;
  credential: string;
}

/**
 * The edge box's only database: a SQLite file in its data dir (0600), never the hub's. It holds the
 * device credential and the pulled config (cameras and gallery embeddings) sealed with the box's
 * SecretBox, and the store-and-forward queue: items in seq order (AUTOINCREMENT, so a seq is never
 * reused even after the items before it were acknowledged and deleted). Everything survives a restart.
 */
export class EdgeStore {
  private readonly db: BetterSqlite3.Database;

  constructor(
    file: string,
    private readonly secrets: SecretBox,
  ) {
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    fs.closeSync(fs.openSync(file, 'a', 0o600));
    fs.chmodSync(file, 0o600);
    this.db = new BetterSqlite3(file);
    this.db.pragma('journal_mode = WAL');
    // Every enqueued sighting is on disk before the pipeline moves on: a power cut loses none.
    this.db.pragma('synchronous = FULL');
    this.db.exec(`
      create table if not exists edge_kv (key text primary key, value text not null);
      create table if not exists edge_queue (
        seq integer primary key autoincrement,
        kind text not null,
        body text not null,
        created_at integer not null
      );
    `);
  }

  private get(key: string): string | null {
    const row = this.db.prepare('select value from edge_kv where key = ?').get(key) as
      { value: string } | undefined;
    return row?.value ?? null;
  }

  private set(key: string, value: string): void {
    this.db
      .prepare(
        'insert into edge_kv (key, value) values (?, ?) on conflict(key) do update set value = excluded.value',
      )
      .run(key, value);
  }

  enrolment(): Enrolment | null {
    const sealed = this.get('enrolment');
    return sealed ? (JSON.parse(this.secrets.open(sealed)) as Enrolment) : null;
  }

  saveEnrolment(e: Enrolment): void {
    this.set('enrolment', this.secrets.seal(JSON.stringify(e)));
  }

  /** The last config pulled from the hub (cameras keep running on it while the hub is away). */
  config(): EdgeConfig | null {
    const sealed = this.get('config');
    return sealed ? (JSON.parse(this.secrets.open(sealed)) as EdgeConfig) : null;
  }

  saveConfig(config: EdgeConfig): void {
    this.set('config', this.secrets.seal(JSON.stringify(config)));
  }

  enqueue(body: QueuedBody, nowMs: number): number {
    const res = this.db
      .prepare('insert into edge_queue (kind, body, created_at) values (?, ?, ?)')
      .run(body.kind, JSON.stringify(body), nowMs);
    return Number(res.lastInsertRowid);
  }

  /** The oldest items, in seq order. */
  peek(limit: number): EdgeIngestItem[] {
    const rows = this.db.prepare('select seq, body from edge_queue order by seq limit ?').all(limit) as {
      seq: number;
      body: string;
    }[];
    return rows.map((r): EdgeIngestItem => ({ ...(JSON.parse(r.body) as QueuedBody), seq: r.seq }));
  }

  /** Drops acknowledged items (only those: never an item the hub has not confirmed). */
  acknowledge(seqs: number[]): void {
    const del = this.db.prepare('delete from edge_queue where seq = ?');
    this.db.transaction((list: number[]) => {
      for (const s of list) del.run(s);
    })(seqs);
  }

  depth(): number {
    return (this.db.prepare('select count(*) as n from edge_queue').get() as { n: number }).n;
  }

  close(): void {
    this.db.close();
  }
}
