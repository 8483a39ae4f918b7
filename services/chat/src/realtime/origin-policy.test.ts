import { createOriginPolicy } from './origin-policy.js';

const judge = createOriginPolicy(['https://app.falablau.test', 'http://localhost:5173/']);
const request = (headers: Record<string, string>) => ({ headers });

describe('origin policy', () => {
  test('when the Origin is on the allow-list, then it is allowed', () => {
    expect(judge(request({ origin: 'https://app.falablau.test', host: 'chat.internal' }))).toBe(
      'allowed',
    );
    // The list's trailing slash and the header's case do not matter: origins are normalised.
    expect(judge(request({ origin: 'http://LOCALHOST:5173', host: 'x' }))).toBe('allowed');
  });

  test('when the Origin is the host the request was sent to, then it is allowed (same origin)', () => {
    expect(judge(request({ origin: 'http://localhost:8080', host: 'localhost:8080' }))).toBe(
      'allowed',
    );
    expect(judge(request({ origin: 'https://chat.example.com', host: 'chat.example.com' }))).toBe(
      'allowed',
    );
  });

  test.each([
    ['another site', 'https://evil.test'],
    ['a look-alike host', 'https://app.falablau.test.evil.test'],
    ['another port', 'https://app.falablau.test:8443'],
    ['another scheme', 'http://app.falablau.test'],
    ['an opaque origin', 'null'],
    ['garbage', 'not a url'],
  ])('when the Origin is %s, then it is refused', (_label, origin) => {
    expect(judge(request({ origin, host: 'chat.internal' }))).toBe('refused');
  });

  test('when there is no Origin (not a browser page), then the token alone decides', () => {
    expect(judge(request({ host: 'chat.internal' }))).toBe('no-origin');
  });
});
