// Prometheus metrics shared by every role in a process.
import { Registry, collectDefaultMetrics, Counter, Histogram, Gauge } from 'prom-client';

export const registry = new Registry();
collectDefaultMetrics({ register: registry, prefix: 'novi_' });

export const httpRequests = new Counter({
  name: 'novi_http_requests_total',
  help: 'HTTP requests by method, route and status code',
  labelNames: ['method', 'route', 'status'] as const,
  registers: [registry],
});

export const httpDuration = new Histogram({
  name: 'novi_http_request_duration_seconds',
  help: 'HTTP request duration',
  labelNames: ['method', 'route'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
  registers: [registry],
});

export const eventStoreHead = new Gauge({
  name: 'novi_eventstore_head_position',
  help: 'Global position of the last event in the event store',
  registers: [registry],
});

export const projectionLagEvents = new Gauge({
  name: 'novi_projection_lag_events',
  help: 'Events a projection is behind the event store head',
  labelNames: ['projection'] as const,
  registers: [registry],
});

export const projectionLagSeconds = new Gauge({
  name: 'novi_projection_lag_seconds',
  help: 'Age of the oldest event a projection has not processed yet',
  labelNames: ['projection'] as const,
  registers: [registry],
});

export const parkedEvents = new Gauge({
  name: 'novi_parked_events',
  help: 'Open parked events (parked, behind or to retry) per subscriber',
  labelNames: ['subscriber'] as const,
  registers: [registry],
});

export const projectionFailed = new Gauge({
  name: 'novi_projection_failed',
  help: '1 when a projection is stopped on a poison event',
  labelNames: ['projection'] as const,
  registers: [registry],
});

export const sessionsByState = new Gauge({
  name: 'novi_whatsapp_sessions',
  help: 'WhatsApp sessions by state',
  labelNames: ['state'] as const,
  registers: [registry],
});
