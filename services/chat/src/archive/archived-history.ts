// Reading a room's archived messages by seq, for the history and replay paths of MessageService
// when they run past what Postgres still holds. Archive pages are newest first and at most
// ARCHIVE_PAGE_MAX long, so:
// - `before` (history) pages down from a seq, newest first, as the archive does;
// - `between` (replay) must return the OLDEST messages above a seq. It asks for windows of seqs
//   (lo, lo + 201): a room has one message per seq, so a window never holds more than one page
//   and comes back whole. An empty window is a gap (messages the archive has expired); the next
//   archived seq is then found by bisection instead of walking the gap window by window.
import type { ChatMessage } from '@falablau/common/contracts';
import { ARCHIVE_PAGE_MAX, type ArchiveClient } from './archive-client.js';

export interface ArchivedHistory {
  /** Newest first, seq < beforeSeq; `hasMore` when older ones exist beyond `limit`. */
  before(
    roomId: string,
    beforeSeq: number,
    limit: number,
  ): Promise<{ messages: ChatMessage[]; hasMore: boolean }>;
  /** Oldest first, afterSeq < seq < beforeSeq; `hasMore` when more of that range exist. */
  between(
    roomId: string,
    afterSeq: number,
    beforeSeq: number,
    limit: number,
  ): Promise<{ messages: ChatMessage[]; hasMore: boolean }>;
}

export function createArchivedHistory(
  client: ArchiveClient,
  pageMax: number = ARCHIVE_PAGE_MAX,
): ArchivedHistory {
  /** Is anything archived with lo < seq < hi? */
  async function anyBetween(roomId: string, lo: number, hi: number): Promise<boolean> {
    if (hi - lo <= 1) return false;
    const page = await client.roomPage(roomId, { afterSeq: lo, beforeSeq: hi, limit: 1 });
    return page.messages.length > 0;
  }

  /**
   * Some seq in (lo, hi) is archived but the window above lo is empty: narrows (lo, hi) by
   * bisection until it fits one window, and returns its new lower bound (still exclusive).
   */
  async function skipGap(roomId: string, lo: number, hi: number): Promise<number> {
    let low = lo;
    let high = hi;
    while (high - low - 1 > pageMax) {
      const mid = low + Math.floor((high - low) / 2);
      if (await anyBetween(roomId, low, mid + 1)) high = mid + 1;
      else low = mid;
    }
    return low;
  }

  return {
    async before(roomId, beforeSeq, limit) {
      const messages: ChatMessage[] = [];
      let below = beforeSeq;
      while (messages.length < limit && below > 1) {
        const page = await client.roomPage(roomId, {
          beforeSeq: below,
          limit: Math.min(pageMax, limit - messages.length),
        });
        messages.push(...page.messages);
        const oldest = page.messages.at(-1);
        if (!page.hasMore || !oldest) return { messages, hasMore: false };
        below = oldest.seq;
      }
      return { messages, hasMore: below > 1 };
    },

    async between(roomId, afterSeq, beforeSeq, limit) {
      const messages: ChatMessage[] = [];
      let lo = afterSeq; // everything up to lo has been read
      let rest = true; // seqs in (lo, beforeSeq) may still be archived
      while (messages.length < limit) {
        if (beforeSeq - lo <= 1) {
          rest = false;
          break;
        }
        const hi = Math.min(beforeSeq, lo + pageMax + 1);
        const page = await client.roomPage(roomId, { afterSeq: lo, beforeSeq: hi, limit: pageMax });
        if (page.messages.length === 0 && hi < beforeSeq) {
          if (!(await anyBetween(roomId, hi - 1, beforeSeq))) {
            rest = false;
            break;
          }
          lo = await skipGap(roomId, hi - 1, beforeSeq);
          continue;
        }
        messages.push(...page.messages.reverse());
        lo = hi - 1;
      }
      if (messages.length > limit) return { messages: messages.slice(0, limit), hasMore: true };
      return { messages, hasMore: rest && (await anyBetween(roomId, lo, beforeSeq)) };
    },
  };
}
