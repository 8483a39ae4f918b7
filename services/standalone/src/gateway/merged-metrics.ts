// One /metrics for the whole process: the process's own registry (Node.js runtime metrics, the
// event bus) plus each service's, merged at scrape time. Every service registry labels its series
// with `service`, so same-named metrics (http_request_duration_seconds…) stay apart, and each
// metric family appears once, as the exposition format requires.
import { AggregatorRegistry, Registry } from 'prom-client';

export class MergedRegistry extends Registry {
  constructor(private readonly sources: readonly Registry[]) {
    super();
  }

  override async metrics(): Promise<string> {
    const all = await Promise.all(this.sources.map((registry) => registry.getMetricsAsJSON()));
    return AggregatorRegistry.aggregate(all).metrics();
  }
}
