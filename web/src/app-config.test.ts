import { parseAppConfig } from './app-config';

describe('app config', () => {
  it('when nothing is set, then everything is same-origin over WebSocket only', () => {
    expect(parseAppConfig({ MODE: 'production' })).toEqual({
      apiBaseUrl: '',
      socketUrl: undefined,
      socketPath: '/socket.io',
      socketTransports: ['websocket'],
    });
  });

  it('when values are set, then they are parsed and normalised', () => {
    expect(
      parseAppConfig({
        VITE_API_BASE_URL: 'https://chat.example.org/',
        VITE_SOCKET_URL: 'https://chat.example.org',
        VITE_SOCKET_TRANSPORTS: 'websocket, polling',
      }),
    ).toMatchObject({
      apiBaseUrl: 'https://chat.example.org',
      socketTransports: ['websocket', 'polling'],
    });
  });

  it('when a transport is unknown, then the config is refused', () => {
    expect(() => parseAppConfig({ VITE_SOCKET_TRANSPORTS: 'carrier-pigeon' })).toThrow();
  });
});
