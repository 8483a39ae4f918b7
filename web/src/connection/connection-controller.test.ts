import { jest } from '@jest/globals';
import { ApiError, SessionEndedError } from '../api/api-error';
import type { TokenSource } from '../api/chat-api';
import { FakeLink } from '../test/fake-link';
import { createConnectionController } from './connection-controller';

function setup() {
  const link = new FakeLink();
  const tokens = {
    getAccessToken: jest.fn<TokenSource['getAccessToken']>(() => Promise.resolve('access-1')),
    refresh: jest.fn<TokenSource['refresh']>(() => Promise.resolve('access-2')),
  };
  const controller = createConnectionController({ link, tokens });
  const connected = jest.fn();
  controller.onConnected(connected);
  controller.start();
  return { link, tokens, controller, connected };
}

beforeEach(() => {
  jest.useFakeTimers();
});
afterEach(() => {
  jest.useRealTimers();
});

describe('connection controller', () => {
  it('when started and the link connects, then the state is connected and listeners hear it', () => {
    const { link, controller, connected } = setup();
    expect(link.connect).toHaveBeenCalledTimes(1);
    expect(controller.state.get()).toEqual({ phase: 'connecting', attempt: 0 });
    link.emitLink({ type: 'connect' });
    expect(controller.state.get()).toEqual({ phase: 'connected', reconnected: false });
    expect(connected).toHaveBeenCalledTimes(1);
  });

  it('when the network drops, then it is reconnecting and, once back, reconnected', () => {
    const { link, controller, connected, tokens } = setup();
    link.emitLink({ type: 'connect' });
    link.emitLink({ type: 'disconnect', reason: 'transport close', willReconnect: true });
    link.emitLink({ type: 'reconnect_attempt', attempt: 2 });
    expect(controller.state.get()).toEqual({ phase: 'reconnecting', attempt: 2, cause: 'network' });
    link.emitLink({ type: 'connect' });
    expect(controller.state.get()).toEqual({ phase: 'connected', reconnected: true });
    expect(connected).toHaveBeenCalledTimes(2);
    expect(tokens.refresh).not.toHaveBeenCalled();
  });

  it('when the server closes the socket (token expired), then the token is refreshed and the link reconnected', async () => {
    const { link, controller, tokens } = setup();
    link.emitLink({ type: 'connect' });
    link.emitLink({ type: 'disconnect', reason: 'io server disconnect', willReconnect: false });
    expect(controller.state.get()).toEqual({ phase: 'reconnecting', attempt: 0, cause: 'session' });
    await jest.advanceTimersByTimeAsync(0);
    expect(tokens.refresh).toHaveBeenCalledWith('access-0');
    expect(link.connect).toHaveBeenCalledTimes(2);
  });

  it('when the handshake is refused again and again, then refreshes back off', async () => {
    const { link, tokens } = setup();
    const refuse = () => {
      link.emitLink({
        type: 'connect_error',
        message: 'Invalid access token',
        unauthorized: true,
        willRetry: false,
      });
    };
    refuse();
    await jest.advanceTimersByTimeAsync(0);
    refuse();
    await jest.advanceTimersByTimeAsync(500);
    expect(tokens.refresh).toHaveBeenCalledTimes(1);
    await jest.advanceTimersByTimeAsync(500);
    expect(tokens.refresh).toHaveBeenCalledTimes(2);
    refuse();
    await jest.advanceTimersByTimeAsync(1_999);
    expect(tokens.refresh).toHaveBeenCalledTimes(2);
    await jest.advanceTimersByTimeAsync(1);
    expect(tokens.refresh).toHaveBeenCalledTimes(3);
  });

  it('when the refresh is refused (session revoked), then the connection ends', async () => {
    const { link, controller, tokens } = setup();
    link.emitLink({ type: 'connect' });
    tokens.refresh.mockRejectedValueOnce(new SessionEndedError());
    link.emitLink({ type: 'disconnect', reason: 'io server disconnect', willReconnect: false });
    await jest.advanceTimersByTimeAsync(0);
    expect(controller.state.get()).toEqual({ phase: 'ended' });
    expect(link.connect).toHaveBeenCalledTimes(1);
  });

  it('when auth-service does not answer the refresh, then it is tried again after a backoff', async () => {
    const { link, tokens } = setup();
    tokens.refresh.mockRejectedValueOnce(new ApiError(0, 'NETWORK', 'offline'));
    link.emitLink({ type: 'disconnect', reason: 'io server disconnect', willReconnect: false });
    await jest.advanceTimersByTimeAsync(1_000);
    expect(tokens.refresh).toHaveBeenCalledTimes(2);
    expect(link.connect).toHaveBeenCalledTimes(2);
  });

  it('when stopped, then the link is closed and later events are ignored', () => {
    const { link, controller, connected } = setup();
    controller.stop();
    link.emitLink({ type: 'connect' });
    expect(link.disconnect).toHaveBeenCalled();
    expect(controller.state.get()).toEqual({ phase: 'idle' });
    expect(connected).not.toHaveBeenCalled();
  });
});
