import Fastify from 'fastify';
import { injectCaller, withQuery } from './inject.js';

describe('injectCaller', () => {
  test('when a token, a body and headers are given, then they arrive as bearer, JSON and as given', async () => {
    const app = Fastify();
    app.post('/echo', (req) => ({ headers: req.headers, body: req.body }));
    const call = injectCaller(() => app);
    const res = await call('POST', '/echo', {
      token: 't0k',
      body: { a: 1 },
      headers: { 'x-extra': 'yes' },
    });
    const echoed = res.json<{ headers: Record<string, string>; body: unknown }>();
    expect(echoed.headers.authorization).toBe('Bearer t0k');
    expect(echoed.headers['content-type']).toBe('application/json');
    expect(echoed.headers['x-extra']).toBe('yes');
    expect(echoed.body).toEqual({ a: 1 });
    await app.close();
  });

  test('when nothing is given, then no Authorization header and no body are sent', async () => {
    const app = Fastify();
    app.get('/echo', (req) => ({ authorization: req.headers.authorization ?? null }));
    const res = await injectCaller(() => app)('GET', '/echo');
    expect(res.json()).toEqual({ authorization: null });
    await app.close();
  });
});

describe('withQuery', () => {
  test('when the URL has a query or not, then the right separator joins them', () => {
    expect(withQuery('/a', 'x=1')).toBe('/a?x=1');
    expect(withQuery('/a?b=2', 'x=1')).toBe('/a?b=2&x=1');
  });
});
