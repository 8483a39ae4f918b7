import { useCallback } from 'react';
import { useRealtime } from '../connection/RealtimeProvider';
import { useStore } from '../shared/useStore';
import type { ChatState } from './chat-client';
import type { RoomChat } from './room-state';

/** One room's state from the chat client; re-renders only when that room changes. */
export function useRoomChat(roomId: string): RoomChat | undefined {
  const { chat } = useRealtime();
  const select = useCallback((state: ChatState) => state.rooms[roomId], [roomId]);
  return useStore(chat.state, select);
}
