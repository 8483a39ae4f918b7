import {
  createRoomBodySchema,
  joinRoomPayloadSchema,
  sendMessagePayloadSchema,
  typingPayloadSchema,
} from './chat.schemas.js';

const roomId = '0b6c6b57-6f0b-4d0c-9a39-1c2b2b0f9a11';

describe('chat wire schemas', () => {
  it('when a message has surrounding whitespace, then it is trimmed and counted after trimming', () => {
    const parsed = sendMessagePayloadSchema.parse({
      roomId,
      text: `  ${'a'.repeat(4000)}  `,
      clientMsgId: 'c-1',
    });
    expect(parsed.text).toHaveLength(4000);
  });

  it.each([
    ['blank text', { roomId, text: '   \n\t', clientMsgId: 'c' }],
    ['text over 4000 characters', { roomId, text: 'a'.repeat(4001), clientMsgId: 'c' }],
    ['a non-UUID room id', { roomId: '1', text: 'hi', clientMsgId: 'c' }],
    ['a clientMsgId with spaces', { roomId, text: 'hi', clientMsgId: 'a b' }],
    ['a clientMsgId over 64 characters', { roomId, text: 'hi', clientMsgId: 'x'.repeat(65) }],
    ['an extra field', { roomId, text: 'hi', clientMsgId: 'c', userId: 'someone-else' }],
    ['an operator object', { roomId: { $ne: null }, text: 'hi', clientMsgId: 'c' }],
    ['a number as text', { roomId, text: 42, clientMsgId: 'c' }],
  ])('when send_message has %s, then it is rejected', (_label, payload) => {
    expect(sendMessagePayloadSchema.safeParse(payload).success).toBe(false);
  });

  it('when afterSeq is negative or fractional, then join_room is rejected', () => {
    expect(joinRoomPayloadSchema.safeParse({ roomId, afterSeq: -1 }).success).toBe(false);
    expect(joinRoomPayloadSchema.safeParse({ roomId, afterSeq: 1.5 }).success).toBe(false);
    expect(joinRoomPayloadSchema.parse({ roomId, afterSeq: 0 })).toEqual({ roomId, afterSeq: 0 });
  });

  it('when typing is not a boolean, then it is rejected', () => {
    expect(typingPayloadSchema.safeParse({ roomId, isTyping: 'yes' }).success).toBe(false);
  });

  it('when a room name is 64 characters, then it is accepted; 65 or blank, rejected', () => {
    expect(createRoomBodySchema.safeParse({ name: 'n'.repeat(64) }).success).toBe(true);
    expect(createRoomBodySchema.safeParse({ name: 'n'.repeat(65) }).success).toBe(false);
    expect(createRoomBodySchema.safeParse({ name: '  ' }).success).toBe(false);
  });
});
