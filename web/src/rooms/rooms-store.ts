// The room list: loaded from GET /rooms (with online counts), refreshed on demand, sorted by name.
import type { Room } from '@falablau/common/contracts';
import { describeError } from '../api/api-error';
import type { ChatApi, CreateRoomInput } from '../api/chat-api';
import { createStore, type Store } from '../shared/store';

export interface RoomsState {
  status: 'idle' | 'loading' | 'ready' | 'error';
  rooms: readonly Room[];
  error?: string;
}

export interface RoomsStore {
  readonly state: Store<RoomsState>;
  load(): Promise<void>;
  /** Creates a room; rejects with the server's error (e.g. 409, name taken). */
  create(input: CreateRoomInput): Promise<Room>;
  forget(roomId: string): void;
}

const byName = (a: Room, b: Room) =>
  a.name.localeCompare(b.name, undefined, { sensitivity: 'base' });

export function createRoomsStore(api: ChatApi): RoomsStore {
  const state = createStore<RoomsState>({ status: 'idle', rooms: [] });
  let loading: Promise<void> | undefined;

  function upsert(room: Room) {
    state.set((s) => ({
      ...s,
      rooms: [...s.rooms.filter((r) => r.id !== room.id), room].sort(byName),
    }));
  }

  return {
    state,
    load() {
      loading ??= (async () => {
        // Keep showing the rooms already listed while a refresh is under way.
        state.set((s) => (s.status === 'ready' ? s : { ...s, status: 'loading' }));
        try {
          const rooms = await api.listRooms();
          state.set({ status: 'ready', rooms: [...rooms].sort(byName) });
        } catch (error) {
          state.set((s) => ({
            ...s,
            status: s.status === 'ready' ? 'ready' : 'error',
            error: describeError(error),
          }));
        } finally {
          loading = undefined;
        }
      })();
      return loading;
    },
    async create(input) {
      const room = await api.createRoom(input);
      upsert(room);
      return room;
    },
    forget(roomId) {
      state.set((s) => ({ ...s, rooms: s.rooms.filter((r) => r.id !== roomId) }));
    },
  };
}
