// Prometheus metrics on a registry of their own, so tests can build several apps.
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

type HttpLabels = 'route' | 'method' | 'status';

export interface Metrics {
  registry: Registry;
  httpRequests: Counter<HttpLabels>;
  httpDuration: Histogram<HttpLabels>;
  /**
   * SQL statements sent by the Postgres or embedded store (wired to its onQuery hook in
   * cmd/fleet/serve.ts; the in-memory store sends none). Lets a benchmark show that an
   * agent check-in with nothing due costs no SQL.
   */
  datastoreQueries: Counter;
}

// From 5 ms (an agent check-in with nothing due) to 10 s (a slow export).
const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const labelNames: HttpLabels[] = ['route', 'method', 'status'];
  return {
    registry,
    httpRequests: new Counter({
      name: 'http_requests_total',
      help: 'HTTP requests served, by route name, method and status',
      labelNames,
      registers: [registry],
    }),
    httpDuration: new Histogram({
      name: 'http_request_duration_seconds',
      help: 'HTTP request latency in seconds, by route name, method and status',
      labelNames,
      buckets: DURATION_BUCKETS,
      registers: [registry],
    }),
    datastoreQueries: new Counter({
      name: 'fleet_datastore_queries_total',
      help: 'SQL statements sent to the database, transaction control included',
      registers: [registry],
    }),
  };
}
