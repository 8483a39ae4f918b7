// The client-side ledgers of a fault run: what each simulated user sent (by clientMsgId), what
// the server acknowledged for it (message id, room, seq), and what each user holds per room
// (seq → message id, from acks, live broadcasts and afterSeq replays). Pure bookkeeping: no I/O.
//
// A user's view of a room also measures how long it was incomplete:
//   - a "gap" opens when a live message arrives beyond a missing seq (the user can tell something
//     is missing) and closes when every seq up to the newest one held has arrived;
//   - a "resume" opens when the user's socket drops and closes when the room is joined again and
//     the afterSeq replay left nothing missing.

export interface AckedMessage {
  id: string;
  roomId: string;
  seq: number;
}

export interface SendRecord {
  clientMsgId: string;
  userId: string;
  roomId: string;
  /** The fault (phase) during which the message was written. */
  phase: string;
  createdAt: number;
  /** Emits of `send_message` for it (first try and retries, all with the same clientMsgId). */
  attempts: number;
  ackedAt?: number;
  /** The first acknowledgement. */
  ack?: AckedMessage;
  /** Later acknowledgements naming ANOTHER message: the server stored the retry twice. */
  conflictingAcks: AckedMessage[];
  /** The server refused it for good (a code a retry cannot fix): never expected. */
  refusal?: string;
}

export type IncompleteCause = 'gap' | 'resume';

export interface Repair {
  userId: string;
  roomId: string;
  cause: IncompleteCause;
  start: number;
  end: number;
}

/** One user's messages of one room, as the web app keeps them: one entry per seq. */
export class RoomView {
  readonly bySeq = new Map<number, string>();
  /** The same seq delivered with two different message ids (a room's seq is unique). */
  readonly conflicts: { seq: number; ids: [string, string] }[] = [];
  /** Every seq from 1 up to this one is held. */
  top = 0;
  /** The newest seq held. */
  newest = 0;
  deliveries = 0;
  /** Deliveries of a seq already held (live + replay overlap): normal, deduplicated by seq. */
  redeliveries = 0;
  private open: { cause: IncompleteCause; start: number } | undefined;

  constructor(
    readonly userId: string,
    readonly roomId: string,
    private readonly onRepair: (repair: Repair) => void,
  ) {}

  /** Adds a message; returns true when it was new. */
  add(message: AckedMessage, now: number): boolean {
    this.deliveries += 1;
    const held = this.bySeq.get(message.seq);
    if (held !== undefined) {
      this.redeliveries += 1;
      if (held !== message.id) this.conflicts.push({ seq: message.seq, ids: [held, message.id] });
      return false;
    }
    this.bySeq.set(message.seq, message.id);
    this.newest = Math.max(this.newest, message.seq);
    while (this.bySeq.has(this.top + 1)) this.top += 1;
    if (this.hasGap()) {
      this.open ??= { cause: 'gap', start: now };
    } else if (this.open?.cause === 'gap') {
      this.close(now);
    }
    return true;
  }

  /** Something is held beyond a missing seq. */
  hasGap(): boolean {
    return this.newest > this.top;
  }

  /** The socket dropped: from now on the user may be missing messages. */
  disconnected(now: number): void {
    this.open ??= { cause: 'resume', start: now };
  }

  /** A join (with its afterSeq replay) completed: complete again unless a gap is left. */
  joined(now: number): void {
    if (this.open && !this.hasGap()) this.close(now);
  }

  /** Since when the view is incomplete (undefined: complete). */
  incompleteSince(): number | undefined {
    return this.open?.start;
  }

  /** The seqs from 1 to `last` this user does not hold. */
  missing(last: number): number[] {
    const result: number[] = [];
    for (let seq = this.top + 1; seq <= last; seq += 1) {
      if (!this.bySeq.has(seq)) result.push(seq);
    }
    return result;
  }

  private close(now: number): void {
    if (!this.open) return;
    this.onRepair({
      userId: this.userId,
      roomId: this.roomId,
      cause: this.open.cause,
      start: this.open.start,
      end: now,
    });
    this.open = undefined;
  }
}

export class Ledger {
  private readonly sends = new Map<string, SendRecord>();
  private readonly rooms = new Map<string, RoomView>();
  readonly repairs: Repair[] = [];

  recordSend(input: {
    clientMsgId: string;
    userId: string;
    roomId: string;
    phase: string;
    at: number;
  }): SendRecord {
    if (this.sends.has(input.clientMsgId)) {
      throw new Error(`clientMsgId ${input.clientMsgId} used twice by the load generator`);
    }
    const record: SendRecord = {
      clientMsgId: input.clientMsgId,
      userId: input.userId,
      roomId: input.roomId,
      phase: input.phase,
      createdAt: input.at,
      attempts: 0,
      conflictingAcks: [],
    };
    this.sends.set(input.clientMsgId, record);
    return record;
  }

  recordAttempt(clientMsgId: string): void {
    this.get(clientMsgId).attempts += 1;
  }

  /** An `ok` ack. A second ack naming another message, or another room, is a duplicate. */
  recordAck(clientMsgId: string, message: AckedMessage, at: number): void {
    const record = this.get(clientMsgId);
    const acked = { id: message.id, roomId: message.roomId, seq: message.seq };
    if (!record.ack) {
      record.ack = acked;
      record.ackedAt = at;
    } else if (
      record.ack.id !== acked.id ||
      record.ack.seq !== acked.seq ||
      record.ack.roomId !== acked.roomId
    ) {
      record.conflictingAcks.push(acked);
    }
  }

  recordRefusal(clientMsgId: string, reason: string): void {
    this.get(clientMsgId).refusal = reason;
  }

  view(userId: string, roomId: string): RoomView {
    const key = `${userId}\u0000${roomId}`;
    let view = this.rooms.get(key);
    if (!view) {
      view = new RoomView(userId, roomId, (repair) => this.repairs.push(repair));
      this.rooms.set(key, view);
    }
    return view;
  }

  records(): SendRecord[] {
    return [...this.sends.values()];
  }

  views(): RoomView[] {
    return [...this.rooms.values()];
  }

  /** The highest acknowledged seq of each room. */
  lastAckedSeq(): Map<string, number> {
    const last = new Map<string, number>();
    for (const record of this.sends.values()) {
      if (record.ack) {
        last.set(record.ack.roomId, Math.max(last.get(record.ack.roomId) ?? 0, record.ack.seq));
      }
    }
    return last;
  }

  private get(clientMsgId: string): SendRecord {
    const record = this.sends.get(clientMsgId);
    if (!record) throw new Error(`unknown clientMsgId ${clientMsgId}`);
    return record;
  }
}
