// Embedded Postgres for the standalone mode: PGlite (real Postgres compiled to WebAssembly) in this
// process, and a Kysely per service schema on it — the counterpart of createPostgresDb.
//
// PGlite is ONE Postgres session. Three things follow, each handled here rather than in services:
// - Services are written for pools: a transaction holds its own connection while others query.
//   Here a transaction holds the whole session, so every statement of every service queues behind
//   it (a FIFO lock). Statements outside transactions take the lock one at a time, so a connection
//   held without a transaction (chat's archive mover keeps one across HTTP calls to the archive,
//   which writes to this same database) never blocks anybody: no deadlock.
// - Each service owns a schema and writes unqualified names (`search_path` in the cluster). The
//   session's search_path is switched, outside any transaction, whenever the next unit of work
//   belongs to another schema, so one service's setting never leaks into another's statements.
// - Results and errors must look like node-postgres', which the services are written against:
//   statements go through a `pg.Client` on PGlite's node-postgres adapter, so int8 comes back as a
//   string, timestamps as Dates, and errors carry the same SQLSTATE `code` and `constraint`.
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { PGlite } from '@electric-sql/pglite';
import {
  CompiledQuery,
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  type QueryResult,
  type TransactionSettings,
} from 'kysely';
import pg from 'pg';
import type { Logger } from 'pino';
import { assertSchemaName } from './schema-name.js';

export interface EmbeddedPostgresOptions {
  /** Directory of the database files (created when missing); `memory://` keeps nothing (tests). */
  dataDir: string;
  logger: Logger;
  /**
   * Postgres' shared_buffers. PGlite's default (128MB) costs ~130 MB of resident memory; a chat
   * database's working set is far smaller, so 16MB keeps the process lean (measured: ~190 MB RSS
   * for an open database instead of ~310 MB).
   */
  sharedBuffers?: string;
}

export interface EmbeddedPostgres {
  /** True when this call created the database (a first start). */
  readonly created: boolean;
  /** A Kysely on `schema` (created by the service's migrations). `destroy()` leaves the database open. */
  database<DB>(schema: string): Kysely<DB>;
  /** Waits for the transaction in flight, then shuts Postgres down cleanly (data is on disk). */
  close(): Promise<void>;
}

/** A first-come-first-served lock: what a pool's connections are to Postgres, for one session. */
class SessionLock {
  private tail: Promise<void> = Promise.resolve();

  acquire(): Promise<() => void> {
    let release = (): void => undefined;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const acquired = this.tail.then(() => release);
    this.tail = this.tail.then(() => held);
    return acquired;
  }
}

const quoteIdent = (name: string): string => `"${name.replaceAll('"', '""')}"`;

/** The one Postgres session, shared by every service's Kysely. */
class Session {
  private readonly lock = new SessionLock();
  private searchPath: string | undefined;
  private closed = false;

  constructor(private readonly client: pg.Client) {}

  /** Takes the session for one unit of work (a statement or a transaction) of `schema`. */
  async take(schema: string): Promise<() => void> {
    const release = await this.lock.acquire();
    try {
      if (this.closed) throw new Error('The embedded Postgres is closed');
      // Outside any transaction, so a rollback cannot undo it behind our back.
      if (this.searchPath !== schema) {
        await this.client.query(`set search_path to ${quoteIdent(schema)}`);
        this.searchPath = schema;
      }
      return release;
    } catch (error) {
      release();
      throw error;
    }
  }

  async run(sql: string, parameters: readonly unknown[]): Promise<QueryResult<unknown>> {
    const { command, rowCount, rows } = await this.client.query(sql, [...parameters]);
    // As Kysely's PostgresConnection reports it, so `numDeletedRows` & co. mean the same.
    const changes = ['INSERT', 'UPDATE', 'DELETE', 'MERGE'].includes(command);
    return {
      numAffectedRows: changes && rowCount !== null ? BigInt(rowCount) : undefined,
      rows: rows as unknown[],
    };
  }

  async close(): Promise<void> {
    const release = await this.lock.acquire();
    try {
      if (this.closed) return;
      this.closed = true;
      await this.client.end();
    } finally {
      release();
    }
  }
}

class PgliteConnection implements DatabaseConnection {
  /** Set while this connection runs a transaction: it holds the session until commit/rollback. */
  private release: (() => void) | undefined;

  constructor(
    private readonly session: Session,
    private readonly schema: string,
  ) {}

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    if (this.release)
      return (await this.session.run(query.sql, query.parameters)) as QueryResult<R>;
    const release = await this.session.take(this.schema);
    try {
      return (await this.session.run(query.sql, query.parameters)) as QueryResult<R>;
    } finally {
      release();
    }
  }

  // eslint-disable-next-line require-yield -- the interface wants a generator; there is nothing to stream
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('Streaming is not supported on the embedded Postgres');
  }

  async begin(settings: TransactionSettings): Promise<void> {
    const release = await this.session.take(this.schema);
    let sql = 'begin';
    if (settings.isolationLevel) sql += ` isolation level ${settings.isolationLevel}`;
    if (settings.accessMode) sql += ` ${settings.accessMode}`;
    try {
      await this.session.run(sql, []);
    } catch (error) {
      release();
      throw error;
    }
    this.release = release;
  }

  async end(command: 'commit' | 'rollback'): Promise<void> {
    try {
      await this.session.run(command, []);
    } finally {
      this.abandon();
    }
  }

  /** Gives the session back (also when a transaction was never ended: its next BEGIN fails loudly). */
  abandon(): void {
    const { release } = this;
    this.release = undefined;
    release?.();
  }
}

function asPglite(connection: DatabaseConnection): PgliteConnection {
  if (!(connection instanceof PgliteConnection))
    throw new Error('Not an embedded Postgres connection');
  return connection;
}

class PgliteDriver implements Driver {
  constructor(
    private readonly session: Session,
    private readonly schema: string,
  ) {}

  async init(): Promise<void> {
    // The session is open already; the schema comes with the service's migrations.
  }

  // A connection is only a handle: it takes the session per statement, or for a transaction.
  async acquireConnection(): Promise<DatabaseConnection> {
    return new PgliteConnection(this.session, this.schema);
  }

  async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings) {
    await asPglite(connection).begin(settings);
  }

  async commitTransaction(connection: DatabaseConnection) {
    await asPglite(connection).end('commit');
  }

  async rollbackTransaction(connection: DatabaseConnection) {
    await asPglite(connection).end('rollback');
  }

  async savepoint(connection: DatabaseConnection, name: string) {
    await connection.executeQuery(CompiledQuery.raw(`savepoint ${quoteIdent(name)}`));
  }

  async rollbackToSavepoint(connection: DatabaseConnection, name: string) {
    await connection.executeQuery(CompiledQuery.raw(`rollback to savepoint ${quoteIdent(name)}`));
  }

  async releaseSavepoint(connection: DatabaseConnection, name: string) {
    await connection.executeQuery(CompiledQuery.raw(`release savepoint ${quoteIdent(name)}`));
  }

  async releaseConnection(connection: DatabaseConnection) {
    asPglite(connection).abandon();
  }

  async destroy(): Promise<void> {
    // The session belongs to EmbeddedPostgres, shared by the other services' Kyselys.
  }
}

function pgliteDialect(session: Session, schema: string): Dialect {
  return {
    createAdapter: () => new PostgresAdapter(),
    createDriver: () => new PgliteDriver(session, schema),
    createIntrospector: (db) => new PostgresIntrospector(db),
    createQueryCompiler: () => new PostgresQueryCompiler(),
  };
}

/**
 * Creating a database (initdb) leaves ~450 MB of WebAssembly memory behind that the process never
 * gets back, so a first start does it in a worker thread, whose memory goes with it.
 */
async function initdbInWorker(dataDir: string, conf: string[]): Promise<void> {
  const pgliteModule = createRequire(import.meta.url).resolve('@electric-sql/pglite');
  const code = `
    const { workerData } = require('node:worker_threads');
    const { PGlite } = require(workerData.pgliteModule);
    PGlite.create({ dataDir: workerData.dataDir, postgresqlconf: workerData.conf })
      .then((db) => db.close());`;
  await new Promise<void>((resolve, reject) => {
    const worker = new Worker(code, { eval: true, workerData: { pgliteModule, dataDir, conf } });
    worker.once('error', reject);
    worker.once('exit', (exitCode) => {
      if (exitCode === 0) resolve();
      else reject(new Error(`Creating the embedded database failed (worker exit ${exitCode})`));
    });
  });
}

/** Opens (creating on first use) the embedded Postgres at `dataDir`. One process at a time. */
export async function openEmbeddedPostgres({
  dataDir,
  logger,
  sharedBuffers = '16MB',
}: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  const conf = [`shared_buffers=${sharedBuffers}`];
  const inMemory = dataDir.startsWith('memory://');
  const created = inMemory || !existsSync(join(dataDir, 'PG_VERSION'));
  if (created && !inMemory) {
    await mkdir(dataDir, { recursive: true });
    logger.info({ dataDir }, 'creating the embedded Postgres database');
    await initdbInWorker(dataDir, conf);
  }

  const { PGlite } = await import('@electric-sql/pglite');
  const { createPgConfig } = await import('@electric-sql/pglite/node-postgres');
  const pglite: PGlite = await PGlite.create({ dataDir, postgresqlconf: conf });
  const client = new pg.Client(createPgConfig(pglite));
  client.on('error', (error) => {
    logger.error({ err: error }, 'embedded Postgres session failed');
  });
  await client.connect();
  const session = new Session(client);
  logger.info({ dataDir, created }, 'embedded Postgres open');

  let closing: Promise<void> | undefined;
  return {
    created,
    database: <DB>(schema: string) =>
      new Kysely<DB>({ dialect: pgliteDialect(session, assertSchemaName(schema)) }),
    close() {
      closing ??= (async () => {
        await session.close();
        await pglite.close();
        logger.info({ dataDir }, 'embedded Postgres closed');
      })();
      return closing;
    },
  };
}
