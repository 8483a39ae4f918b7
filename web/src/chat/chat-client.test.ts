import { jest } from '@jest/globals';
import type { Ack, JoinRoomResult } from '@falablau/common/contracts';
import { FakeLink } from '../test/fake-link';
import { BO, ME, ROOM_ID, fakeChatApi, message, page, room } from '../test/fakes';
import { createChatClient } from './chat-client';

function joined(lastSeq: number, extra: Partial<JoinRoomResult> = {}): Ack<JoinRoomResult> {
  return {
    ok: true,
    room: room({ lastSeq }),
    online: [BO],
    missed: [],
    hasMoreMissed: false,
    ...extra,
  };
}

function setup() {
  const link = new FakeLink();
  const api = fakeChatApi();
  const connected = new Set<() => void>();
  let ids = 0;
  const chat = createChatClient({
    link,
    api,
    me: { id: ME.id },
    onConnected: (listener) => {
      connected.add(listener);
      return () => connected.delete(listener);
    },
    newId: () => `c-${(ids += 1)}`,
  });
  chat.start();
  const connect = () => {
    link.emitLink({ type: 'connect' });
    for (const listener of connected) listener();
  };
  const roomState = () => {
    const state = chat.state.get().rooms[ROOM_ID];
    if (!state) throw new Error('room not open');
    return state;
  };
  const seqs = () => roomState().messages.map((m) => m.seq);
  return { link, api, chat, connect, roomState, seqs };
}

beforeEach(() => {
  jest.useFakeTimers();
});
afterEach(() => {
  jest.useRealTimers();
});

describe('chat client: joining and replay', () => {
  it('when a room opens, then the newest page loads and the room is joined after its newest seq', async () => {
    const { link, api, chat, connect, roomState, seqs } = setup();
    connect();
    api.history.mockResolvedValueOnce(page(11, 20, 'cursor-10'));
    link.onJoin = () => Promise.resolve(joined(21, { missed: [message(21)] }));
    await chat.openRoom(ROOM_ID);
    expect(link.joins).toEqual([{ roomId: ROOM_ID, afterSeq: 20 }]);
    expect(seqs()).toEqual([11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21]);
    expect(roomState().join.status).toBe('joined');
    expect(roomState().members).toEqual([{ ...BO, online: true }]);
  });

  it('when the connection comes back, then the room is rejoined after the last seq and the overlap deduplicated', async () => {
    const { link, api, chat, connect, seqs } = setup();
    connect();
    api.history.mockResolvedValueOnce(page(1, 3, null));
    link.onJoin = () => Promise.resolve(joined(3));
    await chat.openRoom(ROOM_ID);
    link.push.message(message(4));
    link.emitLink({ type: 'disconnect', reason: 'transport close', willReconnect: true });
    link.onJoin = () =>
      Promise.resolve(joined(7, { missed: [message(4), message(5), message(6), message(7)] }));
    connect();
    await jest.advanceTimersByTimeAsync(0);
    link.push.message(message(7));
    expect(link.joins.at(-1)).toEqual({ roomId: ROOM_ID, afterSeq: 4 });
    expect(seqs()).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it('when the server has more missed messages than one ack holds, then the client joins again from the last one', async () => {
    const { link, api, chat, connect, seqs } = setup();
    api.history.mockResolvedValueOnce(page(1, 2, null));
    await chat.openRoom(ROOM_ID);
    const answers = [
      joined(5, { missed: [message(3), message(4)], hasMoreMissed: true }),
      joined(5, { missed: [message(5)] }),
    ];
    link.onJoin = () => Promise.resolve(answers.shift() ?? joined(5));
    connect();
    await jest.advanceTimersByTimeAsync(0);
    expect(link.joins.map((j) => j.afterSeq)).toEqual([2, 4]);
    expect(seqs()).toEqual([1, 2, 3, 4, 5]);
  });

  it('when a live message skips a seq and the gap stays, then the room is rejoined to fill it', async () => {
    const { link, api, chat, connect, seqs } = setup();
    connect();
    api.history.mockResolvedValueOnce(page(1, 2, null));
    link.onJoin = () => Promise.resolve(joined(2));
    await chat.openRoom(ROOM_ID);
    link.push.message(message(4));
    link.onJoin = () => Promise.resolve(joined(4, { missed: [message(3), message(4)] }));
    await jest.advanceTimersByTimeAsync(2_000);
    expect(link.joins.at(-1)).toEqual({ roomId: ROOM_ID, afterSeq: 2 });
    expect(seqs()).toEqual([1, 2, 3, 4]);
  });

  it('when older messages are requested, then pages follow the cursor until it is null', async () => {
    const { api, chat, seqs, roomState } = setup();
    api.history.mockResolvedValueOnce(page(3, 4, 'c2')).mockResolvedValueOnce(page(1, 2, null));
    await chat.openRoom(ROOM_ID);
    await chat.loadOlder(ROOM_ID);
    await chat.loadOlder(ROOM_ID);
    expect(api.history.mock.calls.map((call) => call[1])).toEqual([
      { limit: 50 },
      { limit: 50, before: 'c2' },
    ]);
    expect(seqs()).toEqual([1, 2, 3, 4]);
    expect(roomState().history.cursor).toBeNull();
  });
});

describe('chat client: sending', () => {
  async function openJoined() {
    const context = setup();
    context.connect();
    context.link.onJoin = () => Promise.resolve(joined(0));
    await context.chat.openRoom(ROOM_ID);
    return context;
  }

  it('when a message is acknowledged, then it replaces its pending entry', async () => {
    const { link, chat, roomState, seqs } = await openJoined();
    link.onSend = ({ text }) =>
      Promise.resolve({ ok: true, message: message(1, { text, userId: ME.id }) });
    chat.send(ROOM_ID, 'hello');
    expect(roomState().pending).toEqual([
      expect.objectContaining({ text: 'hello', clientMsgId: 'c-1' }),
    ]);
    await jest.advanceTimersByTimeAsync(0);
    expect(link.sends).toEqual([{ roomId: ROOM_ID, text: 'hello', clientMsgId: 'c-1' }]);
    expect(roomState().pending).toEqual([]);
    expect(seqs()).toEqual([1]);
  });

  it('when the ack never comes, then the message is resent with the same clientMsgId', async () => {
    const { link, chat, roomState } = await openJoined();
    const answers = [
      () => Promise.reject(new Error('operation has timed out')),
      () => Promise.resolve({ ok: true as const, message: message(1) }),
    ];
    link.onSend = () => (answers.shift() ?? answers[0])?.() ?? Promise.reject(new Error('x'));
    chat.send(ROOM_ID, 'hello');
    await jest.advanceTimersByTimeAsync(1_000);
    expect(link.sends.map((s) => s.clientMsgId)).toEqual(['c-1', 'c-1']);
    expect(roomState().pending).toEqual([]);
  });

  it('when sent while disconnected, then it waits and goes out, in order, after the rejoin', async () => {
    const { link, chat, connect, roomState } = await openJoined();
    link.emitLink({ type: 'disconnect', reason: 'transport close', willReconnect: true });
    chat.send(ROOM_ID, 'first');
    chat.send(ROOM_ID, 'second');
    await jest.advanceTimersByTimeAsync(0);
    expect(link.sends).toEqual([]);
    expect(roomState().pending.map((p) => p.status)).toEqual(['queued', 'queued']);
    let seq = 0;
    link.onSend = ({ text }) =>
      Promise.resolve({ ok: true, message: message((seq += 1), { text }) });
    connect();
    await jest.advanceTimersByTimeAsync(0);
    expect(link.sends.map((s) => [s.text, s.clientMsgId])).toEqual([
      ['first', 'c-1'],
      ['second', 'c-2'],
    ]);
    expect(roomState().messages.map((m) => m.text)).toEqual(['first', 'second']);
  });

  it('when the server is unavailable, then the send is retried; when it is invalid, then it fails and can be retried by hand', async () => {
    const { link, chat, roomState } = await openJoined();
    const answers: Ack<{ message: ReturnType<typeof message> }>[] = [
      { ok: false, error: { code: 'UNAVAILABLE', message: 'try later' } },
      {
        ok: false,
        error: { code: 'VALIDATION_FAILED', message: 'Message must be at most 4000 characters' },
      },
      { ok: true, message: message(1) },
    ];
    link.onSend = () => Promise.resolve(answers.shift() ?? { ok: true, message: message(1) });
    chat.send(ROOM_ID, 'hello');
    await jest.advanceTimersByTimeAsync(1_000);
    expect(roomState().pending).toEqual([
      expect.objectContaining({
        status: 'failed',
        error: 'Message must be at most 4000 characters',
      }),
    ]);
    chat.retry(ROOM_ID, 'c-1');
    await jest.advanceTimersByTimeAsync(0);
    expect(link.sends.map((s) => s.clientMsgId)).toEqual(['c-1', 'c-1', 'c-1']);
    expect(roomState().pending).toEqual([]);
  });
  it('when sends are rate limited, then each waits as long as the server says and is never given up', async () => {
    const { link, chat, roomState } = await openJoined();
    let limited = 10;
    link.onSend = () =>
      Promise.resolve(
        limited-- > 0
          ? {
              ok: false as const,
              error: {
                code: 'RATE_LIMITED' as const,
                message: 'Too many messages: try again in 3 s',
              },
            }
          : { ok: true as const, message: message(1) },
      );
    chat.send(ROOM_ID, 'hello');
    await jest.advanceTimersByTimeAsync(2_999);
    expect(link.sends).toHaveLength(1);
    await jest.advanceTimersByTimeAsync(1);
    expect(link.sends).toHaveLength(2);
    await jest.advanceTimersByTimeAsync(30_000);
    expect(link.sends).toHaveLength(11);
    expect(new Set(link.sends.map((s) => s.clientMsgId))).toEqual(new Set(['c-1']));
    expect(roomState().pending).toEqual([]);
  });
});

describe('chat client: people', () => {
  it('when others type, join, leave and go offline, then the room state follows', async () => {
    const { link, chat, connect, roomState } = setup();
    connect();
    link.onJoin = () => Promise.resolve(joined(0, { online: [] }));
    await chat.openRoom(ROOM_ID);
    link.push.user_joined({ roomId: ROOM_ID, ...BO });
    link.push.typing({ roomId: ROOM_ID, ...BO, isTyping: true });
    link.push.typing({ roomId: ROOM_ID, userId: ME.id, username: ME.username, isTyping: true });
    expect(roomState().typists).toEqual([expect.objectContaining({ username: 'bo' })]);
    expect(roomState().members).toEqual([{ ...BO, online: true }]);
    link.push.message(message(1));
    expect(roomState().typists).toEqual([]);
    link.push.presence({ ...BO, status: 'offline' });
    expect(roomState().members).toEqual([{ ...BO, online: false }]);
    link.push.user_left({ roomId: ROOM_ID, ...BO });
    expect(roomState().members).toEqual([]);
    expect(roomState().notices.map((n) => [n.kind, n.username, n.afterSeq])).toEqual([
      ['joined', 'bo', 0],
      ['left', 'bo', 1],
    ]);
  });

  it('when someone unknown comes online, then the member list is refreshed by a rejoin', async () => {
    const { link, chat, connect, roomState } = setup();
    connect();
    link.onJoin = () => Promise.resolve(joined(0, { online: [] }));
    await chat.openRoom(ROOM_ID);
    link.onJoin = () => Promise.resolve(joined(0, { online: [BO] }));
    link.push.presence({ ...BO, status: 'online' });
    await jest.advanceTimersByTimeAsync(3_000);
    expect(link.joins).toHaveLength(2);
    expect(roomState().members).toEqual([{ ...BO, online: true }]);
  });
});
