// The chat client: one per signed-in user. It keeps every opened room's state (see room-state.ts),
// joins rooms over the realtime link and rejoins them with `afterSeq` after every reconnect (again
// while the server says `hasMoreMissed`), fills gaps in live messages, loads history pages, and
// sends messages one at a time per room, retrying each with its own clientMsgId until it is
// acknowledged, so a retry never duplicates a message.
import {
  afterRefusal,
  retryDelay,
  type ChatMessage,
  type ServerToClientEvents,
} from '@falablau/common/contracts';
import { describeError } from '../api/api-error';
import type { ChatApi } from '../api/chat-api';
import { createStore, type Store } from '../shared/store';
import { browserTimers, delay, type Timers } from '../shared/timers';
import type { RealtimeLink } from '../connection/socket-link';
import { withPresence } from './members';
import { hasGap } from './message-store';
import {
  emptyRoom,
  rejoinSeq,
  withHistoryPage,
  withJoinResult,
  withMemberChange,
  withMessage,
  withPending,
  type RoomChat,
} from './room-state';
import {
  createTypingEmitter,
  createTypingRoster,
  type TypingEmitter,
  type TypingRoster,
} from './typing';

export interface ChatState {
  rooms: Readonly<Record<string, RoomChat>>;
}

export interface ChatClient {
  readonly state: Store<ChatState>;
  /** Start following a room: first history page, then join (now or once connected). */
  openRoom(roomId: string): Promise<void>;
  loadOlder(roomId: string): Promise<void>;
  send(roomId: string, text: string): void;
  retry(roomId: string, clientMsgId: string): void;
  discard(roomId: string, clientMsgId: string): void;
  /** The composer changed; `hasText`: something is left in it. */
  typing(roomId: string, hasText: boolean): void;
  /** Leave the room for good (membership ends); rejects with a readable message. */
  leaveRoom(roomId: string): Promise<void>;
  /** Listen to the link (server events, reconnections); `stop` undoes it. State is kept. */
  start(): void;
  stop(): void;
}

export interface ChatClientDeps {
  link: RealtimeLink;
  api: ChatApi;
  /** Called on every (re)connection. */
  onConnected: (listener: () => void) => () => void;
  me: { id: string };
  timers?: Timers;
  newId?: () => string;
  pageSize?: number;
  /** How long a gap in live messages may last before the room is rejoined to fill it. */
  gapWaitMs?: number;
}

export function createChatClient(deps: ChatClientDeps): ChatClient {
  const { link, api, me, timers = browserTimers, pageSize = 50, gapWaitMs = 2_000 } = deps;
  const newId = deps.newId ?? (() => crypto.randomUUID());
  const state = createStore<ChatState>({ rooms: {} });
  const opened = new Set<string>();
  const joining = new Set<string>();
  const joinAgain = new Set<string>();
  const flushing = new Set<string>();
  const gapTimers = new Map<string, unknown>();
  const emitters = new Map<string, TypingEmitter>();
  const rosters = new Map<string, TypingRoster>();
  let memberRefresh: unknown;
  let running = false;
  let unsubscribe: (() => void)[] = [];

  const get = (roomId: string) => state.get().rooms[roomId];
  // Read through a function: the link's state changes while awaiting (TypeScript narrows it).
  const isConnected = () => link.connected;
  function update(roomId: string, change: (room: RoomChat) => RoomChat) {
    state.set((current) => {
      const room = current.rooms[roomId];
      if (!room) return current;
      const next = change(room);
      return next === room ? current : { rooms: { ...current.rooms, [roomId]: next } };
    });
  }

  function roster(roomId: string): TypingRoster {
    let existing = rosters.get(roomId);
    if (!existing) {
      existing = createTypingRoster(
        (typists) => {
          update(roomId, (room) => ({ ...room, typists }));
        },
        { timers },
      );
      rosters.set(roomId, existing);
    }
    return existing;
  }

  async function loadPage(roomId: string) {
    const room = get(roomId);
    if (!room || room.history.status === 'loading' || room.history.cursor === null) return;
    const before = room.history.cursor;
    update(roomId, (r) => ({ ...r, history: { ...r.history, status: 'loading' } }));
    try {
      const page = await api.history(roomId, { limit: pageSize, ...(before ? { before } : {}) });
      update(roomId, (r) => withHistoryPage(r, page));
    } catch (error) {
      update(roomId, (r) => ({
        ...r,
        history: { ...r.history, status: 'error', error: describeError(error) },
      }));
    }
  }

  async function join(roomId: string): Promise<void> {
    if (!opened.has(roomId) || !running) return;
    if (joining.has(roomId)) {
      joinAgain.add(roomId);
      return;
    }
    joining.add(roomId);
    let retryIn: number | undefined;
    try {
      for (let more = true; more && opened.has(roomId);) {
        const current = get(roomId);
        if (!current) return;
        const afterSeq = rejoinSeq(current);
        if (current.join.status !== 'joined') {
          update(roomId, (r) => ({ ...r, join: { status: 'joining' } }));
        }
        const ack = await link.joinRoom(afterSeq === undefined ? { roomId } : { roomId, afterSeq });
        if (!ack.ok) {
          update(roomId, (r) => ({
            ...r,
            join: { status: 'failed', error: ack.error.message, code: ack.error.code },
          }));
          if (ack.error.code !== 'ROOM_NOT_FOUND') retryIn = 3_000;
          return;
        }
        update(roomId, (r) => withJoinResult(r, ack));
        more = ack.hasMoreMissed;
      }
      void flush(roomId);
    } catch {
      // Not connected (the next connect rejoins) or no answer in time (try again shortly).
      update(roomId, (r) => ({ ...r, join: { status: 'idle' } }));
      if (link.connected) retryIn = 3_000;
    } finally {
      joining.delete(roomId);
      if (joinAgain.delete(roomId)) void join(roomId);
      else if (retryIn !== undefined) timers.setTimeout(() => void join(roomId), retryIn);
    }
  }

  async function flush(roomId: string) {
    if (flushing.has(roomId)) return;
    flushing.add(roomId);
    try {
      for (;;) {
        const room = get(roomId);
        const next = room?.pending.find((p) => p.status === 'queued');
        if (!room || !next || room.join.status !== 'joined' || !link.connected || !running) return;
        const attempts = next.attempts + 1;
        update(roomId, (r) => withPending(r, next.clientMsgId, { status: 'sending', attempts }));
        let ack;
        try {
          ack = await link.sendMessage({ roomId, text: next.text, clientMsgId: next.clientMsgId });
        } catch {
          // No ack: the message may or may not be stored; resending the same clientMsgId is safe.
          update(roomId, (r) => withPending(r, next.clientMsgId, { status: 'queued' }));
          if (!isConnected()) return;
          await delay(timers, retryDelay(attempts));
          continue;
        }
        if (ack.ok) {
          const { message } = ack;
          update(roomId, (r) => withMessage(withPending(r, next.clientMsgId, undefined), message));
          continue;
        }
        const outcome = afterRefusal(ack.error, attempts);
        const status = outcome.action === 'fail' ? 'failed' : 'queued';
        update(roomId, (r) =>
          withPending(r, next.clientMsgId, {
            status,
            error: ack.error.message,
            attempts: outcome.attempts,
          }),
        );
        if (outcome.action === 'rejoin') {
          update(roomId, (r) => ({ ...r, join: { status: 'idle' } }));
          void join(roomId);
          return;
        }
        if (outcome.action === 'retry') await delay(timers, outcome.waitMs);
      }
    } finally {
      flushing.delete(roomId);
    }
  }

  function onLiveMessage(message: ChatMessage) {
    if (!opened.has(message.roomId)) return;
    rosters.get(message.roomId)?.remove(message.userId);
    update(message.roomId, (room) => {
      const next = withMessage(room, message);
      // Announced to screen readers: only new messages from other people.
      return next === room || message.userId === me.id ? next : { ...next, live: message };
    });
    const room = get(message.roomId);
    if (room?.baseline !== undefined && hasGap(room.messages, room.baseline)) {
      const roomId = message.roomId;
      if (gapTimers.has(roomId)) return;
      gapTimers.set(
        roomId,
        timers.setTimeout(() => {
          gapTimers.delete(roomId);
          const latest = get(roomId);
          if (latest?.baseline !== undefined && hasGap(latest.messages, latest.baseline))
            void join(roomId);
        }, gapWaitMs),
      );
    }
  }

  /** Someone unknown came online: a rejoin's `online` list is the authority (debounced). */
  function refreshMembersSoon() {
    if (memberRefresh !== undefined) return;
    memberRefresh = timers.setTimeout(() => {
      memberRefresh = undefined;
      for (const roomId of opened) void join(roomId);
    }, 3_000);
  }

  const serverEvents: ServerToClientEvents = {
    message: onLiveMessage,
    typing: (event) => {
      if (event.userId !== me.id && opened.has(event.roomId))
        roster(event.roomId).update(event, event.isTyping);
    },
    user_joined: (event) => {
      if (event.userId !== me.id && opened.has(event.roomId)) {
        update(event.roomId, (room) => withMemberChange(room, event, 'joined'));
      }
    },
    user_left: (event) => {
      if (!opened.has(event.roomId)) return;
      rosters.get(event.roomId)?.remove(event.userId);
      if (event.userId !== me.id)
        update(event.roomId, (room) => withMemberChange(room, event, 'left'));
    },
    presence: (event) => {
      const online = event.status === 'online';
      let known = false;
      for (const roomId of opened) {
        if (get(roomId)?.members.some((m) => m.userId === event.userId)) known = true;
        update(roomId, (room) => {
          const members = withPresence(room.members, event.userId, online);
          return members === room.members ? room : { ...room, members };
        });
        if (!online) rosters.get(roomId)?.remove(event.userId);
      }
      if (!known && online) refreshMembersSoon();
    },
  };

  function onConnected() {
    for (const roomId of opened) {
      // A room still waiting for its first history page joins when that page is in.
      if (get(roomId)?.history.status !== 'loading') void join(roomId);
    }
  }

  return {
    state,
    async openRoom(roomId) {
      if (opened.has(roomId)) {
        if (get(roomId)?.join.status === 'failed') await join(roomId);
        return;
      }
      opened.add(roomId);
      state.set((current) => ({ rooms: { ...current.rooms, [roomId]: emptyRoom(roomId) } }));
      await loadPage(roomId);
      if (link.connected) await join(roomId);
    },
    loadOlder: loadPage,
    send(roomId, text) {
      emitters.get(roomId)?.stop();
      const pending = { clientMsgId: newId(), text, status: 'queued' as const, attempts: 0 };
      update(roomId, (room) => ({ ...room, pending: [...room.pending, pending] }));
      void flush(roomId);
    },
    retry(roomId, clientMsgId) {
      update(roomId, (room) => withPending(room, clientMsgId, { status: 'queued', attempts: 0 }));
      void flush(roomId);
    },
    discard(roomId, clientMsgId) {
      update(roomId, (room) => withPending(room, clientMsgId, undefined));
    },
    typing(roomId, hasText) {
      let emitter = emitters.get(roomId);
      if (!emitter) {
        emitter = createTypingEmitter({
          timers,
          emit: (isTyping) => {
            if (link.connected && get(roomId)?.join.status === 'joined') {
              link.typing({ roomId, isTyping }).catch(() => undefined);
            }
          },
        });
        emitters.set(roomId, emitter);
      }
      emitter.input(hasText);
    },
    async leaveRoom(roomId) {
      emitters.get(roomId)?.stop();
      let ack;
      try {
        ack = await link.leaveRoom({ roomId });
      } catch (error) {
        throw new Error(`Could not leave the room: ${describeError(error)}`, { cause: error });
      }
      if (!ack.ok && ack.error.code !== 'NOT_A_MEMBER') throw new Error(ack.error.message);
      opened.delete(roomId);
      rosters.get(roomId)?.clear();
      state.set((current) => ({
        rooms: Object.fromEntries(Object.entries(current.rooms).filter(([id]) => id !== roomId)),
      }));
    },
    start() {
      if (running) return;
      running = true;
      unsubscribe = [link.onServerEvents(serverEvents), deps.onConnected(onConnected)];
      if (link.connected) onConnected();
    },
    stop() {
      running = false;
      for (const stop of unsubscribe) stop();
      unsubscribe = [];
      for (const timer of gapTimers.values()) timers.clearTimeout(timer);
      gapTimers.clear();
      timers.clearTimeout(memberRefresh);
      memberRefresh = undefined;
      for (const emitter of emitters.values()) emitter.stop();
      for (const r of rosters.values()) r.clear();
    },
  };
}
