// Liveness, readiness, metrics and the OpenAPI document: the endpoints Kubernetes, Prometheus
// and API tooling rely on. None of them needs a token.
import { z } from 'zod';
import type { Metrics } from '../metrics.js';
import type { HttpApp } from './create-http-app.js';

export interface ReadinessCheck {
  name: string;
  /** Resolves when the dependency is reachable; rejects (or times out) when not. */
  check: () => Promise<void>;
}

const checkTimeoutMs = 2_000;

async function runCheck(check: ReadinessCheck): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(new Error(`timed out after ${checkTimeoutMs} ms`));
    }, checkTimeoutMs);
  });
  try {
    await Promise.race([check.check(), timeout]);
    return 'ok';
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  } finally {
    clearTimeout(timer);
  }
}

const healthResponse = z.object({
  status: z.literal('ok'),
  service: z.string(),
  uptimeSeconds: z.number(),
});
const readyResponse = z.object({
  status: z.enum(['ready', 'unavailable']),
  checks: z.record(z.string(), z.string()),
});

export function registerOpsRoutes(
  app: HttpApp,
  opts: { name: string; metrics: Metrics; readiness: ReadinessCheck[] },
): void {
  app.get(
    '/health',
    { schema: { tags: ['ops'], summary: 'Liveness', response: { 200: healthResponse } } },
    async () => ({
      status: 'ok' as const,
      service: opts.name,
      uptimeSeconds: Math.round(process.uptime()),
    }),
  );

  app.get(
    '/ready',
    {
      schema: {
        tags: ['ops'],
        summary: 'Readiness: every dependency reachable',
        response: { 200: readyResponse, 503: readyResponse },
      },
    },
    async (_request, reply) => {
      const results = await Promise.all(
        opts.readiness.map(async (c) => [c.name, await runCheck(c)] as const),
      );
      const checks = Object.fromEntries(results);
      const ready = results.every(([, r]) => r === 'ok');
      return reply
        .code(ready ? 200 : 503)
        .send({ status: ready ? 'ready' : 'unavailable', checks });
    },
  );

  app.get(
    '/metrics',
    { schema: { tags: ['ops'], summary: 'Prometheus metrics', hide: true } },
    async (_request, reply) => {
      const body = await opts.metrics.registry.metrics();
      return reply.type(opts.metrics.registry.contentType).send(body);
    },
  );

  app.get('/openapi.json', { schema: { tags: ['ops'], hide: true } }, async () => app.swagger());
}
