// One prom-client registry per service instance (never the global one, so tests and the
// standalone mode can run several services in one process without name clashes).
import { Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface Metrics {
  registry: Registry;
  httpRequestDuration: Histogram<'method' | 'route' | 'status_code'>;
}

export interface MetricsOptions {
  service: string;
  /** Default Node.js process metrics (event-loop lag, heap, GC...). Off when several services share a process. */
  defaultMetrics?: boolean;
}

export function createMetrics({ service, defaultMetrics = true }: MetricsOptions): Metrics {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  if (defaultMetrics)
    collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: 20 });
  const httpRequestDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration by method, route template and status code',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  return { registry, httpRequestDuration };
}
