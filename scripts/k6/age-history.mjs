#!/usr/bin/env node
// Ages the rooms of a history seed (k6/seed-history.js) on the LOCAL CLUSTER so chat-service
// moves their older messages to the archive, then records the boundary in the seed file.
//
// Messages move to the archive once older than HOT_RETENTION_DAYS (at least a day), so a fresh
// seed is all "hot" and history.js would never page from chat-service into the archive. This
// backdates `created_at` of each room's messages up to `lastSeq - hotKeep` directly in the
// cluster's Postgres — the one thing k6 cannot do through the API — and waits until the mover
// (every 2 s on the local cluster) has handed them to archive-service and deleted them from
// Postgres: exactly the state a room reaches by age on a real deployment. The seed file gets
// `archivedThrough` per room, which history.js uses to tag pages hot / archive.
//
// Usage: node scripts/k6/age-history.mjs <seed.json> [--database-url URL] [--days 30]
//   the database defaults to CLUSTER_DATABASE_URL of .infra/cluster/cluster.env
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import process from 'node:process';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

const say = (message) => process.stdout.write(`[k6] age-history: ${message}\n`);
const fail = (message) => {
  process.stderr.write(`[k6] age-history: FAILED: ${message}\n`);
  process.exit(1);
};

const args = process.argv.slice(2);
const option = (name) => {
  const i = args.indexOf(name);
  if (i < 0) return undefined;
  const value = args[i + 1];
  args.splice(i, 2);
  return value;
};
let databaseUrl = option('--database-url');
const days = Number(option('--days') ?? 30);
const seedPath = args[0];
if (!seedPath || args.length !== 1 || !(days > 0)) {
  fail('usage: age-history.mjs <seed.json> [--database-url URL] [--days N]');
}
if (!databaseUrl) {
  const clusterEnv = join(
    dirname(fileURLToPath(import.meta.url)),
    '../../.infra/cluster/cluster.env',
  );
  try {
    databaseUrl = /^CLUSTER_DATABASE_URL=(.*)$/m.exec(readFileSync(clusterEnv, 'utf8'))?.[1];
  } catch {
    // Reported below.
  }
  if (!databaseUrl)
    fail(`no --database-url and no CLUSTER_DATABASE_URL in ${clusterEnv} (make cluster-up)`);
}

const seed = JSON.parse(readFileSync(seedPath, 'utf8'));
const cuts = seed.rooms
  .map((room) => ({ room, through: room.lastSeq - seed.hotKeep }))
  .filter((cut) => cut.through > 0);
if (cuts.length === 0)
  fail(`${seedPath}: no room has more than hotKeep (${seed.hotKeep}) messages`);
const ids = cuts.map((cut) => cut.room.id);
const throughs = cuts.map((cut) => cut.through);
// Rows of the seeded rooms at or below their cut, joined on arrays: one statement for all rooms.
const DUE = `from chat.messages m join unnest($1::uuid[], $2::bigint[]) as c(room_id, through)
             on m.room_id = c.room_id and m.seq <= c.through`;

const client = new pg.Client({ connectionString: databaseUrl });
const t0 = Date.now();
/** Polls `sql` (a count) until it returns 0, for at most `seconds`; the last count otherwise. */
async function until0(sql, seconds) {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    const { rows } = await client.query(sql, [ids, throughs]);
    const left = Number(rows[0].n);
    if (left === 0 || Date.now() > deadline) return left;
    await sleep(500);
  }
}
try {
  await client.connect();
  // The mover takes only messages already published to Kafka (the outbox): wait for those.
  const unpublished = await until0(`select count(*) as n ${DUE} where m.published_at is null`, 30);
  if (unpublished > 0) fail(`${unpublished} seeded messages still unpublished to Kafka after 30 s`);
  const aged = await client.query(
    `update chat.messages m set created_at = m.created_at - make_interval(days => $3)
     from unnest($1::uuid[], $2::bigint[]) as c(room_id, through)
     where m.room_id = c.room_id and m.seq <= c.through`,
    [ids, throughs, days],
  );
  say(`backdated ${aged.rowCount} messages of ${cuts.length} rooms by ${days} days`);
  const left = await until0(`select count(*) as n ${DUE}`, 90);
  if (left > 0) {
    fail(`${left} aged messages still in Postgres after 90 s: is the mover running (chat log)?`);
  }
} catch (error) {
  fail(error.message);
} finally {
  await client.end().catch(() => {});
}
for (const cut of cuts) cut.room.archivedThrough = cut.through;
writeFileSync(seedPath, JSON.stringify(seed, null, 2));
say(
  `moved to the archive in ${((Date.now() - t0) / 1000).toFixed(1)} s: seqs 1..${throughs.join('/')} ` +
    `(rooms keep their newest ${seed.hotKeep} in Postgres); updated ${seedPath}`,
);
