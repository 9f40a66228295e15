/** Messages between the SQLite read pool and its workers (read-pool.ts ↔ read-pool.worker.ts). */

export interface ReadWorkerData {
  /** Absolute path of the SQLite file the main connection has open (WAL). */
  file: string;
}

export interface ReadRequest {
  id: number;
  sql: string;
  parameters: readonly unknown[];
}

export type ReadResponse =
  | { id: number; rows: Record<string, unknown>[] }
  | { id: number; error: { message: string; code?: string } }
  /** The statement would write (or returns nothing): the main connection runs it. */
  | { id: number; notReadOnly: true }
  /** Sent once with id -1 when the connection is open. */
  | { id: -1; ready: true };
