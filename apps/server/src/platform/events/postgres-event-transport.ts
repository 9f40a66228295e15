import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { Logger } from '../logging/logger.js';
import type { EventTransport } from './event-bus.js';

/** PostgreSQL refuses NOTIFY payloads of 8000 bytes or more. */
const MAX_PAYLOAD_BYTES = 7900;

interface Wire {
  /** The publishing process, so it does not hear its own events twice. */
  o: string;
  n: string;
  p: unknown;
}

/**
 * Live events between processes over PostgreSQL LISTEN/NOTIFY (HADIR_EVENTS=postgres). One dedicated
 * connection per process both listens and sends, so events leave in the order they were published.
 * A lost connection is reopened with backoff; events in the gap are lost, which a live view tolerates
 * (the web app refetches when its socket reconnects).
 */
export class PostgresEventTransport implements EventTransport {
  private readonly origin = randomUUID();
  private client: pg.Client | null = null;
  private closed = false;
  private retryMs = 250;
  private dropped = 0;

  private constructor(
    private readonly connectionString: string,
    private readonly channel: string,
    private readonly log: Logger,
    private readonly onEvent: (name: string, payload: unknown) => void,
  ) {}

  static async connect(
    connectionString: string,
    channel: string,
    log: Logger,
    onEvent: (name: string, payload: unknown) => void,
  ): Promise<PostgresEventTransport> {
    const t = new PostgresEventTransport(connectionString, channel, log, onEvent);
    await t.open();
    return t;
  }

  /** Whether the listening connection is up (readiness). */
  get connected(): boolean {
    return this.client !== null;
  }

  private async open(): Promise<void> {
    const client = new pg.Client({
      connectionString: this.connectionString,
      application_name: 'hadir-events',
    });
    client.on('notification', (msg) => {
      if (msg.channel !== this.channel || !msg.payload) return;
      try {
        const wire = JSON.parse(msg.payload) as Wire;
        if (wire.o !== this.origin) this.onEvent(wire.n, wire.p);
      } catch (err) {
        this.log.warn({ err }, 'unreadable live event');
      }
    });
    const lost = (err?: unknown) => {
      if (this.client !== client) return;
      this.client = null;
      void client.end().catch(() => undefined);
      if (this.closed) return;
      this.log.warn({ err }, 'live events connection lost; reconnecting');
      const wait = this.retryMs;
      this.retryMs = Math.min(10_000, this.retryMs * 2);
      setTimeout(() => void this.open().catch((e: unknown) => lost(e)), wait).unref();
    };
    client.on('error', lost);
    client.on('end', () => lost());
    await client.connect();
    await client.query(`LISTEN ${this.channel}`);
    this.client = client;
    this.retryMs = 250;
  }

  send(name: string, payload: unknown): void {
    const client = this.client;
    if (!client) {
      this.dropped++;
      return;
    }
    const text = JSON.stringify({ o: this.origin, n: name, p: payload } satisfies Wire);
    if (Buffer.byteLength(text) > MAX_PAYLOAD_BYTES) {
      this.dropped++;
      this.log.warn(
        { event: name, bytes: Buffer.byteLength(text) },
        'live event too large for NOTIFY; not sent',
      );
      return;
    }
    client.query('select pg_notify($1, $2)', [this.channel, text]).catch((err: unknown) => {
      this.dropped++;
      this.log.warn({ err, event: name }, 'live event not sent');
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => undefined);
  }
}
