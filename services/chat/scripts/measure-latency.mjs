#!/usr/bin/env node
// Cross-process delivery latency and throughput of chat-service (a measurement, not a test).
//
// Starts two real chat processes (dist/main.js) on the local Postgres, Redis and Kafka
// (`make infra-up`), connects N socket.io clients spread over both, puts them in R rooms so
// every room has members on both processes, and has every client send its share of M messages
// as fast as its acks come back (or, with --rate, at a fixed total rate). Each message carries
// its send time; receivers on the *other* process record how long it took to arrive. Prints
// send→ack, send→delivery and ack→delivery (the Redis-adapter hop) percentiles, messages/s,
// and any delivery that never arrived (exit code 1).
//
//   npm run build -w @falablau/chat
//   node services/chat/scripts/measure-latency.mjs [--clients 40] [--rooms 4] [--messages 10000]
//     [--rate 200]   (messages/s over all clients; default: as fast as acks allow)
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { expectOk, request, startChatCluster, waitFor } from '../dist/testing/index.js';

const { values } = parseArgs({
  options: {
    clients: { type: 'string', default: '40' },
    rooms: { type: 'string', default: '4' },
    messages: { type: 'string', default: '10000' },
    rate: { type: 'string' },
  },
});
const clientCount = Number(values.clients);
const roomCount = Number(values.rooms);
const messageCount = Number(values.messages);
const rate = values.rate === undefined ? undefined : Number(values.rate);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
if (clientCount < 2 * roomCount) throw new Error('need at least two clients per room');

const now = () => performance.timeOrigin + performance.now();

function percentile(sorted, p) {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

function summary(label, samples) {
  const sorted = Float64Array.from(samples).sort();
  const f = (v) => `${v.toFixed(2)} ms`;
  return (
    `${label.padEnd(30)} n=${String(sorted.length).padEnd(7)} p50 ${f(percentile(sorted, 50))}` +
    `  p90 ${f(percentile(sorted, 90))}  p99 ${f(percentile(sorted, 99))}` +
    `  max ${f(sorted.at(-1) ?? Number.NaN)}`
  );
}

console.log(`starting 2 chat processes…`);
const cluster = await startChatCluster({
  name: 'chat_latency',
  env: {
    LOG_LEVEL: 'warn',
    // The measurement floods on purpose: lift the per-user limits.
    SOCKET_RATE_LIMIT_MESSAGES: '1000000/10s',
    SOCKET_RATE_LIMIT_JOINS: '1000000/10s',
    DATABASE_POOL_SIZE: '20',
  },
});

try {
  const [p0, p1] = cluster.processes;
  const owner = cluster.minter.user('owner');
  const rooms = [];
  for (let r = 0; r < roomCount; r += 1) rooms.push(await cluster.createRoom(owner));

  console.log(`connecting ${clientCount} clients…`);
  const clients = [];
  for (let i = 0; i < clientCount; i += 1) {
    const user = cluster.minter.user(`load${i}`);
    const processIndex = i % 2;
    const room = rooms[Math.floor(i / 2) % roomCount];
    const { client } = await cluster.connect(user, processIndex === 0 ? p0 : p1);
    expectOk(await request(client, 'join_room', { roomId: room.id }));
    clients.push({ user, client, processIndex, roomId: room.id });
  }
  const processOf = new Map(clients.map((c) => [c.user.userId, c.processIndex]));
  const membersOn = (roomId, processIndex) =>
    clients.filter((c) => c.roomId === roomId && c.processIndex === processIndex).length;

  const crossLatencies = [];
  const localLatencies = [];
  const ackLatencies = [];
  /** message id → when its sender got the ack; [id, receivedAt] of cross-process deliveries. */
  const ackedAt = new Map();
  const crossArrivals = [];
  let received = 0;
  for (const c of clients) {
    c.client.on('message', (message) => {
      const at = now();
      const sentAt = Number(message.text.split(':')[1]);
      received += 1;
      if (processOf.get(message.userId) === c.processIndex) {
        localLatencies.push(at - sentAt);
      } else {
        crossLatencies.push(at - sentAt);
        crossArrivals.push([message.id, at]);
      }
    });
  }

  const perClient = Math.ceil(messageCount / clientCount);
  let expectedDeliveries = 0;
  let expectedCross = 0;
  for (const c of clients) {
    const others = membersOn(c.roomId, 0) + membersOn(c.roomId, 1) - 1;
    expectedDeliveries += others * perClient;
    expectedCross += membersOn(c.roomId, 1 - c.processIndex) * perClient;
  }

  console.log(
    `sending ${perClient * clientCount} messages (${perClient} per client, ` +
      `${rate === undefined ? 'each client as fast as its acks come back' : `${rate}/s in total`})…`,
  );
  const send = async (c, i) => {
    const sentAt = now();
    const ack = expectOk(
      await request(
        c.client,
        'send_message',
        {
          roomId: c.roomId,
          text: `t:${sentAt}:${i}`,
          clientMsgId: `${c.user.userId.slice(0, 8)}-${i}`,
        },
        30_000,
      ),
    );
    const at = now();
    ackLatencies.push(at - sentAt);
    ackedAt.set(ack.message.id, at);
  };
  const started = now();
  await Promise.all(
    clients.map(async (c, index) => {
      if (rate === undefined) {
        for (let i = 0; i < perClient; i += 1) await send(c, i);
        return;
      }
      // Open loop: client k sends at start + (k + i·clients)/rate, whatever the acks do.
      const pending = [];
      for (let i = 0; i < perClient; i += 1) {
        const due = started + ((index + i * clientCount) / rate) * 1000;
        await sleep(Math.max(0, due - now()));
        pending.push(send(c, i));
      }
      await Promise.all(pending);
    }),
  );
  const sendSeconds = (now() - started) / 1000;
  await waitFor(() => received >= expectedDeliveries, 'every delivery', {
    timeoutMs: 30_000,
  }).catch(() => undefined);
  const allSeconds = (now() - started) / 1000;
  const sent = perClient * clientCount;

  console.log('');
  console.log(
    `clients ${clientCount} (half on each process), rooms ${roomCount}, messages ${sent}`,
  );
  console.log(summary('send → ack', ackLatencies));
  console.log(summary('delivery, other process', crossLatencies));
  console.log(summary('delivery, same process', localLatencies));
  console.log(
    summary(
      'ack → delivery, other process',
      crossArrivals.flatMap(([id, at]) => (ackedAt.has(id) ? [at - ackedAt.get(id)] : [])),
    ),
  );
  console.log(
    `throughput: ${(sent / sendSeconds).toFixed(0)} messages/s stored and acked ` +
      `(${sendSeconds.toFixed(2)} s), ${(received / allSeconds).toFixed(0)} deliveries/s`,
  );
  console.log(
    `deliveries: ${received} of ${expectedDeliveries} (cross-process ${crossLatencies.length} of ${expectedCross})` +
      (received === expectedDeliveries ? ', none lost' : ', SOME MISSING'),
  );
  // Where the send→ack time goes, from the processes' own metrics (averages over both).
  let storeSum = 0;
  let storeCount = 0;
  let ackSum = 0;
  let ackCount = 0;
  for (const p of cluster.processes) {
    const text = await (await fetch(`${p.url}/metrics`)).text();
    const value = (pattern) =>
      text
        .split('\n')
        .filter((line) => pattern.test(line))
        .reduce((sum, line) => sum + Number(line.split(' ').at(-1)), 0);
    storeSum += value(/^chat_message_store_duration_seconds_sum/);
    storeCount += value(/^chat_message_store_duration_seconds_count/);
    ackSum += value(/^chat_socket_ack_duration_seconds_sum\{.*event="send_message"/);
    ackCount += value(/^chat_socket_ack_duration_seconds_count\{.*event="send_message"/);
  }
  console.log(
    `server side, per send_message: ${((ackSum / ackCount) * 1000).toFixed(2)} ms from event to ack, ` +
      `of which ${((storeSum / storeCount) * 1000).toFixed(2)} ms storing (averages)`,
  );
  process.exitCode = received === expectedDeliveries ? 0 : 1;
} finally {
  await cluster.close();
}
