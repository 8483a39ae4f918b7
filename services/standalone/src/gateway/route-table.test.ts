import { isSocketIoPath, routeRequest } from './route-table.js';

describe('routeRequest', () => {
  test.each([
    ['/api/auth/login', 'auth', '/login'],
    ['/api/auth/.well-known/jwks.json', 'auth', '/.well-known/jwks.json'],
    ['/api/auth', 'auth', '/'],
    ['/api/chat/rooms?limit=5', 'chat', '/rooms?limit=5'],
    ['/api/chat/rooms/abc/messages?before=3', 'chat', '/rooms/abc/messages?before=3'],
    [
      '/api/archive/archive/rooms/r1?start=2025-01-01',
      'archive',
      '/archive/rooms/r1?start=2025-01-01',
    ],
    ['/socket.io/?EIO=4&transport=polling', 'chat', '/socket.io/?EIO=4&transport=polling'],
    ['/health', 'ops', '/health'],
    ['/ready', 'ops', '/ready'],
    ['/metrics', 'ops', '/metrics'],
    ['/', 'web', '/'],
    ['/rooms/123', 'web', '/rooms/123'],
    ['/assets/index-abc123.js', 'web', '/assets/index-abc123.js'],
  ])('when the URL is %s, then it goes to %s as %s', (url, to, rewritten) => {
    expect(routeRequest(url)).toEqual({ to, url: rewritten });
  });

  test('when the API name is unknown, then it is an API 404, never the web app', () => {
    expect(routeRequest('/api/nope/x').to).toBe('unknown-api');
    expect(routeRequest('/api').to).toBe('unknown-api');
    expect(routeRequest('/api/authx/login').to).toBe('unknown-api');
  });

  test('when the path has dot segments, then they are resolved before matching (no prefix escape)', () => {
    expect(routeRequest('/api/auth/../chat/rooms')).toEqual({ to: 'chat', url: '/rooms' });
    expect(routeRequest('/static/../api/auth/login')).toEqual({ to: 'auth', url: '/login' });
    expect(routeRequest('/api/archive/%2e%2e/auth/login')).toEqual({ to: 'auth', url: '/login' });
  });

  test('when the path starts with two slashes, then it stays a path', () => {
    expect(routeRequest('//api/auth/login')).toEqual({ to: 'web', url: '//api/auth/login' });
  });

  test('when a WebSocket upgrade asks for /socket.io/, then it is Socket.IO; anything else is not', () => {
    expect(isSocketIoPath('/socket.io/?EIO=4&transport=websocket')).toBe(true);
    expect(isSocketIoPath('/api/chat/socket.io/')).toBe(false);
    expect(isSocketIoPath('/socket.iox')).toBe(false);
  });
});
