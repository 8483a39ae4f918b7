// The platform's own /health, /ready and /metrics (the services' own stay reachable under their
// prefixes, e.g. /api/chat/ready). Ready means every service is ready.
import {
  createHttpApp,
  type HttpApp,
  type Logger,
  type Metrics,
  type ReadinessCheck,
} from '@falablau/common';
import { MergedRegistry } from './merged-metrics.js';

export interface ServiceProbe {
  name: string;
  app: HttpApp;
  metrics: Metrics;
}

interface ReadyBody {
  checks?: Record<string, string>;
}

/** A readiness check that asks the service's own /ready (in-process, no socket). */
function serviceReadiness({ name, app }: ServiceProbe): ReadinessCheck {
  return {
    name,
    check: async () => {
      const response = await app.inject({ method: 'GET', url: '/ready' });
      if (response.statusCode === 200) return;
      const { checks = {} } = response.json<ReadyBody>();
      const failing = Object.entries(checks).filter(([, result]) => result !== 'ok');
      throw new Error(failing.map(([check, result]) => `${check}: ${result}`).join('; '));
    },
  };
}

export async function createOpsApp(options: {
  logger: Logger;
  metrics: Metrics;
  services: readonly ServiceProbe[];
}): Promise<HttpApp> {
  const { metrics, services } = options;
  const registry = new MergedRegistry([
    metrics.registry,
    ...services.map((service) => service.metrics.registry),
  ]);
  return createHttpApp({
    name: 'standalone',
    logger: options.logger,
    metrics: { registry, httpRequestDuration: metrics.httpRequestDuration },
    readiness: services.map(serviceReadiness),
    openapi: {
      title: 'FalaBLAU standalone',
      version: '1.0.0',
      description:
        'The whole platform in one process. APIs: /api/auth/openapi.json, ' +
        '/api/chat/openapi.json, /api/archive/openapi.json.',
    },
  });
}
