// What a failed socket event answers. A dependency outage (Postgres restarting, Redis or Kafka
// away) is UNAVAILABLE, so clients retry, and it is logged as a warning, not as a bug.
import { createLogger, errors } from '@falablau/common';
import { AckFailure, toAckError } from './acks.js';

function recordingLogger() {
  const logger = createLogger({ name: 'acks-test', level: 'silent' });
  const calls: { level: 'warn' | 'error' }[] = [];
  logger.warn = () => {
    calls.push({ level: 'warn' });
  };
  logger.error = () => {
    calls.push({ level: 'error' });
  };
  return { logger, calls };
}

describe('toAckError', () => {
  test.each([
    [
      'Postgres refusing connections',
      Object.assign(new Error('connect'), { code: 'ECONNREFUSED' }),
    ],
    ['the pool timing out', new Error('timeout exceeded when trying to connect')],
    [
      'Postgres shutting down (57P01)',
      Object.assign(new Error('terminating connection due to administrator command'), {
        code: '57P01',
        severity: 'FATAL',
      }),
    ],
    ['pg: connection terminated', new Error('Connection terminated unexpectedly')],
    ['ioredis closed', new Error('Connection is closed.')],
  ])('when %s, then UNAVAILABLE (retry), logged as a warning', (_what, error) => {
    const { logger, calls } = recordingLogger();
    expect(toAckError(error, logger, 'send_message')).toEqual({
      ok: false,
      error: { code: 'UNAVAILABLE', message: 'Try again shortly' },
    });
    expect(calls).toEqual([{ level: 'warn' }]);
  });

  test('when a handler has a bug, then INTERNAL, logged as an error', () => {
    const { logger, calls } = recordingLogger();
    expect(toAckError(new TypeError('oops'), logger, 'send_message')).toEqual({
      ok: false,
      error: { code: 'INTERNAL', message: 'Something went wrong' },
    });
    expect(calls).toEqual([{ level: 'error' }]);
  });

  test('when the failure is deliberate, then its own code and message', () => {
    const { logger } = recordingLogger();
    expect(toAckError(new AckFailure('NOT_A_MEMBER', 'join first'), logger, 'x')).toEqual({
      ok: false,
      error: { code: 'NOT_A_MEMBER', message: 'join first' },
    });
    expect(toAckError(errors.validation('bad'), logger, 'x')).toEqual({
      ok: false,
      error: { code: 'VALIDATION_FAILED', message: 'bad' },
    });
  });
});
