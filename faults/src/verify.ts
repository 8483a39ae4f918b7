// The verdict of a fault: the client-side ledger against what the servers hold. Pure: the runner
// reads Postgres and the archive and hands the rows in.
//
// "Acknowledged means never lost" (shared/DESIGN.md), checked as:
//   lost         an acknowledged message is neither in Postgres (by id) nor in the archive
//   duplicated   one clientMsgId stored or acknowledged as two messages; an id twice in the
//                archive; one (room, seq) under two ids in the archive
// and everything else that must hold, each a failure with exactly what and where:
//   unacknowledged   a message the runner kept retrying was still not acknowledged after the drain
//   refused          the server refused a valid message for good
//   mismatch         the stored row's room or seq differs from the ack (or the archive's does)
//   unexpected       a stored message nobody sent (its clientMsgId is in no ledger)
//   seq-hole         a room's stored seqs are not exactly 1..last
//   archive-missing  an acknowledged message the archive should have by now is not there
//   client-gap       a connected user does not hold every seq 1..last of a room it is in
//   client-divergent a user holds, at some seq, another message than the one stored there
import type { RoomView, SendRecord } from './ledger.js';

/** An archived message (MongoDB `_id`, roomId, seq). */
export interface ArchivedMessage {
  id: string;
  roomId: string;
  seq: number;
}

/** A row of Postgres `chat.messages`. */
export interface StoredMessage extends ArchivedMessage {
  clientMsgId: string;
  /** The outbox relay published it to Kafka (`published_at` set). */
  published: boolean;
}

export type FindingKind =
  | 'lost'
  | 'duplicated'
  | 'unacknowledged'
  | 'refused'
  | 'mismatch'
  | 'unexpected'
  | 'seq-hole'
  | 'archive-missing'
  | 'client-gap'
  | 'client-divergent';

export interface Finding {
  kind: FindingKind;
  detail: string;
  roomId?: string;
  messageId?: string;
  clientMsgId?: string;
  userId?: string;
  /** The phase the message was written in, when the finding concerns one message. */
  phase?: string;
}

export interface VerifyInput {
  sends: readonly SendRecord[];
  postgres: readonly StoredMessage[];
  /** The archive's documents; undefined when the archive is not checked. */
  archive: readonly ArchivedMessage[] | undefined;
  /** Whether every acknowledged message must be in the archive by now. */
  archiveComplete: boolean;
  /** The users' views to check for gaps (the users connected at the end). */
  views: readonly RoomView[];
}

export interface Verification {
  sent: number;
  acknowledged: number;
  findings: Finding[];
  lost: number;
  duplicated: number;
  /** Users × rooms not holding every stored seq. */
  gaps: number;
  ok: boolean;
}

const shortId = (id: string) => id.slice(0, 8);

function describeRecord(record: SendRecord): string {
  return `clientMsgId ${record.clientMsgId} (user ${shortId(record.userId)}, room ${shortId(record.roomId)}, written during ${record.phase})`;
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}

/** `[1,2,3,7,9,10]` → `1-3, 7, 9-10` (at most `max` ranges, then `…`). */
export function formatSeqs(seqs: readonly number[], max = 6): string {
  const ranges: string[] = [];
  let i = 0;
  while (i < seqs.length && ranges.length < max) {
    const start = seqs[i] ?? 0;
    let end = start;
    while (i + 1 < seqs.length && seqs[i + 1] === end + 1) {
      i += 1;
      end += 1;
    }
    ranges.push(start === end ? `${start}` : `${start}-${end}`);
    i += 1;
  }
  return i < seqs.length ? `${ranges.join(', ')}, …` : ranges.join(', ');
}

export function verify(input: VerifyInput): Verification {
  const findings: Finding[] = [];
  const add = (finding: Finding) => findings.push(finding);
  const byId = groupBy(input.postgres, (m) => m.id);
  const archiveById = groupBy(input.archive ?? [], (m) => m.id);
  const knownClientMsgIds = new Set(input.sends.map((s) => s.clientMsgId));
  let acknowledged = 0;

  for (const record of input.sends) {
    const where = { clientMsgId: record.clientMsgId, userId: record.userId, phase: record.phase };
    if (record.refusal !== undefined) {
      add({ kind: 'refused', detail: `${describeRecord(record)}: ${record.refusal}`, ...where });
    }
    for (const other of record.conflictingAcks) {
      add({
        kind: 'duplicated',
        detail: `${describeRecord(record)} acknowledged as message ${record.ack?.id ?? '?'} and again as ${other.id} (seq ${other.seq})`,
        roomId: other.roomId,
        messageId: other.id,
        ...where,
      });
    }
    const ack = record.ack;
    if (!ack) {
      if (record.refusal === undefined) {
        add({
          kind: 'unacknowledged',
          detail: `${describeRecord(record)}: not acknowledged after ${record.attempts} attempts`,
          roomId: record.roomId,
          ...where,
        });
      }
      continue;
    }
    acknowledged += 1;
    const at = { roomId: ack.roomId, messageId: ack.id, ...where };
    const stored = byId.get(ack.id)?.[0];
    const archived = archiveById.get(ack.id)?.[0];
    if (!stored && !archived) {
      add({
        kind: 'lost',
        detail: `${describeRecord(record)}: acknowledged as message ${ack.id} (seq ${ack.seq}) but in neither Postgres nor the archive`,
        ...at,
      });
      continue;
    }
    for (const [store, found] of [
      ['Postgres', stored],
      ['the archive', archived],
    ] as const) {
      if (found && (found.roomId !== ack.roomId || found.seq !== ack.seq)) {
        add({
          kind: 'mismatch',
          detail: `${describeRecord(record)}: acknowledged as room ${shortId(ack.roomId)} seq ${ack.seq}, ${store} has room ${shortId(found.roomId)} seq ${found.seq}`,
          ...at,
        });
      }
    }
    if (stored && stored.clientMsgId !== record.clientMsgId) {
      add({
        kind: 'mismatch',
        detail: `${describeRecord(record)}: message ${ack.id} is stored with clientMsgId ${stored.clientMsgId}`,
        ...at,
      });
    }
    if (input.archiveComplete && input.archive && !archived) {
      add({
        kind: 'archive-missing',
        detail: `${describeRecord(record)}: message ${ack.id} (seq ${ack.seq}${stored?.published === false ? ', not yet published to Kafka' : ''}) is not in the archive`,
        ...at,
      });
    }
  }

  // Stored twice: one clientMsgId (unique per sender) as two rows of a room.
  for (const [, rows] of groupBy(input.postgres, (m) => `${m.roomId}/${m.clientMsgId}`)) {
    const first = rows[0];
    if (rows.length > 1 && first) {
      add({
        kind: 'duplicated',
        detail: `clientMsgId ${first.clientMsgId} is stored ${rows.length} times in room ${shortId(first.roomId)}: ${rows.map((r) => `${r.id} (seq ${r.seq})`).join(', ')}`,
        roomId: first.roomId,
        clientMsgId: first.clientMsgId,
      });
    }
  }
  for (const row of input.postgres) {
    if (!knownClientMsgIds.has(row.clientMsgId)) {
      add({
        kind: 'unexpected',
        detail: `message ${row.id} (room ${shortId(row.roomId)}, seq ${row.seq}) is stored but no user sent clientMsgId ${row.clientMsgId}`,
        roomId: row.roomId,
        messageId: row.id,
      });
    }
  }
  // The archive: an id at most once, a (room, seq) under one id.
  for (const [id, docs] of archiveById) {
    if (docs.length > 1) {
      add({
        kind: 'duplicated',
        detail: `message ${id} is in the archive ${docs.length} times`,
        messageId: id,
      });
    }
  }
  for (const [, docs] of groupBy(input.archive ?? [], (m) => `${m.roomId}/${m.seq}`)) {
    const ids = new Set(docs.map((d) => d.id));
    const first = docs[0];
    if (ids.size > 1 && first) {
      add({
        kind: 'duplicated',
        detail: `room ${shortId(first.roomId)} seq ${first.seq} is archived under ${ids.size} ids: ${[...ids].join(', ')}`,
        roomId: first.roomId,
      });
    }
  }

  // Each room's seqs, Postgres and archive together: exactly 1..last, one message each.
  const seqOwner = new Map<string, Map<number, string>>();
  for (const row of [...input.postgres, ...(input.archive ?? [])]) {
    let seqs = seqOwner.get(row.roomId);
    if (!seqs) {
      seqs = new Map();
      seqOwner.set(row.roomId, seqs);
    }
    seqs.set(row.seq, row.id);
  }
  const lastSeq = new Map<string, number>();
  for (const [roomId, seqs] of seqOwner) {
    const last = Math.max(...seqs.keys());
    lastSeq.set(roomId, last);
    const holes: number[] = [];
    for (let seq = 1; seq <= last; seq += 1) if (!seqs.has(seq)) holes.push(seq);
    if (holes.length > 0) {
      add({
        kind: 'seq-hole',
        detail: `room ${shortId(roomId)}: seqs ${formatSeqs(holes)} are missing from 1..${last} (a stored message vanished)`,
        roomId,
      });
    }
  }

  // Every user ends with every seq of its rooms, each the stored message.
  let gaps = 0;
  for (const view of input.views) {
    const last = lastSeq.get(view.roomId) ?? 0;
    const missing = view.missing(last);
    const where = { roomId: view.roomId, userId: view.userId };
    if (missing.length > 0) {
      gaps += 1;
      add({
        kind: 'client-gap',
        detail: `user ${shortId(view.userId)} in room ${shortId(view.roomId)} lacks seqs ${formatSeqs(missing)} of 1..${last}`,
        ...where,
      });
    }
    const owners = seqOwner.get(view.roomId);
    for (const [seq, id] of view.bySeq) {
      const owner = owners?.get(seq);
      if (owner !== id) {
        add({
          kind: 'client-divergent',
          detail: `user ${shortId(view.userId)} holds message ${id} at room ${shortId(view.roomId)} seq ${seq}, the stores have ${owner ?? 'nothing'}`,
          messageId: id,
          ...where,
        });
      }
    }
    for (const conflict of view.conflicts) {
      add({
        kind: 'client-divergent',
        detail: `user ${shortId(view.userId)} received room ${shortId(view.roomId)} seq ${conflict.seq} as two messages: ${conflict.ids.join(' and ')}`,
        ...where,
      });
    }
  }

  const count = (kind: FindingKind) => findings.filter((f) => f.kind === kind).length;
  return {
    sent: input.sends.length,
    acknowledged,
    findings,
    lost: count('lost'),
    duplicated: count('duplicated'),
    gaps,
    ok: findings.length === 0,
  };
}
