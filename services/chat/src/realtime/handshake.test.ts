// Who may open a socket: a valid access token always, and from a browser page only on an
// allowed origin. Refusals reach the client as connect_error with a message saying why.
import { createTokenMinter, type TokenMinter } from '../testing/token-minter.js';
import { startChatCluster, type ChatCluster } from '../testing/chat-cluster.js';
import type { ChatProcess } from '../testing/chat-process.js';
import {
  ConnectRefused,
  connectClient,
  connectRefusal,
  disconnected,
  expectOk,
  request,
  type ConnectOptions,
} from '../testing/socket-client.js';

const appOrigin = 'https://app.falablau.test';
let cluster: ChatCluster;
let chat: ChatProcess;
let stranger: TokenMinter;

beforeAll(async () => {
  cluster = await startChatCluster({
    name: 'chat_handshake',
    processes: 1,
    corsOrigins: [appOrigin],
  });
  chat = cluster.process(0);
  stranger = await createTokenMinter();
}, 90_000);

afterEach(() => {
  cluster.disconnectClients();
});

afterAll(async () => {
  await stranger.close();
  await cluster.close();
});

const refusal = (options: ConnectOptions): Promise<ConnectRefused> =>
  connectRefusal(chat.url, options);

describe('socket handshake', () => {
  test('when no token is sent, then the connection is refused, saying what is missing', async () => {
    const error = await refusal({});
    expect(error.message).toMatch(/Authentication required: send the access token as auth.token/);
    expect(error.data).toEqual({ code: 'UNAUTHORIZED' });
  });

  test.each([
    ['garbage', 'not-a-jwt'],
    ['a JWT-shaped string', 'a.b.c'],
    ['an empty string', ''],
  ])('when the token is %s, then the connection is refused', async (_label, token) => {
    const error = await refusal({ token });
    expect(error.message).toMatch(/Invalid access token|Authentication required/);
  });

  test('when the token is not a string, then the connection is refused', async () => {
    const client = connectClient(chat.url, { token: 42 as unknown as string });
    await expect(client).rejects.toThrow(/Authentication required/);
  });

  test('when the token has expired, then the client is told to refresh it', async () => {
    const user = cluster.minter.user();
    const error = await refusal({ token: await cluster.minter.mint(user, { expiresInSec: -60 }) });
    expect(error.message).toMatch(/Access token expired: refresh it/);
  });

  test.each([
    ['another audience', { aud: 'some-other-api' }],
    ['another issuer', { iss: 'https://evil.test' }],
    ['no session id', { sid: undefined }],
  ])('when the token has %s, then the connection is refused', async (_label, claims) => {
    const user = cluster.minter.user();
    const error = await refusal({ token: await cluster.minter.mint(user, { claims }) });
    expect(error.message).toMatch(/Invalid access token|lacks required claims/);
  });

  test('when the token is signed by an unknown key, then the connection is refused', async () => {
    const error = await refusal({ token: await stranger.mint(stranger.user()) });
    expect(error.message).toMatch(/unknown key|Invalid access token/);
  });

  test('when a browser page on another origin connects, then it is refused even with a valid token', async () => {
    const token = await cluster.minter.mint(cluster.minter.user());
    const error = await refusal({ token, origin: 'https://evil.test' });
    expect(error.message).toMatch(/websocket error/i);
    const polling = await refusal({ token, origin: 'https://evil.test', transports: ['polling'] });
    expect(polling.message).toMatch(/xhr poll error/i);
  });

  test('when a page on an allowed origin or on our own origin connects, then it is accepted', async () => {
    const user = cluster.minter.user();
    for (const origin of [appOrigin, chat.url]) {
      const { client } = await cluster.connect(user, chat, { origin });
      expect(client.connected).toBe(true);
    }
  });

  test('when a non-browser client (no Origin) has a valid token, then it is accepted', async () => {
    const { client } = await cluster.connect(cluster.minter.user(), chat);
    expect(client.connected).toBe(true);
  });

  test('when WebSocket is unavailable, then long-polling works as well', async () => {
    const alice = cluster.minter.user('alice');
    const room = await cluster.createRoom(alice);
    const { client } = await cluster.connect(alice, chat, {
      transports: ['polling'],
      origin: appOrigin,
    });
    expect(client.io.engine.transport.name).toBe('polling');
    expectOk(await request(client, 'join_room', { roomId: room.id }));
  });

  test('when the token expires, then the server closes the socket', async () => {
    const user = cluster.minter.user();
    const { client } = await cluster.connect(user, chat, {
      token: await cluster.minter.mint(user, { expiresInSec: 2 }),
    });
    expect(await disconnected(client, 5_000)).toBe('io server disconnect');
  });
});
