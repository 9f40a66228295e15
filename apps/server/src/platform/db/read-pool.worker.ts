// Worker thread: one read-only better-sqlite3 connection to the server's SQLite file (WAL), so a heavy
// read (a search that scans an organization, an export) runs here and never holds the HTTP event loop.
// Messages: { id, sql, parameters } in; { id, rows }, { id, error } or { id, notReadOnly } out. Each query
// is its own read transaction, so it sees everything committed before it was sent.
import { parentPort, workerData } from 'node:worker_threads';
import BetterSqlite3 from 'better-sqlite3';
import type { ReadRequest, ReadResponse, ReadWorkerData } from './read-pool.protocol.js';

const { file } = workerData as ReadWorkerData;
const port = parentPort;
if (!port) throw new Error('read-pool.worker.ts runs only as a worker thread');

const native = new BetterSqlite3(file, { readonly: true, fileMustExist: true });
native.pragma('busy_timeout = 5000');

// The same few statements come back all the time (each list's count and page); preparing is cheap, but
// not free for a long query text.
const statements = new Map<string, BetterSqlite3.Statement>();
const MAX_STATEMENTS = 200;

function prepared(sql: string): BetterSqlite3.Statement {
  let stmt = statements.get(sql);
  if (!stmt) {
    if (statements.size >= MAX_STATEMENTS) statements.clear();
    stmt = native.prepare(sql);
    statements.set(sql, stmt);
  }
  return stmt;
}

/** Blobs arrive as Uint8Array (structured clone drops Buffer); better-sqlite3 binds Buffers. */
function bindable(value: unknown): unknown {
  return value instanceof Uint8Array && !Buffer.isBuffer(value)
    ? Buffer.from(value.buffer, value.byteOffset, value.byteLength)
    : value;
}

/** A row's blobs are copied to their own buffers: a view would send its whole backing buffer. */
function cloneable(row: Record<string, unknown>): Record<string, unknown> {
  for (const key in row) {
    const value = row[key];
    if (value instanceof Uint8Array) row[key] = new Uint8Array(value);
  }
  return row;
}

function answer(request: ReadRequest): ReadResponse {
  try {
    const stmt = prepared(request.sql);
    // Only statements that write nothing run here (the connection is read-only anyway); anything else
    // goes back to the main connection.
    if (!stmt.reader || !stmt.readonly) return { id: request.id, notReadOnly: true };
    const rows = stmt.all(request.parameters.map(bindable)) as Record<string, unknown>[];
    return { id: request.id, rows: rows.map(cloneable) };
  } catch (error) {
    const e = error as { message?: unknown; code?: unknown };
    return {
      id: request.id,
      error: { message: String(e.message ?? error), ...(typeof e.code === 'string' ? { code: e.code } : {}) },
    };
  }
}

port.on('message', (request: ReadRequest) => port.postMessage(answer(request)));
port.postMessage({ id: -1, ready: true } satisfies ReadResponse);
