// A room's messages as the client holds them: ascending by seq, one entry per seq whatever the
// source (history page, join replay, live broadcast, own ack), and the highest seq up to which
// nothing is missing — the `afterSeq` to rejoin with.
import type { ChatMessage } from '@falablau/common/contracts';

/** Adds messages, dropping seqs already held; returns `existing` itself when nothing is new. */
export function mergeMessages(
  existing: readonly ChatMessage[],
  incoming: readonly ChatMessage[],
): readonly ChatMessage[] {
  if (incoming.length === 0) return existing;
  const last = existing.at(-1)?.seq ?? 0;
  // The common case, live messages in order after the newest one held: append.
  if (isAscending(incoming) && (incoming[0]?.seq ?? 0) > last) return [...existing, ...incoming];
  const bySeq = new Map<number, ChatMessage>();
  for (const message of existing) bySeq.set(message.seq, message);
  let added = false;
  for (const message of incoming) {
    if (!bySeq.has(message.seq)) {
      bySeq.set(message.seq, message);
      added = true;
    }
  }
  if (!added) return existing;
  return [...bySeq.values()].sort((a, b) => a.seq - b.seq);
}

function isAscending(messages: readonly ChatMessage[]): boolean {
  for (let i = 1; i < messages.length; i += 1) {
    const previous = messages[i - 1];
    const message = messages[i];
    if (previous && message && message.seq <= previous.seq) return false;
  }
  return true;
}

/**
 * The highest seq such that every message from `baseline` + 1 up to it is held: `baseline` is a
 * seq known to be complete (the newest message of the first history page, or the room's lastSeq
 * when joined before any history). Live messages can arrive out of order across servers, so a
 * later seq does not prove the ones before it arrived.
 */
export function contiguousSeq(messages: readonly ChatMessage[], baseline: number): number {
  let top = baseline;
  for (const message of messages) {
    if (message.seq <= top) continue;
    if (message.seq !== top + 1) break;
    top = message.seq;
  }
  return top;
}

/** True when some held message is newer than the contiguous top: a gap to fill. */
export function hasGap(messages: readonly ChatMessage[], baseline: number): boolean {
  const newest = messages.at(-1)?.seq ?? 0;
  return newest > contiguousSeq(messages, baseline);
}
