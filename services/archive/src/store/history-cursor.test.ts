import { randomUUID } from 'node:crypto';
import {
  decodeRoomCursor,
  decodeUserCursor,
  encodeRoomCursor,
  encodeUserCursor,
} from './history-cursor.js';

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('history cursors', () => {
  test('when a room cursor is issued, then it is opaque base64url and decodes to the seq', () => {
    const cursor = encodeRoomCursor({ seq: 12345 });
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(cursor).not.toContain('12345');
    expect(decodeRoomCursor(cursor)).toBe(12345);
  });

  test('when a user cursor is issued, then it decodes to the same position', () => {
    const id = randomUUID();
    const cursor = encodeUserCursor({ createdAt: '2025-01-02T03:04:05.678Z', id });
    expect(decodeUserCursor(cursor)).toEqual({
      createdAt: new Date('2025-01-02T03:04:05.678Z'),
      id,
    });
  });

  test('when a cursor of one kind is given to the other, then it is refused', () => {
    expect(decodeUserCursor(encodeRoomCursor({ seq: 5 }))).toBeUndefined();
    expect(
      decodeRoomCursor(encodeUserCursor({ createdAt: new Date().toISOString(), id: randomUUID() })),
    ).toBeUndefined();
  });

  test.each([
    ['empty', ''],
    ['not base64url', 'a+b/c='],
    ['not JSON', Buffer.from('seq=5').toString('base64url')],
    ['an operator', b64({ k: 'r', s: { $gt: 0 } })],
    ['an extra field', b64({ k: 'r', s: 5, $where: 'sleep(1000)' })],
    ['a negative seq', b64({ k: 'r', s: -1 })],
    ['a fractional seq', b64({ k: 'r', s: 1.5 })],
    ['a seq as a string', b64({ k: 'r', s: '5' })],
    ['a user cursor whose id is a regex', b64({ k: 'u', t: 0, i: '.*' })],
    ['a huge string', 'A'.repeat(10_000)],
    ['an array', b64([{ k: 'r', s: 5 }])],
  ])('when the cursor is %s, then it does not decode', (_label, cursor) => {
    expect(decodeRoomCursor(cursor)).toBeUndefined();
    expect(decodeUserCursor(cursor)).toBeUndefined();
  });
});
