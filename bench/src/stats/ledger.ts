// The delivery ledger of one generator process: every message it sends, who should receive it,
// who did. Rooms live entirely inside one generator process, so sender and receivers share one
// clock and one ledger, and loss is exact:
//
//   expected(m) = the room's joined members when m was sent, minus the sending socket
//                 (chat-service broadcasts `socket.to(room)`: everyone but the sender)
//   lost        = Σ over ACKNOWLEDGED messages of |expected \ received|
//
// A message that was never acknowledged (error, timeout) is not counted as lost even if nobody
// got it — "acknowledged means never lost" is the guarantee being checked — but its deliveries,
// if any, are counted. Members are bits of a 32-bit mask (rooms of at most 32 sockets); message
// numbers index growable typed arrays, so millions of messages cost a few bytes each.

export const MAX_ROOM_SIZE = 32;

export const MessageState = { pending: 0, acked: 1, failed: 2 } as const;

export type ReceiveOutcome = 'ok' | 'duplicate' | 'unexpected' | 'unknown';

export interface LedgerCounts {
  /** Messages sent in the range. */
  sent: number;
  acked: number;
  failed: number;
  /** Neither acknowledged nor failed (still waiting). */
  pending: number;
  /** Deliveries owed for acknowledged messages. */
  expected: number;
  /** Of those, received. */
  delivered: number;
  /** Owed for an acknowledged message and never received. */
  lost: number;
  /** Received more than once by the same socket (not added to delivered). */
  duplicates: number;
  /** Received by a socket that should not have got it (e.g. the sender itself). */
  unexpected: number;
  /** Received for messages that were not acknowledged (failed or still pending). */
  deliveredUnacked: number;
}

/** Number of set bits in a 32-bit integer. */
export function popcount32(value: number): number {
  let v = value >>> 0;
  v -= (v >>> 1) & 0x55555555;
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (((v + (v >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

export class DeliveryLedger {
  private readonly joined: Uint32Array;
  private capacity: number;
  private size = 0;
  private room: Int32Array;
  private sender: Uint8Array;
  private state: Uint8Array;
  private expectedMask: Uint32Array;
  private receivedMask: Uint32Array;
  private scheduled: Float64Array;
  private duplicates: Uint32Array;
  private unexpectedCount: Uint32Array;
  private pendingCount = 0;
  private owedCount = 0;

  /**
   * @param roomCount rooms, numbered 0 … roomCount − 1
   * @param maxMessages a bound on messages (the arrays grow by doubling up to it)
   */
  constructor(
    roomCount: number,
    private readonly maxMessages = 50_000_000,
    initialCapacity = 1024,
  ) {
    if (!Number.isInteger(roomCount) || roomCount < 0) throw new RangeError('bad room count');
    this.joined = new Uint32Array(roomCount);
    this.capacity = Math.max(16, Math.min(initialCapacity, maxMessages));
    this.room = new Int32Array(this.capacity);
    this.sender = new Uint8Array(this.capacity);
    this.state = new Uint8Array(this.capacity);
    this.expectedMask = new Uint32Array(this.capacity);
    this.receivedMask = new Uint32Array(this.capacity);
    this.scheduled = new Float64Array(this.capacity);
    this.duplicates = new Uint32Array(this.capacity);
    this.unexpectedCount = new Uint32Array(this.capacity);
  }

  get messageCount(): number {
    return this.size;
  }

  /** Messages neither acknowledged nor failed yet (all ranges). */
  get pending(): number {
    return this.pendingCount;
  }

  /** Deliveries owed for acknowledged messages and not received yet (all ranges). */
  get outstanding(): number {
    return this.owedCount;
  }

  /** Nothing is waiting: every message settled, every delivery owed for an ack received. */
  get settled(): boolean {
    return this.pendingCount === 0 && this.owedCount === 0;
  }

  /** A member joined (true) or left (false) its room: later messages are owed to it or not. */
  setJoined(room: number, member: number, joined: boolean): void {
    this.checkMember(room, member);
    const bit = (1 << member) >>> 0;
    const current = this.joined[room] ?? 0;
    this.joined[room] = (joined ? current | bit : current & ~bit) >>> 0;
  }

  joinedCount(room: number): number {
    return popcount32(this.joined[room] ?? 0);
  }

  /** Records a message about to be sent; returns its number. `scheduledAt` is in ms. */
  send(room: number, sender: number, scheduledAt: number): number {
    this.checkMember(room, sender);
    if (this.size >= this.capacity) this.grow();
    const n = this.size;
    this.size += 1;
    this.room[n] = room;
    this.sender[n] = sender;
    this.state[n] = MessageState.pending;
    this.expectedMask[n] = ((this.joined[room] ?? 0) & ~((1 << sender) >>> 0)) >>> 0;
    this.receivedMask[n] = 0;
    this.scheduled[n] = scheduledAt;
    this.duplicates[n] = 0;
    this.unexpectedCount[n] = 0;
    this.pendingCount += 1;
    return n;
  }

  /** When the message was meant to be sent (ms), for latency; NaN for an unknown number. */
  scheduledAt(message: number): number {
    return this.known(message) ? (this.scheduled[message] ?? Number.NaN) : Number.NaN;
  }

  roomOf(message: number): number {
    return this.known(message) ? (this.room[message] ?? -1) : -1;
  }

  acked(message: number): void {
    if (this.known(message) && this.state[message] === MessageState.pending) {
      this.state[message] = MessageState.acked;
      this.pendingCount -= 1;
      const owed = (this.expectedMask[message] ?? 0) & ~(this.receivedMask[message] ?? 0);
      this.owedCount += popcount32(owed);
    }
  }

  failed(message: number): void {
    if (this.known(message) && this.state[message] === MessageState.pending) {
      this.state[message] = MessageState.failed;
      this.pendingCount -= 1;
    }
  }

  stateOf(message: number): number {
    return this.state[message] ?? MessageState.pending;
  }

  /** Member `member` of the message's room received it. */
  received(message: number, member: number): ReceiveOutcome {
    if (!this.known(message) || !Number.isInteger(member) || member < 0) return 'unknown';
    if (member >= MAX_ROOM_SIZE) return 'unknown';
    const bit = (1 << member) >>> 0;
    const have = this.receivedMask[message] ?? 0;
    if ((have & bit) !== 0) {
      this.duplicates[message] = (this.duplicates[message] ?? 0) + 1;
      return 'duplicate';
    }
    this.receivedMask[message] = (have | bit) >>> 0;
    if (((this.expectedMask[message] ?? 0) & bit) === 0) {
      this.unexpectedCount[message] = (this.unexpectedCount[message] ?? 0) + 1;
      return 'unexpected';
    }
    if (this.state[message] === MessageState.acked) this.owedCount -= 1;
    return 'ok';
  }

  /** Whether every delivery owed for the acknowledged messages in [from, to) has arrived. */
  complete(from = 0, to = this.size): boolean {
    for (let n = Math.max(0, from); n < Math.min(to, this.size); n++) {
      const state = this.state[n];
      if (state === MessageState.pending) return false;
      if (state !== MessageState.acked) continue;
      const expected = this.expectedMask[n] ?? 0;
      if ((expected & ~(this.receivedMask[n] ?? 0)) !== 0) return false;
    }
    return true;
  }

  /** The counts over messages [from, to). */
  counts(from = 0, to = this.size): LedgerCounts {
    const c = emptyCounts();
    for (let n = Math.max(0, from); n < Math.min(to, this.size); n++) {
      const expected = this.expectedMask[n] ?? 0;
      const received = this.receivedMask[n] ?? 0;
      const unexpected = this.unexpectedCount[n] ?? 0;
      c.sent += 1;
      c.duplicates += this.duplicates[n] ?? 0;
      c.unexpected += unexpected;
      const state = this.state[n];
      if (state === MessageState.acked) {
        c.acked += 1;
        const owed = popcount32(expected);
        const got = popcount32(expected & received);
        c.expected += owed;
        c.delivered += got;
        c.lost += owed - got;
      } else {
        if (state === MessageState.failed) c.failed += 1;
        else c.pending += 1;
        c.deliveredUnacked += popcount32(received) - unexpected;
      }
    }
    return c;
  }

  private known(message: number): boolean {
    return Number.isInteger(message) && message >= 0 && message < this.size;
  }

  private checkMember(room: number, member: number): void {
    if (!Number.isInteger(room) || room < 0 || room >= this.joined.length) {
      throw new RangeError(`room ${room} out of range`);
    }
    if (!Number.isInteger(member) || member < 0 || member >= MAX_ROOM_SIZE) {
      throw new RangeError(`member ${member} out of range (rooms hold at most ${MAX_ROOM_SIZE})`);
    }
  }

  private grow(): void {
    if (this.capacity >= this.maxMessages) {
      throw new RangeError(`the ledger is full (${this.maxMessages} messages)`);
    }
    const capacity = Math.min(this.maxMessages, this.capacity * 2);
    const extend = <T extends Int32Array | Uint8Array | Uint32Array | Float64Array>(
      old: T,
      make: (n: number) => T,
    ): T => {
      const next = make(capacity);
      next.set(old);
      return next;
    };
    this.room = extend(this.room, (n) => new Int32Array(n));
    this.sender = extend(this.sender, (n) => new Uint8Array(n));
    this.state = extend(this.state, (n) => new Uint8Array(n));
    this.expectedMask = extend(this.expectedMask, (n) => new Uint32Array(n));
    this.receivedMask = extend(this.receivedMask, (n) => new Uint32Array(n));
    this.scheduled = extend(this.scheduled, (n) => new Float64Array(n));
    this.duplicates = extend(this.duplicates, (n) => new Uint32Array(n));
    this.unexpectedCount = extend(this.unexpectedCount, (n) => new Uint32Array(n));
    this.capacity = capacity;
  }
}

/** Adds ledger counts (several generator processes). */
export function addCounts(a: LedgerCounts, b: LedgerCounts): LedgerCounts {
  const out = { ...a };
  for (const key of Object.keys(out) as (keyof LedgerCounts)[]) out[key] += b[key];
  return out;
}

export function emptyCounts(): LedgerCounts {
  return {
    sent: 0,
    acked: 0,
    failed: 0,
    pending: 0,
    expected: 0,
    delivered: 0,
    lost: 0,
    duplicates: 0,
    unexpected: 0,
    deliveredUnacked: 0,
  };
}
