import {
  decodeFrame,
  encodeAck,
  encodeConnect,
  encodeEvent,
  messageTag,
  socketUrl,
} from './frames.js';

describe('Engine.IO / Socket.IO framing', () => {
  test('the engine OPEN packet gives the session and the heartbeat settings', () => {
    expect(
      decodeFrame('0{"sid":"abc","upgrades":[],"pingInterval":25000,"pingTimeout":20000}'),
    ).toEqual({ kind: 'open', sid: 'abc', pingInterval: 25_000, pingTimeout: 20_000 });
  });

  test('ping, pong, close and noop are one character', () => {
    expect(decodeFrame('2')).toEqual({ kind: 'ping' });
    expect(decodeFrame('3')).toEqual({ kind: 'pong' });
    expect(decodeFrame('1')).toEqual({ kind: 'close' });
    expect(decodeFrame('6')).toEqual({ kind: 'noop' });
  });

  test('CONNECT carries the auth payload; the server answers with the socket id', () => {
    expect(encodeConnect({ token: 't.o.k' })).toBe('40{"token":"t.o.k"}');
    expect(encodeConnect()).toBe('40');
    expect(decodeFrame('40{"sid":"s1"}')).toEqual({ kind: 'connect', sid: 's1' });
  });

  test('CONNECT_ERROR keeps the message and the data', () => {
    expect(
      decodeFrame('44{"message":"Invalid access token","data":{"code":"UNAUTHORIZED"}}'),
    ).toEqual({
      kind: 'connect_error',
      message: 'Invalid access token',
      data: { code: 'UNAUTHORIZED' },
    });
  });

  test('an EVENT with and without an ack id round-trips', () => {
    const withAck = encodeEvent('send_message', { roomId: 'r', text: 'hi' }, 17);
    expect(withAck).toBe('4217["send_message",{"roomId":"r","text":"hi"}]');
    expect(decodeFrame(withAck)).toEqual({
      kind: 'event',
      name: 'send_message',
      args: [{ roomId: 'r', text: 'hi' }],
      ackId: 17,
    });
    expect(decodeFrame('42["message",{"seq":3}]')).toEqual({
      kind: 'event',
      name: 'message',
      args: [{ seq: 3 }],
      ackId: undefined,
    });
  });

  test('an ACK carries its id and arguments', () => {
    expect(decodeFrame('43120[{"ok":true,"message":{"seq":9}}]')).toEqual({
      kind: 'ack',
      ackId: 120,
      args: [{ ok: true, message: { seq: 9 } }],
    });
    expect(encodeAck(5, [{ ok: true }])).toBe('435[{"ok":true}]');
  });

  test('a packet of another namespace is decoded all the same', () => {
    expect(decodeFrame('42/admin,["x",1]')).toEqual({
      kind: 'event',
      name: 'x',
      args: [1],
      ackId: undefined,
    });
  });

  test('DISCONNECT from the server', () => {
    expect(decodeFrame('41')).toEqual({ kind: 'disconnect' });
  });

  test.each([
    ['bad JSON', '42["message",{'],
    ['an ack without id', '43[{"ok":true}]'],
    ['an event without a name', '42[1,2]'],
    ['an event that is not an array', '42{"a":1}'],
    ['a binary event', '451-["x",{"_placeholder":true,"num":0}]'],
    ['an upgrade packet', '5'],
    ['an empty frame', ''],
    ['an open packet without sid', '0{"pingInterval":1}'],
  ])('malformed input (%s) is unknown, never a throw', (_label, raw) => {
    expect(decodeFrame(raw)).toEqual({ kind: 'unknown', raw });
  });

  test('ack ids must be non-negative integers', () => {
    expect(() => encodeEvent('x', {}, -1)).toThrow(RangeError);
    expect(() => encodeEvent('x', {}, 1.5)).toThrow(RangeError);
  });

  test('socketUrl builds the Engine.IO WebSocket endpoint', () => {
    expect(socketUrl('http://127.0.0.1:5101')).toBe(
      'ws://127.0.0.1:5101/socket.io/?EIO=4&transport=websocket',
    );
    expect(socketUrl('https://chat.example')).toBe(
      'wss://chat.example/socket.io/?EIO=4&transport=websocket',
    );
  });
});

describe('messageTag (the receive fast path)', () => {
  const broadcast = (text: string) =>
    `42["message",{"id":"1b4e28ba-2fa1-11d2-883f-0016d3cca427","roomId":"r","seq":7,` +
    `"userId":"u","username":"bench-1","text":${JSON.stringify(text)},"createdAt":"2025-01-01T00:00:00.000Z"}]`;

  test('reads the worker and message numbers from the text without parsing JSON', () => {
    expect(messageTag(broadcast('3:123456:xxxxxxxx'))).toEqual({ worker: 3, message: 123_456 });
    expect(messageTag(broadcast('0:0:'))).toEqual({ worker: 0, message: 0 });
  });

  test('agrees with the full decoder', () => {
    const frame = broadcast('12:99:padding');
    const decoded = decodeFrame(frame);
    if (decoded.kind !== 'event') throw new Error(`decoded as ${decoded.kind}`);
    const { text } = decoded.args[0] as { text: string };
    const [worker, message] = text.split(':').map(Number);
    expect(messageTag(frame)).toEqual({ worker, message });
  });

  test.each([
    ['another event', '42["typing",{"text":"1:2:"}]'],
    ['an untagged text', broadcast('hello')],
    ['a tag without its second colon', broadcast('1:2')],
    ['an ack', '431[{"ok":true}]'],
    ['a message without text', '42["message",{"seq":1}]'],
  ])('is undefined for %s', (_label, frame) => {
    expect(messageTag(frame)).toBeUndefined();
  });
});
