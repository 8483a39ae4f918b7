// A chatting user: one Socket.IO connection, one room, messages sent at a steady rate, every
// message of the room's other members received, and an exact account of what arrived.
//
// Latency is measured on ONE clock. The sender writes Date.now() into the message text
// (`k6 t=<ms> …`); the receiving VU, in the same k6 process on the same machine, subtracts it
// from the time its WebSocket frame was read (the `timestamp` k6 stamps on the event as the frame
// comes off the socket, before the VU's event loop gets to it). No clock sync is involved, and
// the figure is what a user sees: emit → stored → fanned out (Redis, across chat processes) →
// delivered to another user's socket.
//
// Loss is counted from the room's gap-free sequence numbers, not by matching counters between
// VUs (which cannot share memory). Each receiver knows the room's last seq when it joined
// (`join_room` ack: room.lastSeq; the socket is subscribed before that is read, so everything
// after it must come live). When every sender has stopped (a common end time from setup()) and a
// drain period passed, it reads the room's final lastSeq: every seq in (joined, final] that is
// neither its own (acked to it) nor received is a lost delivery. Messages replayed by
// `join_room {afterSeq}` after a reconnect count as received (acknowledged means never lost) and
// are reported apart.
import exec from 'k6/execution';
import { Counter, Rate, Trend } from 'k6/metrics';
import { body, chat, setupRefresh, setupUser } from './api.js';
import { sleepMs } from './env.js';
import { SocketIo } from './socketio.js';

export const chatMetrics = {
  /** Sender's emit → another member's socket received the `message` frame (ms). */
  deliveryLatency: new Trend('chat_delivery_latency', true),
  /** Sender's emit → its `send_message` ack (stored and committed) (ms). */
  ackLatency: new Trend('chat_ack_latency', true),
  /** `join_room` emit → ack (ms). */
  joinLatency: new Trend('chat_join_latency', true),
  /** Messages acknowledged `ok` (stored): what the room's other members must receive. */
  sent: new Counter('chat_messages_sent'),
  /** Acks `{ok: false}`, tagged with the error code (RATE_LIMITED, UNAVAILABLE …). */
  sendErrors: new Counter('chat_send_errors'),
  /** Sends with no ack within the timeout (10 s); retried with the same clientMsgId. */
  ackTimeouts: new Counter('chat_ack_timeouts'),
  /** Deliveries each receiver had to get: the room's seqs after its join, minus its own. */
  expected: new Counter('chat_deliveries_expected'),
  /** …of which it got (live or by replay after a reconnect). */
  received: new Counter('chat_deliveries_received'),
  /** …of which it never got (see the console warning for room, receiver and seqs). */
  lost: new Counter('chat_deliveries_lost'),
  /** Deliveries that came through `join_room {afterSeq}` after a reconnect, not live. */
  replayed: new Counter('chat_deliveries_replayed'),
  /** The same seq delivered twice (allowed: clients deduplicate by seq). */
  duplicates: new Counter('chat_deliveries_duplicate'),
  /** Socket.IO connections that completed CONNECT (with the token) and joined the room. */
  connected: new Rate('chat_connect_ok'),
  /** Connections lost during a session and re-established (then replayed). */
  reconnects: new Counter('chat_reconnects'),
};

const TEXT_PREFIX = 'k6 t=';

/** The send time embedded by a k6 sender, or undefined for any other text. */
function sentAt(text) {
  if (!text.startsWith(TEXT_PREFIX)) return undefined;
  const end = text.indexOf(' ', TEXT_PREFIX.length);
  const t = Number(text.slice(TEXT_PREFIX.length, end < 0 ? undefined : end));
  return Number.isFinite(t) ? t : undefined;
}

/** A message text of about `bytes` characters carrying the send time. */
function messageText(t, who, n, bytes) {
  const head = `${TEXT_PREFIX}${t} ${who} #${n} `;
  return bytes > head.length ? head + 'x'.repeat(bytes - head.length) : head;
}

/**
 * Runs one user's chat session until `endAt` (ms since the epoch, the same for every VU),
 * then drains and accounts for the room. Resolves when the socket is closed.
 *
 * @param {object} o
 * @param {string} o.baseUrl
 * @param {string} o.runId        this run's id (user names, clientMsgIds)
 * @param {{id: string, label: string}} o.room
 * @param {number} o.userIndex    unique per user in the run
 * @param {string} o.password
 * @param {number} o.startDelayMs wait before signing in (spreads connections over a ramp)
 * @param {number} o.endAt        when every sender stops (ms since the epoch)
 * @param {number} o.drainMs      wait after endAt for deliveries still in flight
 * @param {number} o.rate         messages per second this user sends (0: only listens)
 * @param {number} o.textBytes    message size
 */
export async function chatSession(o) {
  const tags = { room: o.room.label };
  await sleepMs(o.startDelayMs);
  if (Date.now() >= o.endAt) return; // the ramp outlasted the run (an override too small)

  const who = `k6${o.runId}c${o.userIndex}`;
  let user;
  try {
    user = setupUser(o.baseUrl, who, o.password);
  } catch (error) {
    // A user who cannot sign in never connects: counted as a failed connection, not a crash.
    console.warn(`[chat] ${who}: ${error.message}`);
    chatMetrics.connected.add(false, tags);
    return;
  }
  let tokens = { accessToken: user.accessToken, refreshToken: user.refreshToken };

  const roomId = o.room.id;
  const seen = new Set(); // seqs received from others (live or replayed)
  const own = new Set(); // seqs of this user's acknowledged messages
  let joinedAfter; // the room's lastSeq at the first join: everything after it is expected
  let socket;
  let sessionOver = false;
  let reconnecting = false;
  const unacked = new Map(); // clientMsgId -> {payload, t, tries}: resent after a reconnect

  const recordDelivery = (m, receivedAt, replay) => {
    if (m.roomId !== roomId) return;
    if (seen.has(m.seq) || own.has(m.seq)) {
      chatMetrics.duplicates.add(1, tags);
      return;
    }
    seen.add(m.seq);
    if (replay) {
      chatMetrics.replayed.add(1, tags);
      return;
    }
    const t = sentAt(m.text);
    if (t !== undefined) chatMetrics.deliveryLatency.add(receivedAt - t, tags);
  };

  /** The highest seq up to which this user has every message of the room. */
  const contiguous = () => {
    let s = joinedAfter ?? 0;
    while (seen.has(s + 1) || own.has(s + 1)) s++;
    return s;
  };

  /** Opens a socket, joins (replaying from afterSeq when given); false if it failed. */
  const connectAndJoin = async (afterSeq) => {
    const s = new SocketIo(o.baseUrl, { tags: { ...tags, name: 'socket.io' } });
    s.on('message', (m, at) => recordDelivery(m, at, false));
    try {
      await s.connect({ token: tokens.accessToken });
      let after = afterSeq;
      for (let page = 0; page < 100; page++) {
        const t0 = Date.now();
        const { ack, ackedAt } = await s.emitWithAck(
          'join_room',
          after === undefined ? { roomId } : { roomId, afterSeq: after },
        );
        chatMetrics.joinLatency.add(ackedAt - t0, tags);
        if (!ack.ok) throw new Error(`join_room: ${ack.error.code}: ${ack.error.message}`);
        joinedAfter ??= ack.room.lastSeq;
        for (const m of ack.missed) recordDelivery(m, ackedAt, true);
        if (!ack.hasMoreMissed || ack.missed.length === 0) break;
        after = ack.missed[ack.missed.length - 1].seq;
      }
    } catch (error) {
      console.warn(`[chat] ${who} in ${o.room.label}: connect/join failed: ${error.message}`);
      s.close();
      return false;
    }
    s.onClose(({ reason }) => {
      if (!sessionOver && s === socket) reconnect(reason);
    });
    socket = s;
    return true;
  };

  /** After a lost connection: fresh tokens when the server ended it, then connect and replay. */
  const reconnect = async (reason) => {
    if (reconnecting) return;
    reconnecting = true;
    socket = undefined;
    for (let attempt = 1; attempt <= 6 && !sessionOver; attempt++) {
      await sleepMs(Math.min(250 * 2 ** attempt, 5000));
      if (reason === 'io server disconnect' || attempt > 1) {
        // Token expired or session revoked (or repeated refusals): the documented client rule.
        try {
          tokens = setupRefresh(o.baseUrl, tokens.refreshToken);
        } catch (error) {
          console.warn(`[chat] ${who}: refresh failed: ${error.message}`);
        }
      }
      if (await connectAndJoin(contiguous())) {
        chatMetrics.reconnects.add(1, tags);
        for (const [id, entry] of unacked) send(id, entry);
        break;
      }
    }
    reconnecting = false;
  };

  const send = (clientMsgId, entry) => {
    if (!socket || !socket.connected) return; // resent after the reconnect
    entry.tries++;
    socket.emitWithAck('send_message', entry.payload).then(
      ({ ack, ackedAt }) => {
        unacked.delete(clientMsgId);
        if (ack.ok) {
          own.add(ack.message.seq);
          chatMetrics.sent.add(1, tags);
          chatMetrics.ackLatency.add(ackedAt - entry.t, tags);
        } else {
          chatMetrics.sendErrors.add(1, { ...tags, code: ack.error.code });
        }
      },
      (error) => {
        if (error.code === 'ACK_TIMEOUT') {
          chatMetrics.ackTimeouts.add(1, tags);
          // Same clientMsgId: stored at most once, whatever happened to the first try.
          if (entry.tries < 3 && !sessionOver) send(clientMsgId, entry);
          else unacked.delete(clientMsgId);
        }
        // A closed connection keeps the entry in `unacked`: reconnect() sends it again.
      },
    );
  };

  const connectedNow = await connectAndJoin(undefined);
  chatMetrics.connected.add(connectedNow, tags);
  if (!connectedNow) return;

  // Sending: a fixed schedule (an open model per user), not "next after ack": a slow server
  // must not slow the offered load down, or the latency it causes would go unmeasured.
  let n = 0;
  let sender;
  if (o.rate > 0) {
    const periodMs = 1000 / o.rate;
    await sleepMs(Math.random() * periodMs); // users do not all send on the same tick
    sender = setInterval(() => {
      if (Date.now() >= o.endAt) {
        clearInterval(sender);
        return;
      }
      const t = Date.now();
      const clientMsgId = `${o.runId}-${o.userIndex}-${n}`;
      const entry = {
        payload: { roomId, text: messageText(t, who, n, o.textBytes), clientMsgId },
        t,
        tries: 0,
      };
      n++;
      unacked.set(clientMsgId, entry);
      send(clientMsgId, entry);
    }, periodMs);
  }

  await sleepMs(o.endAt - Date.now());
  clearInterval(sender);
  await sleepMs(o.drainMs);
  await account(o, tokens.accessToken, {
    who,
    userId: user.userId,
    roomId,
    tags,
    seen,
    own,
    joinedAfter,
  });
  sessionOver = true;
  socket?.close();
}

/** The final account of one receiver: expected, received and lost deliveries in its room. */
async function account(o, token, r) {
  const finalSeq = () => {
    const res = chat.room(o.baseUrl, token, r.roomId, { op: 'account', phase: 'account' });
    const room = body(res);
    if (res.status !== 200 || !room) throw new Error(`GET room: HTTP ${res.status}`);
    return room.lastSeq;
  };
  const missing = (last) => {
    const out = [];
    for (let s = r.joinedAfter + 1; s <= last; s++)
      if (!r.seen.has(s) && !r.own.has(s)) out.push(s);
    return out;
  };
  let last = finalSeq();
  let gaps = missing(last);
  if (gaps.length > 0) {
    // A delivery still on its way after the drain is very late, but not lost: look once more.
    await sleepMs(2000);
    last = finalSeq();
    gaps = missing(last);
  }
  // A gap may be one of our own messages whose ack never came (a timeout, then a retry that
  // found it stored would have filled it): look the first few up by seq before calling it lost.
  let ownUnacked = 0;
  for (const s of gaps.slice(0, 20)) {
    const res = chat.history(o.baseUrl, token, r.roomId, String(s + 1), 1, {
      op: 'account',
      phase: 'account',
    });
    const m = body(res)?.messages?.[0];
    if (m && m.seq === s && m.userId === r.userId) ownUnacked++;
  }
  let ownInRange = ownUnacked;
  for (const s of r.own) if (s > r.joinedAfter && s <= last) ownInRange++;
  const expected = last - r.joinedAfter - ownInRange;
  const lost = gaps.length - ownUnacked;
  chatMetrics.expected.add(expected, r.tags);
  chatMetrics.received.add(expected - lost, r.tags);
  chatMetrics.lost.add(lost, r.tags);
  if (lost > 0) {
    console.warn(
      `[chat] LOST ${lost} of ${expected} deliveries to ${r.who} in room ${o.room.label} ` +
        `(${r.roomId}), seqs ${gaps.slice(0, 20).join(',')}${gaps.length > 20 ? ',…' : ''} ` +
        `(vu ${exec.vu.idInTest})`,
    );
  }
}
