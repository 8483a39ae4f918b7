// The room's messages: scrolls back through history (the archive included) when the top is
// reached or "Load older messages" is pressed, keeps the reading position when older messages are
// prepended, follows new messages while at the bottom and otherwise offers a jump to them.
// New messages from others are announced through a polite live region.
import { useLayoutEffect, useMemo, useRef, useState, type UIEvent } from 'react';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import CircularProgress from '@mui/material/CircularProgress';
import Typography from '@mui/material/Typography';
import { visuallyHidden } from '../shared/visuallyHidden';
import { MessageItem } from './MessageItem';
import { NoticeItem } from './NoticeItem';
import { PendingMessageItem } from './PendingMessageItem';
import type { RoomChat } from './room-state';
import { buildTimeline } from './timeline';

export interface MessageListProps {
  room: RoomChat;
  roomName: string;
  meId: string;
  onLoadOlder: () => void;
  onRetry: (clientMsgId: string) => void;
  onDiscard: (clientMsgId: string) => void;
}

const NEAR_BOTTOM_PX = 80;
const NEAR_TOP_PX = 120;

export function MessageList({
  room,
  roomName,
  meId,
  onLoadOlder,
  onRetry,
  onDiscard,
}: MessageListProps) {
  const { messages, pending, notices, history, live } = room;
  const scroller = useRef<HTMLDivElement>(null);
  const previous = useRef({ first: 0, height: 0, top: 0 });
  const [atBottom, setAtBottom] = useState(true);
  const [seenSeq, setSeenSeq] = useState(0);
  const first = messages[0]?.seq ?? 0;
  const last = messages.at(-1)?.seq ?? 0;
  const canLoadOlder = history.cursor !== null && history.status === 'idle';
  const timeline = useMemo(() => buildTimeline(messages, notices), [messages, notices]);
  const unseen = atBottom ? 0 : messages.filter((m) => m.seq > seenSeq).length;

  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const before = previous.current;
    if (before.first !== 0 && first < before.first) {
      el.scrollTop = before.top + (el.scrollHeight - before.height); // older prepended: stay put
    } else if (atBottom) {
      el.scrollTop = el.scrollHeight;
    }
    previous.current = { first, height: el.scrollHeight, top: el.scrollTop };
    // Too few messages to scroll: fetch older ones until the view fills (or history ends).
    if (el.clientHeight > 0 && el.scrollHeight <= el.clientHeight && canLoadOlder) onLoadOlder();
  }, [first, last, pending.length, notices.length, atBottom, canLoadOlder, onLoadOlder]);

  function onScroll(event: UIEvent<HTMLDivElement>) {
    const el = event.currentTarget;
    const bottom = el.scrollHeight - el.scrollTop - el.clientHeight < NEAR_BOTTOM_PX;
    if (bottom !== atBottom) {
      setAtBottom(bottom);
      setSeenSeq(last);
    }
    previous.current = { first, height: el.scrollHeight, top: el.scrollTop };
    if (el.scrollTop < NEAR_TOP_PX && canLoadOlder) onLoadOlder();
  }

  function jumpToNewest() {
    const el = scroller.current;
    if (el) el.scrollTop = el.scrollHeight;
    setAtBottom(true);
  }

  return (
    <Box sx={{ position: 'relative', flexGrow: 1, minHeight: 0, display: 'flex' }}>
      <Box
        ref={scroller}
        onScroll={onScroll}
        component="section"
        aria-label={`Messages in ${roomName}`}
        tabIndex={0}
        sx={{ flexGrow: 1, overflowY: 'auto', pb: 1, '&:focus-visible': { outline: 'none' } }}
      >
        <Box sx={{ display: 'flex', justifyContent: 'center', py: 1.5, minHeight: 48 }}>
          {history.status === 'loading' && (
            <CircularProgress size={24} aria-label="Loading older messages" />
          )}
          {canLoadOlder && (
            <Button size="small" onClick={onLoadOlder}>
              Load older messages
            </Button>
          )}
          {history.status === 'error' && (
            <Button size="small" color="error" onClick={onLoadOlder}>
              {history.error ?? 'Could not load messages.'} Try again
            </Button>
          )}
          {history.cursor === null && (
            <Typography variant="caption" sx={{ color: 'text.secondary' }}>
              {messages.length === 0
                ? `No messages in ${roomName} yet. Say hello!`
                : `This is the beginning of ${roomName}.`}
            </Typography>
          )}
        </Box>
        <Box component="ol" aria-label="Message history" sx={{ listStyle: 'none', m: 0, p: 0 }}>
          {timeline.map((item) =>
            item.kind === 'message' ? (
              <MessageItem
                key={item.message.seq}
                message={item.message}
                compact={item.compact}
                mine={item.message.userId === meId}
              />
            ) : (
              <NoticeItem key={item.notice.id} notice={item.notice} />
            ),
          )}
          {pending.map((p) => (
            <PendingMessageItem
              key={p.clientMsgId}
              pending={p}
              onRetry={() => {
                onRetry(p.clientMsgId);
              }}
              onDiscard={() => {
                onDiscard(p.clientMsgId);
              }}
            />
          ))}
        </Box>
      </Box>
      {unseen > 0 && (
        <Button
          variant="contained"
          size="small"
          onClick={jumpToNewest}
          sx={{
            position: 'absolute',
            bottom: 12,
            left: '50%',
            transform: 'translateX(-50%)',
            borderRadius: 99,
          }}
        >
          {unseen} new message{unseen === 1 ? '' : 's'} ↓
        </Button>
      )}
      <Box aria-live="polite" sx={visuallyHidden}>
        {live ? `${live.username}: ${live.text}` : ''}
      </Box>
    </Box>
  );
}
