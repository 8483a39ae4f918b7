// `helm test` smoke test of a FalaBLAU release, run by the chat image's Node.js (no dependencies:
// global fetch and WebSocket, Node 22 or later). It walks the path a browser takes:
//   1. registers a random user at auth and logs in (an access token),
//   2. creates a room at chat,
//   3. opens two Socket.IO connections with that token (raw Engine.IO v4 / Socket.IO v5 frames
//      over a WebSocket), both join the room,
//   4. one sends a message: its acknowledgement must be {ok: true, message}, and the other
//      connection must receive the `message` broadcast (the sender gets the ack, not the
//      broadcast; with several chat pods the two sockets may sit on different pods, so this also
//      exercises the Redis adapter between them).
// Any failure prints one line starting with "FAIL" and exits 1; the whole run is bounded by
// TIMEOUT_SECONDS.
import { randomBytes, randomUUID } from 'node:crypto';

const authUrl = requireEnv('AUTH_URL').replace(/\/+$/, '');
const chatUrl = requireEnv('CHAT_URL').replace(/\/+$/, '');
const timeoutSeconds = Number(process.env.TIMEOUT_SECONDS ?? '60');
const requestTimeoutMs = 10_000;

let step = 'starting';
const startedAt = Date.now();

function requireEnv(name) {
  const value = process.env[name];
  if (!value) fail(`environment variable ${name} is not set`);
  return value;
}

function log(message) {
  const seconds = ((Date.now() - startedAt) / 1000).toFixed(1);
  console.log(`[smoke +${seconds}s] ${message}`);
}

function fail(message) {
  console.error(`FAIL (${step}): ${message}`);
  process.exit(1);
}

const deadline = setTimeout(() => {
  fail(`timed out after ${timeoutSeconds} s`);
}, timeoutSeconds * 1000);

/** A JSON request; returns the status and the parsed body (or the raw text). */
async function request(method, url, body, token) {
  const headers = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (token) headers.authorization = `Bearer ${token}`;
  let response;
  try {
    response = await fetch(url, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(requestTimeoutMs),
    });
  } catch (error) {
    fail(`${method} ${url} failed: ${error.cause?.message ?? error.message}`);
  }
  const text = await response.text();
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, json, text };
}

function expectStatus(result, expected, what) {
  if (result.status !== expected) {
    fail(`${what}: expected HTTP ${expected}, got ${result.status}: ${result.text.slice(0, 300)}`);
  }
}

/**
 * A minimal Socket.IO v5 client on Engine.IO v4 over a WebSocket. Engine.IO packets are a type
 * digit and a payload: 0 open, 1 close, 2 ping, 3 pong, 4 message. A message carries a Socket.IO
 * packet: 0 CONNECT, 1 DISCONNECT, 2 EVENT, 3 ACK, 4 CONNECT_ERROR, followed (for EVENT and ACK)
 * by an optional numeric ack id and a JSON array. The default namespace "/" is implicit.
 */
class RawSocketIo {
  constructor(name, baseUrl, token) {
    this.name = name;
    this.url = `${baseUrl.replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket`;
    this.token = token;
    this.nextAckId = 0;
    this.pendingAcks = new Map();
    this.listeners = new Map();
  }

  connect() {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(this.url);
      this.ws = ws;
      let connected = false;
      ws.addEventListener('error', (event) => {
        reject(new Error(`${this.name}: WebSocket error ${event.message ?? ''}`.trim()));
      });
      ws.addEventListener('close', (event) => {
        if (!connected) reject(new Error(`${this.name}: closed before connecting (${event.code})`));
        else if (!this.closing)
          fail(`${this.name}: connection closed unexpectedly (${event.code})`);
      });
      ws.addEventListener('message', (event) => {
        const data = String(event.data);
        switch (data[0]) {
          case '0': // Engine.IO open: now the Socket.IO CONNECT with the access token as auth.
            ws.send(`40${JSON.stringify({ token: this.token })}`);
            return;
          case '2': // ping: answer with pong or the server drops us after pingTimeout.
            ws.send('3');
            return;
          case '1':
            return;
          case '4':
            break;
          default:
            return;
        }
        const packet = data.slice(1);
        switch (packet[0]) {
          case '0':
            connected = true;
            resolve();
            return;
          case '4':
            reject(new Error(`${this.name}: connection refused: ${packet.slice(1)}`));
            return;
          case '1':
            if (!this.closing) fail(`${this.name}: disconnected by the server`);
            return;
          case '2':
          case '3': {
            const match = /^(\d*)(\[.*)$/s.exec(packet.slice(1));
            if (!match) return;
            const args = JSON.parse(match[2]);
            if (packet[0] === '3') {
              const pending = this.pendingAcks.get(match[1]);
              this.pendingAcks.delete(match[1]);
              pending?.(args[0]);
            } else {
              const [event, ...rest] = args;
              for (const listener of this.listeners.get(event) ?? []) listener(...rest);
            }
            return;
          }
          default:
            return;
        }
      });
    });
  }

  /** Emits an event and resolves with the acknowledgement's first argument. */
  emit(event, payload) {
    const id = String(this.nextAckId++);
    return new Promise((resolve) => {
      this.pendingAcks.set(id, resolve);
      this.ws.send(`42${id}${JSON.stringify([event, payload])}`);
    });
  }

  on(event, listener) {
    const listeners = this.listeners.get(event) ?? [];
    listeners.push(listener);
    this.listeners.set(event, listeners);
  }

  close() {
    this.closing = true;
    this.ws?.close();
  }
}

function expectAck(ack, what) {
  if (!ack || ack.ok !== true) fail(`${what}: acknowledgement was ${JSON.stringify(ack)}`);
  return ack;
}

async function main() {
  log(`auth at ${authUrl}, chat at ${chatUrl}`);
  const username = `smoke_${randomBytes(6).toString('hex')}`;
  const password = randomBytes(18).toString('base64url');

  step = 'register';
  expectStatus(
    await request('POST', `${authUrl}/register`, { username, password }),
    201,
    'POST /register',
  );
  log(`registered ${username}`);

  step = 'login';
  const login = await request('POST', `${authUrl}/login`, { username, password });
  expectStatus(login, 200, 'POST /login');
  const token = login.json?.accessToken;
  if (typeof token !== 'string') fail(`POST /login returned no accessToken: ${login.text}`);
  log('logged in');

  step = 'create room';
  const roomName = `helm-test-${randomBytes(6).toString('hex')}`;
  const created = await request('POST', `${chatUrl}/rooms`, { name: roomName }, token);
  expectStatus(created, 201, 'POST /rooms');
  const roomId = created.json?.id;
  if (typeof roomId !== 'string') fail(`POST /rooms returned no id: ${created.text}`);
  log(`created room ${roomName} (${roomId})`);

  step = 'connect sockets';
  const receiver = new RawSocketIo('receiver', chatUrl, token);
  const sender = new RawSocketIo('sender', chatUrl, token);
  await Promise.all([receiver.connect(), sender.connect()]).catch((error) => fail(error.message));
  log('both sockets connected');

  step = 'join room';
  expectAck(await receiver.emit('join_room', { roomId }), 'receiver join_room');
  expectAck(await sender.emit('join_room', { roomId }), 'sender join_room');
  log('both sockets joined the room');

  step = 'send message';
  const text = `smoke test ${randomUUID()}`;
  const broadcast = new Promise((resolve) => {
    receiver.on('message', (message) => {
      if (message?.roomId === roomId && message?.text === text) resolve(message);
    });
  });
  const ack = expectAck(
    await sender.emit('send_message', { roomId, text, clientMsgId: randomUUID() }),
    'send_message',
  );
  if (ack.message?.text !== text || ack.message?.roomId !== roomId) {
    fail(`send_message acknowledged a different message: ${JSON.stringify(ack.message)}`);
  }
  log(`message acknowledged (seq ${ack.message.seq})`);

  step = 'receive broadcast';
  const received = await broadcast;
  if (received.id !== ack.message.id) {
    fail(`broadcast id ${received.id} differs from the acknowledged id ${ack.message.id}`);
  }
  log('the other socket received the broadcast');

  receiver.close();
  sender.close();
  clearTimeout(deadline);
  log('PASS');
  process.exit(0);
}

main().catch((error) => fail(error?.stack ?? String(error)));
