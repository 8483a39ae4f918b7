import { MAX_SEND_ATTEMPTS, afterRefusal, retryDelay } from './send-policy.js';

describe('send policy', () => {
  it('when attempts go on, then the wait doubles up to 15 s', () => {
    expect([1, 2, 3, 4, 5, 6].map(retryDelay)).toEqual([
      1_000, 2_000, 4_000, 8_000, 15_000, 15_000,
    ]);
  });

  it('when the server is unavailable, then it is retried until the attempts run out', () => {
    const error = { code: 'UNAVAILABLE' as const, message: 'try later' };
    expect(afterRefusal(error, 1)).toEqual({ action: 'retry', attempts: 1, waitMs: 1_000 });
    expect(afterRefusal(error, MAX_SEND_ATTEMPTS).action).toBe('fail');
  });

  it('when rate limited, then the named wait is used and the attempt is not counted', () => {
    const error = { code: 'RATE_LIMITED' as const, message: 'Too many messages: try again in 7 s' };
    expect(afterRefusal(error, 3)).toEqual({ action: 'retry', attempts: 2, waitMs: 7_000 });
    expect(afterRefusal({ ...error, message: 'slow down' }, 1).waitMs).toBe(2_000);
  });

  it.each([
    ['NOT_A_MEMBER', 'rejoin'],
    ['VALIDATION_FAILED', 'fail'],
    ['ROOM_NOT_FOUND', 'fail'],
    ['FORBIDDEN', 'fail'],
    ['INTERNAL', 'retry'],
  ] as const)('when the answer is %s, then the message is %s', (code, action) => {
    expect(afterRefusal({ code, message: code }, 1).action).toBe(action);
  });
});
