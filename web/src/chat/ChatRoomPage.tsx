// /rooms/:roomId: assembles the room header, messages, typing indicator, composer and member list
// (a side column on large screens, a drawer otherwise) for the room in the URL.
import { useCallback, useEffect, useState } from 'react';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import LinearProgress from '@mui/material/LinearProgress';
import useMediaQuery from '@mui/material/useMediaQuery';
import { useTheme } from '@mui/material/styles';
import { roomIdSchema } from '@falablau/common/contracts';
import { useNavigate, useParams } from 'react-router';
import { useServices } from '../ServicesContext';
import { useSessionState } from '../auth/useSessionState';
import { useRealtime } from '../connection/RealtimeProvider';
import { useStore } from '../shared/useStore';
import { Composer } from './Composer';
import { MemberList } from './MemberList';
import { MembersPanel } from './MembersPanel';
import { MessageList } from './MessageList';
import { RoomHeader } from './RoomHeader';
import { TypingIndicator } from './TypingIndicator';
import { useRoomChat } from './useRoomChat';

export type ChatRoomPageProps = Record<string, never>;

export function ChatRoomPage(_props: ChatRoomPageProps) {
  const { roomId = '' } = useParams();
  const { chat } = useRealtime();
  const { rooms } = useServices();
  const session = useSessionState();
  const meId = session.status === 'signedIn' ? session.user.id : '';
  const navigate = useNavigate();
  const wide = useMediaQuery(useTheme().breakpoints.up('lg'));
  const [membersOpen, setMembersOpen] = useState(false);
  const [leaveError, setLeaveError] = useState<string>();
  const valid = roomIdSchema.safeParse(roomId).success;
  const room = useRoomChat(roomId);
  const listed = useStore(
    rooms.state,
    useCallback((s) => s.rooms.find((r) => r.id === roomId), [roomId]),
  );
  const loadOlder = useCallback(() => void chat.loadOlder(roomId), [chat, roomId]);

  useEffect(() => {
    if (valid) void chat.openRoom(roomId);
  }, [chat, roomId, valid]);

  if (!valid)
    return (
      <Alert severity="error" sx={{ m: 2 }}>
        There is no such room.
      </Alert>
    );
  if (!room) return <LinearProgress aria-label="Opening the room" />;

  const info = room.room ?? listed;
  const name = info?.name ?? 'this room';
  const onlineCount =
    room.join.status === 'joined'
      ? room.members.filter((m) => m.online).length
      : (info?.onlineCount ?? 0);

  async function leave() {
    try {
      await chat.leaveRoom(roomId);
      rooms.forget(roomId);
      void rooms.load();
      await navigate('/');
    } catch (error) {
      setLeaveError(error instanceof Error ? error.message : 'Could not leave the room.');
    }
  }

  return (
    <Box sx={{ display: 'flex', flexGrow: 1, minHeight: 0 }}>
      <Box
        component="section"
        aria-labelledby="room-title"
        sx={{ display: 'flex', flexDirection: 'column', flexGrow: 1, minWidth: 0 }}
      >
        <RoomHeader
          name={name}
          topic={info?.topic}
          onlineCount={onlineCount}
          onShowMembers={
            wide
              ? undefined
              : () => {
                  setMembersOpen(true);
                }
          }
          onLeave={() => void leave()}
        />
        {room.join.status === 'failed' && (
          <Alert severity={room.join.code === 'ROOM_NOT_FOUND' ? 'error' : 'warning'} sx={{ m: 1 }}>
            Could not join the room: {room.join.error}
          </Alert>
        )}
        {leaveError !== undefined && (
          <Alert
            severity="error"
            sx={{ m: 1 }}
            onClose={() => {
              setLeaveError(undefined);
            }}
          >
            {leaveError}
          </Alert>
        )}
        <MessageList
          room={room}
          roomName={name}
          meId={meId}
          onLoadOlder={loadOlder}
          onRetry={(id) => {
            chat.retry(roomId, id);
          }}
          onDiscard={(id) => {
            chat.discard(roomId, id);
          }}
        />
        <TypingIndicator typists={room.typists} />
        <Composer
          key={roomId}
          roomName={name}
          onSend={(text) => {
            chat.send(roomId, text);
          }}
          onTyping={(hasText) => {
            chat.typing(roomId, hasText);
          }}
        />
      </Box>
      <MembersPanel
        docked={wide}
        open={membersOpen}
        onClose={() => {
          setMembersOpen(false);
        }}
      >
        <MemberList members={room.members} memberCount={info?.memberCount} meId={meId} />
      </MembersPanel>
    </Box>
  );
}
