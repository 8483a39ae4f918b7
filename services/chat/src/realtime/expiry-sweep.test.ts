import { startExpirySweep } from './socket-auth.js';
import type { ChatSocket } from './socket-types.js';

interface FakeSocket {
  connected: boolean;
  data: ChatSocket['data'];
  closes: boolean[];
  disconnect: (close: boolean) => FakeSocket;
}

function fakeSocket(expiresAt: number): FakeSocket {
  const socket: FakeSocket = {
    connected: true,
    data: { user: { expiresAt: new Date(expiresAt) } } as ChatSocket['data'],
    closes: [],
    disconnect(close) {
      socket.closes.push(close);
      socket.connected = false;
      return socket;
    },
  };
  return socket;
}

const asSockets = (list: FakeSocket[]) => list as unknown as ChatSocket[];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('startExpirySweep', () => {
  test('when a token has expired, then the next sweep closes its socket (server side) and says why', async () => {
    let now = 1_000;
    const expired = fakeSocket(900);
    const valid = fakeSocket(5_000);
    const sweep = startExpirySweep(() => asSockets([expired, valid]), {
      intervalMs: 10,
      now: () => now,
    });
    try {
      await sleep(50);
      expect(expired.closes).toEqual([true]);
      expect(expired.data.closedBy).toBe('token expired');
      expect(valid.closes).toEqual([]);

      now = 5_000;
      await sleep(50);
      expect(valid.closes).toEqual([true]);
      expect(expired.closes).toEqual([true]); // closed once, not at every sweep
    } finally {
      sweep.stop();
    }
  });

  test('after stop, nothing is closed any more', async () => {
    const expired = fakeSocket(0);
    const sweep = startExpirySweep(() => asSockets([expired]), { intervalMs: 10 });
    sweep.stop();
    await sleep(40);
    expect(expired.closes).toEqual([]);
  });
});
