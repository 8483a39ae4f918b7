// P6 archive on an indexed store. The cluster's MongoDB stand-in (FerretDB 1.24, SQLite) uses no
// index for reads, so its archive pages measure a collection scan, not the service. This phase
// measures archive-service's own code path — its routes, token check, cursor and ArchiveStore —
// at 10M archived messages on a store whose indexes are used: the PostgreSQL ArchiveStore (the
// standalone mode's archive, same contract and the same `(roomId, seq)` index as MongoDB's),
// on the cluster's real Postgres server, in a throw-away database dropped afterwards.
//
// The app runs in this process (createApp with that store, ingest off, tokens checked against
// auth-service's JWKS as in the cluster) and is asked over HTTP on 127.0.0.1, one page at a time.
import { randomUUID } from 'node:crypto';
import { createApp, type ArchiveApp } from '@falablau/archive/dist/app.js';
import {
  ARCHIVE_PG_SCHEMA,
  type ArchivePgDb,
} from '@falablau/archive/dist/store/pg/pg-archive-schema.js';
import { createPgArchiveStore } from '@falablau/archive/dist/store/pg/pg-archive-store.js';
import {
  createCallerVerifier,
  createLogger,
  createPostgresDb,
  createThrowawayDatabase,
  type ThrowawayDatabase,
} from '@falablau/common';
import { sql, type Kysely } from 'kysely';
import type { Log } from '../orchestrator/context.js';
import { measurePages, type HistoryConfig, type HistoryFigures } from './history.js';

export interface IndexedArchiveConfig {
  /** Archived messages to hold (10M for the target). */
  messages: number;
  rooms: number;
  /** Rows per insert statement while filling (progress is logged per chunk). */
  chunk: number;
  pages: HistoryConfig;
}

export interface IndexedArchiveFigures {
  store: string;
  archivedMessages: number;
  rooms: number;
  fillSeconds: number;
  tableBytes: number;
  archive: HistoryFigures;
}

export interface IndexedArchiveContext {
  databaseUrl: string;
  authUrl: string;
  issuer: string;
  audience: string;
  token: string;
  log: Log;
}

/** Spread over the last 30 days, as a moved-out archive would be; inside any retention. */
const SPAN_MS = 30 * 24 * 3_600_000;

/**
 * Message `g` (0-based) of the fill, computed in SQL: rooms interleaved as live traffic is
 * (room `g % rooms`, seq `g / rooms + 1`), time and ids ascending with `g` (time-ordered UUIDv7
 * text, as ids minted at send time are), 1,000 authors, ~100 bytes of text.
 */
function fillChunk(from: number, to: number, rooms: string[], startMs: number, stepMs: number) {
  return sql`
    with m as (
      select g,
        (${rooms}::text[])[(g % ${rooms.length}) + 1] as room_id,
        g / ${rooms.length} + 1 as seq,
        'bench-user-' || (g % 1000) as user_id,
        to_timestamp((${startMs}::double precision + g * ${stepMs}::double precision) / 1000.0) as created_at,
        lpad(to_hex((${startMs}::bigint + (g * ${stepMs}::double precision)::bigint)), 12, '0')
          || lpad(to_hex(g), 20, '0') as h
      from generate_series(${from}::bigint, ${to - 1}::bigint) as g
    ), ids as (
      select *, substr(h, 1, 8) || '-' || substr(h, 9, 4) || '-7' || substr(h, 14, 3) || '-8'
        || substr(h, 18, 3) || '-' || substr(h, 21, 12) as id
      from m
    )
    insert into messages (id, room_id, seq, user_id, created_at, message)
    select id, room_id, seq, user_id, created_at,
      jsonb_build_object(
        'id', id, 'roomId', room_id, 'seq', seq, 'userId', user_id,
        'username', 'user' || (g % 1000),
        'text', 'archived message ' || g || ' ' || repeat('x', 80),
        'createdAt', to_char(created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))
    from ids`;
}

async function fill(
  db: Kysely<ArchivePgDb>,
  cfg: IndexedArchiveConfig,
  rooms: string[],
  log: Log,
): Promise<number> {
  const startMs = Date.now() - SPAN_MS;
  const stepMs = SPAN_MS / cfg.messages;
  const t0 = performance.now();
  for (let from = 0; from < cfg.messages; from += cfg.chunk) {
    const to = Math.min(cfg.messages, from + cfg.chunk);
    await fillChunk(from, to, rooms, startMs, stepMs).execute(db);
    const elapsed = (performance.now() - t0) / 1_000;
    log(
      `P6 archive (indexed): ${to.toLocaleString('en-US')} of ${cfg.messages.toLocaleString('en-US')} archived (${elapsed.toFixed(0)} s)`,
    );
  }
  // What autovacuum would have done on a live archive: statistics for the planner.
  await sql`analyze messages`.execute(db);
  return (performance.now() - t0) / 1_000;
}

export async function runIndexedArchive(
  cfg: IndexedArchiveConfig,
  ctx: IndexedArchiveContext,
): Promise<IndexedArchiveFigures> {
  const logger = createLogger({ name: 'bench-archive-indexed', level: 'warn' });
  const rooms = Array.from({ length: cfg.rooms }, () => randomUUID());
  let database: ThrowawayDatabase | undefined;
  let db: Kysely<ArchivePgDb> | undefined;
  let app: ArchiveApp | undefined;
  try {
    database = await createThrowawayDatabase(ctx.databaseUrl, 'bench_archive');
    db = createPostgresDb<ArchivePgDb>({
      url: database.url,
      schema: ARCHIVE_PG_SCHEMA,
      logger,
      poolSize: 4,
    });
    app = await createApp({
      config: {
        retention: { ttlDays: 365, sweepIntervalMs: 3_600_000 },
        trustProxy: false,
        ingest: { enabled: false, topic: 'unused', groupId: 'unused', fromBeginning: false },
      },
      logger,
      store: createPgArchiveStore({ db, logger }),
      verifier: createCallerVerifier({
        jwksUrl: new URL('/.well-known/jwks.json', ctx.authUrl).toString(),
        issuer: ctx.issuer,
        audience: ctx.audience,
      }),
    });
    // Creates the table and its indexes (the store's migrations), then listens.
    const { port } = await app.start(0, '127.0.0.1');
    const fillSeconds = await fill(db, cfg, rooms, ctx.log);
    const size = await sql<{
      bytes: string;
    }>`select pg_total_relation_size('messages')::text as bytes`.execute(db);
    const archive = await measurePages(
      `P6 archive (indexed, ${cfg.messages.toLocaleString('en-US')} archived)`,
      cfg.pages,
      {
        baseUrl: `http://127.0.0.1:${port}`,
        token: ctx.token,
        rooms,
        pathOf: (room, cursor) =>
          `/archive/rooms/${room}?limit=50${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
        log: ctx.log,
      },
    );
    return {
      store: 'PostgreSQL ArchiveStore (the standalone archive) on the cluster Postgres',
      archivedMessages: cfg.messages,
      rooms: cfg.rooms,
      fillSeconds: Math.round(fillSeconds),
      tableBytes: Number(size.rows[0]?.bytes ?? 0),
      archive,
    };
  } finally {
    await app?.close().catch(() => undefined);
    await db?.destroy().catch(() => undefined);
    await database?.drop();
  }
}
