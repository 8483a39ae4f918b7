// Revocation events on the real broker: what chat pods consume to close a session's sockets.
import { randomUUID } from 'node:crypto';
import {
  authSessionsTopic,
  createKafkaEventBus,
  createLogger,
  type EventBus,
  type EventOf,
  type Subscription,
} from '@falablau/common';
import { requireServer } from '@falablau/common/testing';
import { startTestAuthApp, type TestAuthApp } from '../testing/auth-test-app.js';
import { post, registerUser } from '../testing/requests.js';
import type { TokenResponse } from '../routes/schemas.js';

type Revoked = EventOf<typeof authSessionsTopic, 'session.revoked'>;

const logger = createLogger({ name: 'auth-kafka-test', level: 'silent' });
let kafka: EventBus;
let consumerBus: EventBus;
let subscription: Subscription;
const received: Revoked[] = [];
let now = Date.now();
let flaky = 0;
let t: TestAuthApp;

beforeAll(async () => {
  const brokers = requireServer('KAFKA_BOOTSTRAP_SERVERS').split(',');
  kafka = createKafkaEventBus({ brokers, clientId: `auth-test-${randomUUID()}`, logger });
  consumerBus = createKafkaEventBus({ brokers, clientId: `chat-like-${randomUUID()}`, logger });
  // The bus auth-service uses, except that it can be told to fail (broker outage).
  const outageAware: EventBus = {
    publishMany: (topic, items) => {
      if (flaky > 0) {
        flaky -= 1;
        return Promise.reject(new Error('broker unreachable'));
      }
      return kafka.publishMany(topic, items);
    },
    publish: (...args) => kafka.publish(...args),
    subscribe: (...args) => kafka.subscribe(...args),
    publishRaw: (...args) => kafka.publishRaw(...args),
    subscribeRaw: (...args) => kafka.subscribeRaw(...args),
    ready: () => kafka.ready(),
    close: () => kafka.close(),
  };
  t = await startTestAuthApp({ eventBus: outageAware, clock: () => new Date(now) });
  subscription = await consumerBus.subscribe(authSessionsTopic, {
    groupId: `auth-revocation-test-${randomUUID()}`,
    fromBeginning: true,
    handleBatch: async (events) => {
      received.push(...events);
    },
  });
}, 60_000);

afterAll(async () => {
  await subscription.stop();
  await t.dispose();
  await kafka.close();
  await consumerBus.close();
});

async function eventFor(sessionId: string, timeoutMs = 20_000): Promise<Revoked> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const event = received.find((e) => e.data.sessionId === sessionId);
    if (event) return event;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`no session.revoked for ${sessionId} on ${authSessionsTopic.name}`);
}

describe('session.revoked on auth.sessions.v1 (real Kafka)', () => {
  test('when a user logs out, then a consumer reads session.revoked (reason logout) from the broker', async () => {
    const tokens = await registerUser(t.app);
    const res = await post(t.app, '/logout', undefined, {
      authorization: `Bearer ${tokens.accessToken}`,
    });
    expect(res.statusCode).toBe(204);
    const event = await eventFor(tokens.sessionId);
    expect(event).toMatchObject({
      id: tokens.sessionId,
      type: 'session.revoked',
      version: 1,
      data: { sessionId: tokens.sessionId, userId: tokens.user.id, reason: 'logout' },
    });
    expect(Date.parse(event.data.revokedAt)).not.toBeNaN();
  });

  test('when a rotated refresh token is replayed, then session.revoked (reason refresh_reuse) is published', async () => {
    const first = await registerUser(t.app);
    const rotated = await post(t.app, '/refresh', { refreshToken: first.refreshToken });
    expect(rotated.json<TokenResponse>().sessionId).toBe(first.sessionId);
    now += 60_000;
    expect((await post(t.app, '/refresh', { refreshToken: first.refreshToken })).statusCode).toBe(
      401,
    );
    const event = await eventFor(first.sessionId);
    expect(event.data).toMatchObject({ sessionId: first.sessionId, reason: 'refresh_reuse' });
  });

  test('when the broker is unreachable at logout, then logout still succeeds and the event is delivered later', async () => {
    const tokens = await registerUser(t.app);
    flaky = 2;
    const res = await post(t.app, '/logout', undefined, {
      authorization: `Bearer ${tokens.accessToken}`,
    });
    expect(res.statusCode).toBe(204);
    const event = await eventFor(tokens.sessionId);
    expect(event.data.reason).toBe('logout');
    expect(flaky).toBe(0);
  });
});
