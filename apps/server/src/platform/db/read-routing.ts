import { AsyncLocalStorage } from 'node:async_hooks';
import {
  RawNode,
  SelectQueryNode,
  SqliteDialect,
  type CompiledQuery,
  type DatabaseConnection,
  type Driver,
  type QueryCompiler,
  type QueryResult,
  type SqliteDialectConfig,
  type TransactionSettings,
} from 'kysely';
import type { SqliteReadPool } from './read-pool.js';

/**
 * Which organization's heavy request is running (the HTTP layer opens the scope for routes with
 * `config.limit: 'query'`, see Database.heavyReads); outside it every query uses the main connection.
 */
const heavyScope = new AsyncLocalStorage<{ organizationId: string }>();

export function runHeavyReads<T>(organizationId: string, fn: () => T): T {
  return heavyScope.run({ organizationId }, fn);
}

/**
 * SQLite with a read pool: inside a heavy-read scope, a SELECT that is not part of a transaction runs on
 * a worker's read-only connection (read-pool.ts); writes, transactions and everything outside the scope
 * run on the main connection as before. A write commits on the main connection before its promise
 * resolves, and each worker query starts its own read transaction, so a list right after a create sees
 * the new row.
 */
export class ReadRoutingSqliteDialect extends SqliteDialect {
  constructor(
    config: SqliteDialectConfig,
    private readonly pool: SqliteReadPool,
  ) {
    super(config);
  }

  override createDriver(): Driver {
    return new ReadRoutingDriver(super.createDriver(), this.pool);
  }
}

class ReadRoutingDriver implements Driver {
  constructor(
    private readonly main: Driver,
    private readonly pool: SqliteReadPool,
  ) {}

  init(): Promise<void> {
    return this.main.init();
  }

  /** Takes nothing yet: the main connection (a lock: SQLite has one) only when a query needs it. */
  acquireConnection(): Promise<DatabaseConnection> {
    return Promise.resolve(new RoutedConnection(this.main, this.pool));
  }

  async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    await this.main.beginTransaction(await routed(connection).pin(), settings);
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await this.main.commitTransaction(await routed(connection).pin());
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await this.main.rollbackTransaction(await routed(connection).pin());
  }

  async savepoint(
    connection: DatabaseConnection,
    name: string,
    compile: QueryCompiler['compileQuery'],
  ): Promise<void> {
    await this.main.savepoint!(await routed(connection).pin(), name, compile);
  }

  async rollbackToSavepoint(
    connection: DatabaseConnection,
    name: string,
    compile: QueryCompiler['compileQuery'],
  ): Promise<void> {
    await this.main.rollbackToSavepoint!(await routed(connection).pin(), name, compile);
  }

  async releaseSavepoint(
    connection: DatabaseConnection,
    name: string,
    compile: QueryCompiler['compileQuery'],
  ): Promise<void> {
    await this.main.releaseSavepoint!(await routed(connection).pin(), name, compile);
  }

  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    await routed(connection).unpin();
  }

  async destroy(): Promise<void> {
    await this.main.destroy();
  }
}

function routed(connection: DatabaseConnection): RoutedConnection {
  if (!(connection instanceof RoutedConnection)) throw new Error('Not a connection of this driver');
  return connection;
}

class RoutedConnection implements DatabaseConnection {
  /** The main connection, once a query or a transaction took it (until released). */
  private held: DatabaseConnection | null = null;

  constructor(
    private readonly main: Driver,
    private readonly pool: SqliteReadPool,
  ) {}

  async pin(): Promise<DatabaseConnection> {
    this.held ??= await this.main.acquireConnection();
    return this.held;
  }

  async unpin(): Promise<void> {
    const held = this.held;
    this.held = null;
    if (held) await this.main.releaseConnection(held);
  }

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    const rows = await this.offload(query);
    if (rows) return { rows: rows as R[] };
    return (await this.pin()).executeQuery<R>(query);
  }

  async *streamQuery<R>(query: CompiledQuery, chunkSize?: number): AsyncIterableIterator<QueryResult<R>> {
    const rows = await this.offload(query);
    if (!rows) {
      yield* (await this.pin()).streamQuery<R>(query, chunkSize);
      return;
    }
    const size = Math.max(1, chunkSize ?? 100);
    for (let i = 0; i < rows.length; i += size) yield { rows: rows.slice(i, i + size) as R[] };
  }

  /** The rows from a worker, or null when this query belongs on the main connection. */
  private offload(query: CompiledQuery): Promise<Record<string, unknown>[] | null> {
    const scope = heavyScope.getStore();
    if (!scope || this.held || !isRead(query)) return Promise.resolve(null);
    return this.pool.execute(scope.organizationId, query);
  }
}

/** A SELECT built by Kysely, or raw SQL that starts as one (the worker checks it writes nothing). */
function isRead(query: CompiledQuery): boolean {
  if (SelectQueryNode.is(query.query)) return true;
  return RawNode.is(query.query) && /^\s*(select|with)\b/i.test(query.sql);
}
