// Interleaves join/leave notices with messages and marks messages that continue their author's
// run (same author, within five minutes, nothing in between) as compact.
import type { ChatMessage } from '@falablau/common/contracts';
import type { RoomNotice } from './room-state';

export type TimelineItem =
  | { kind: 'message'; message: ChatMessage; compact: boolean }
  | { kind: 'notice'; notice: RoomNotice };

const RUN_MS = 5 * 60_000;

export function buildTimeline(
  messages: readonly ChatMessage[],
  notices: readonly RoomNotice[],
): TimelineItem[] {
  const items: TimelineItem[] = [];
  let next = 0;
  let previous: ChatMessage | undefined;
  for (const message of messages) {
    for (
      let notice = notices[next];
      notice && notice.afterSeq < message.seq;
      notice = notices[next]
    ) {
      items.push({ kind: 'notice', notice });
      next += 1;
      previous = undefined;
    }
    const compact =
      previous !== undefined &&
      previous.userId === message.userId &&
      Date.parse(message.createdAt) - Date.parse(previous.createdAt) < RUN_MS;
    items.push({ kind: 'message', message, compact });
    previous = message;
  }
  for (const notice of notices.slice(next)) items.push({ kind: 'notice', notice });
  return items;
}
