// A generator process: holds its share of the sockets and rooms, sends on a schedule, and keeps
// the ledger of what it sent and what its sockets received. Each room lives entirely in one such
// process, so send and receive times come from one clock (performance.now) and loss is counted
// per message and per member without any cross-process matching. Started by the orchestrator
// with child_process.fork; it answers the requests of worker/protocol.ts and exits when the IPC
// channel closes.
import { createPrivateKey, randomUUID } from 'node:crypto';
import { LeanSocket } from '../client/lean-socket.js';
import { decodeFrame, messageTag, socketUrl } from '../protocol/frames.js';
import { Histogram } from '../stats/histogram.js';
import { DeliveryLedger } from '../stats/ledger.js';
import type {
  ConnectResult,
  JoinResult,
  RunParams,
  RunResult,
  SetupResult,
  WorkerMethods,
  WorkerPlan,
  WorkerProgress,
  WorkerReply,
  WorkerRequest,
  WorkerStats,
} from './protocol.js';
import { mintAccessToken, newUser } from './tokens.js';

const ACK_SWEEP_MS = 250;
const MAX_ERROR_KINDS = 8;

let plan: WorkerPlan | undefined;
let roomIds: string[] = [];
let tokens: string[] = [];
let sockets: LeanSocket[] = [];
let ledger = new DeliveryLedger(0);
let disconnects = 0;
let misrouted = 0;
const closeReasons: Record<string, number> = {};
const otherEvents: Record<string, number> = {};

/** Per-run receive accounting, replaced at the start of every run. */
let current:
  | {
      start: number;
      end: number;
      delivery: Histogram;
      deliveries: number[];
      inWindow: number;
    }
  | undefined;

function need(): WorkerPlan {
  if (!plan) throw new Error('setup first');
  return plan;
}

function countError(errors: Record<string, number>, message: string): void {
  const key = message.length > 160 ? `${message.slice(0, 159)}…` : message;
  if (key in errors || Object.keys(errors).length < MAX_ERROR_KINDS) {
    errors[key] = (errors[key] ?? 0) + 1;
  } else {
    errors['(other errors)'] = (errors['(other errors)'] ?? 0) + 1;
  }
}

function progress(note: Omit<WorkerProgress, 'workerId'>): void {
  const reply: WorkerReply = { progress: { workerId: need().workerId, ...note } };
  process.send?.(reply);
}

/** Runs `task` over 0 … count − 1 with at most `limit` at a time. */
async function pool(count: number, limit: number, task: (i: number) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, count) }, async () => {
      while (next < count) {
        const i = next;
        next += 1;
        await task(i);
      }
    }),
  );
}

async function createRoom(base: string, token: string, name: string): Promise<string> {
  for (let attempt = 1; ; attempt++) {
    const response = await fetch(new URL('/rooms', base), {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name }),
      signal: AbortSignal.timeout(15_000),
    });
    const body = (await response.json()) as { id?: string; error?: { message?: string } };
    if (response.status === 201 && typeof body.id === 'string') return body.id;
    if ((response.status === 429 || response.status === 503) && attempt < 5) {
      await new Promise((resolve) => setTimeout(resolve, 500 * attempt));
      continue;
    }
    throw new Error(`POST /rooms: ${response.status} ${body.error?.message ?? ''}`);
  }
}

const methods: {
  [M in keyof WorkerMethods]: (params: never) => Promise<ReturnType<WorkerMethods[M]>>;
} = {
  async setup(p: WorkerPlan): Promise<SetupResult> {
    plan = p;
    const key = createPrivateKey(p.signing.pem);
    const t0 = performance.now();
    tokens = new Array<string>(p.sockets.length);
    for (let i = 0; i < p.sockets.length; i++) {
      tokens[i] = await mintAccessToken(key, p.signing, newUser(`b${p.label}w${p.workerId}u${i}`));
    }
    const t1 = performance.now();
    ledger = new DeliveryLedger(p.rooms);
    sockets = p.sockets.map((spec, i) => {
      const target = p.targets[spec.target];
      if (!target) throw new Error(`socket ${i}: no target ${spec.target}`);
      const socket = new LeanSocket({
        url: socketUrl(target),
        auth: { token: tokens[i] },
        ...(spec.localAddress ? { localAddress: spec.localAddress } : {}),
        handlers: { onEventFrame, onClose },
      });
      socket.room = spec.room;
      socket.member = spec.member;
      return socket;
    });
    // Rooms: created on chat-service by their first member (room creation is rate-limited per
    // user, so one room per creator), or made-up names for the reference server.
    roomIds = new Array<string>(p.rooms);
    const creators = new Map<number, number>();
    p.sockets.forEach((spec, i) => {
      if (spec.room >= 0 && !creators.has(spec.room)) creators.set(spec.room, i);
    });
    const { roomsVia } = p;
    if (roomsVia) {
      await pool(p.rooms, 8, async (room) => {
        const creator = creators.get(room);
        if (creator === undefined) throw new Error(`room ${room} has no member`);
        roomIds[room] = await createRoom(
          roomsVia,
          tokens[creator] ?? '',
          `bench ${p.label} w${p.workerId} r${room}`,
        );
      });
    } else {
      for (let room = 0; room < p.rooms; room++) roomIds[room] = randomUUID();
    }
    return { roomIds, mintMs: t1 - t0, roomsMs: performance.now() - t1 };
  },

  async connect({ from, to }: { from: number; to: number }): Promise<ConnectResult> {
    const p = need();
    const t0 = performance.now();
    const errors: Record<string, number> = {};
    let connected = 0;
    let failed = 0;
    const slice = sockets.slice(Math.max(0, from), Math.min(to, sockets.length));
    const timer = setInterval(() => {
      progress({ stage: 'connect', connected, failed });
    }, 1_000);
    try {
      await pool(slice.length, p.connectConcurrency, async (i) => {
        const socket = slice[i];
        if (!socket || socket.state !== 'idle') return;
        try {
          await socket.connect(p.connectTimeoutMs);
          connected += 1;
        } catch (error) {
          failed += 1;
          countError(errors, error instanceof Error ? error.message : String(error));
        }
      });
    } finally {
      clearInterval(timer);
    }
    return { connected, failed, errors, ms: performance.now() - t0 };
  },

  async join(): Promise<JoinResult> {
    const t0 = performance.now();
    const errors: Record<string, number> = {};
    let joined = 0;
    let failed = 0;
    const members = sockets.filter((s) => s.room >= 0 && s.state === 'connected');
    await pool(members.length, 64, async (i) => {
      const socket = members[i];
      if (!socket) return;
      const reply = await new Promise<{ reply: unknown; error?: string }>((resolve) => {
        socket.emit('join_room', { roomId: roomIds[socket.room] }, (r, error) => {
          resolve({ reply: r, ...(error ? { error } : {}) });
        });
      });
      const ok = !reply.error && (reply.reply as { ok?: unknown } | undefined)?.ok === true;
      if (ok) {
        joined += 1;
        ledger.setJoined(socket.room, socket.member, true);
      } else {
        failed += 1;
        const code =
          reply.error ??
          (reply.reply as { error?: { code?: string } } | undefined)?.error?.code ??
          'BAD_REPLY';
        countError(errors, code);
      }
    });
    // Acks of join_room may still be ahead of the Socket.IO room subscription on the other
    // process (the Redis adapter subscribes per process, not per room); a short settle keeps
    // the first messages from racing a join.
    await new Promise((resolve) => setTimeout(resolve, 200));
    return { joined, failed, errors, ms: performance.now() - t0 };
  },

  async run(params: RunParams): Promise<RunResult> {
    const p = need();
    const senders = sockets.filter(
      (s) => s.room >= 0 && s.state === 'connected' && ledger.joinedCount(s.room) > 0,
    );
    if (senders.length === 0) throw new Error('no joined sockets to send from');
    const start = params.startAt - performance.timeOrigin;
    const end = start + params.durationMs;
    const seconds = Math.ceil((params.durationMs + params.drainMs) / 1_000) + 2;
    const sends = new Array<number>(seconds).fill(0);
    const acksPerSecond = new Array<number>(seconds).fill(0);
    current = {
      start,
      end,
      delivery: new Histogram(),
      deliveries: new Array<number>(seconds).fill(0),
      inWindow: 0,
    };
    const ack = new Histogram();
    const lag = new Histogram();
    const errors: Record<string, number> = {};
    const first = ledger.messageCount;
    const outstandingBefore = ledger.outstanding;
    const disconnectsBefore = disconnects;
    let windowSends = 0;
    let windowAcks = 0;
    let acked = 0;
    let inFlight = 0;
    let skipped = 0;
    const pad = 'x'.repeat(Math.max(0, params.textBytes));
    const second = (t: number) =>
      Math.min(seconds - 1, Math.max(0, Math.floor((t - start) / 1_000)));

    const send = (socket: LeanSocket, scheduled: number, onSettled?: () => void) => {
      const now = performance.now();
      const n = ledger.send(socket.room, socket.member, scheduled);
      lag.record(now - scheduled);
      sends[second(now)] = (sends[second(now)] ?? 0) + 1;
      if (now <= end) windowSends += 1;
      inFlight += 1;
      const tag = `${p.workerId}:${n}:`;
      const text = tag + pad.slice(0, Math.max(1, params.textBytes - tag.length));
      socket.emit(
        'send_message',
        { roomId: roomIds[socket.room], text, clientMsgId: `w${p.workerId}-${n}` },
        (reply, error) => {
          inFlight -= 1;
          const at = performance.now();
          const r = reply as { ok?: unknown; error?: { code?: unknown } } | undefined;
          if (!error && r?.ok === true) {
            ledger.acked(n);
            ack.record(at - scheduled);
            acked += 1;
            acksPerSecond[second(at)] = (acksPerSecond[second(at)] ?? 0) + 1;
            if (at <= end) windowAcks += 1;
          } else {
            ledger.failed(n);
            const code = error ?? (typeof r?.error?.code === 'string' ? r.error.code : 'BAD_REPLY');
            countError(errors, code);
          }
          onSettled?.();
        },
      );
    };

    const ackSweep = setInterval(() => {
      const now = performance.now();
      for (const socket of senders) socket.expireAcks(now, params.ackTimeoutMs);
    }, ACK_SWEEP_MS);
    const report = setInterval(() => {
      progress({
        stage: 'run',
        sent: ledger.messageCount - first,
        acked,
        delivered: current?.inWindow ?? 0,
      });
    }, 1_000);

    try {
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, start - performance.now())));
      if (params.mode === 'open') {
        const interval = 1_000 / (params.ratePerSocket * senders.length);
        const total = Math.floor(params.durationMs / interval);
        let sent = 0;
        await new Promise<void>((resolve) => {
          const tick = () => {
            const due = Math.min(total, Math.floor((performance.now() - start) / interval) + 1);
            while (sent < due) {
              const socket = senders[sent % senders.length];
              if (inFlight >= params.maxInFlight) skipped += 1;
              else if (socket) send(socket, start + sent * interval);
              sent += 1;
            }
            if (sent >= total) {
              clearInterval(timer);
              resolve();
            }
          };
          const timer = setInterval(tick, 1);
          tick();
        });
      } else {
        const { window } = params;
        await new Promise<void>((resolve) => {
          let inFlight = 0;
          const loop = (socket: LeanSocket) => {
            if (performance.now() >= end || socket.state !== 'connected') {
              if (inFlight === 0) resolve();
              return;
            }
            inFlight += 1;
            send(socket, performance.now(), () => {
              inFlight -= 1;
              loop(socket);
            });
          };
          for (const socket of senders) for (let i = 0; i < window; i++) loop(socket);
          // Bounded: resolves at the end even if some acks never come back (the sweep fails them).
          setTimeout(
            () => {
              resolve();
            },
            params.durationMs + params.ackTimeoutMs + 1_000,
          );
        });
      }
      const sendEnd = performance.now();
      while (performance.now() - sendEnd < params.drainMs) {
        if (ledger.pending === 0 && ledger.outstanding <= outstandingBefore) break;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const drainMs = performance.now() - sendEnd;
      const last = ledger.messageCount;
      const run = current;
      return {
        counts: ledger.counts(first, last),
        delivery: run.delivery.toJSON(),
        ack: ack.toJSON(),
        lag: lag.toJSON(),
        window: {
          ms: params.durationMs,
          sends: windowSends,
          acks: windowAcks,
          deliveries: run.inWindow,
        },
        perSecond: { sends, acks: acksPerSecond, deliveries: run.deliveries },
        errors,
        skipped,
        disconnects: disconnects - disconnectsBefore,
        misrouted,
        otherEvents,
        unknownFrames: sockets.reduce((s, x) => s + x.unknownFrames, 0),
        drainMs,
        settled: ledger.pending === 0 && ledger.outstanding <= outstandingBefore,
      };
    } finally {
      clearInterval(ackSweep);
      clearInterval(report);
    }
  },

  async stats(): Promise<WorkerStats> {
    return {
      connected: sockets.filter((s) => s.state === 'connected').length,
      closed: sockets.filter((s) => s.state === 'closed').length,
      closeReasons,
    };
  },

  async close(): Promise<WorkerStats> {
    for (const socket of sockets) socket.close();
    await new Promise((resolve) => setTimeout(resolve, 100));
    return methods.stats(undefined as never);
  },
};

function onEventFrame(socket: LeanSocket, frame: string): void {
  const now = performance.now();
  const tag = messageTag(frame);
  if (!tag) {
    const decoded = decodeFrame(frame);
    const name = decoded.kind === 'event' ? decoded.name : decoded.kind;
    otherEvents[name] = (otherEvents[name] ?? 0) + 1;
    if (name === 'message') misrouted += 1; // a message that is not ours
    return;
  }
  if (!plan || tag.worker !== plan.workerId || ledger.roomOf(tag.message) !== socket.room) {
    misrouted += 1;
    return;
  }
  if (ledger.received(tag.message, socket.member) !== 'ok') return;
  const run = current;
  if (!run) return;
  run.delivery.record(now - ledger.scheduledAt(tag.message));
  const second = Math.min(
    run.deliveries.length - 1,
    Math.max(0, Math.floor((now - run.start) / 1_000)),
  );
  run.deliveries[second] = (run.deliveries[second] ?? 0) + 1;
  if (now >= run.start && now <= run.end) run.inWindow += 1;
}

function onClose(_socket: LeanSocket, reason: string): void {
  disconnects += 1;
  const key = reason.slice(0, 80);
  closeReasons[key] = (closeReasons[key] ?? 0) + 1;
}

process.on('message', (raw: unknown) => {
  const request = raw as WorkerRequest;
  const method = methods[request.method] as ((params: unknown) => Promise<unknown>) | undefined;
  const answer = (reply: WorkerReply) => process.send?.(reply);
  if (!method) {
    answer({ id: request.id, error: `unknown method ${request.method}` });
    return;
  }
  method(request.params).then(
    (result) => {
      answer({ id: request.id, result });
    },
    (error: unknown) => {
      answer({
        id: request.id,
        error: error instanceof Error ? (error.stack ?? error.message) : String(error),
      });
    },
  );
});
// The orchestrator is gone (or done with us): leave without waiting for sockets to close.
process.on('disconnect', () => {
  process.exit(0);
});
