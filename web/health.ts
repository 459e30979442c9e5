// GET /health and GET /metrics: database, event store and projection lag, as http-api.md says.
import type { FastifyInstance } from 'fastify';
import { sql } from 'slonik';
import { z } from 'zod';
import type { Runtime } from '../src/runtime.ts';
import {
  registry,
  eventStoreHead,
  projectionLagEvents,
  projectionLagSeconds,
  projectionFailed,
  parkedEvents,
  sessionsByState,
} from '../src/metrics.ts';
import { parkedSummary } from '../src/subscriptions/parking.ts';

const checkpointRow = z.object({
  name: z.string(),
  position: z.coerce.bigint(),
  error: z.string().nullable(),
  error_position: z.coerce.bigint().nullable(),
});

export interface ProjectionStatus {
  name: string;
  position: string;
  lagEvents: number;
  lagSeconds: number;
  error: string | null;
  errorPosition: string | null;
}

export async function projectionStatus(rt: Runtime, head: bigint): Promise<ProjectionStatus[]> {
  const rows = await rt.pool.any(sql.type(checkpointRow)`
    select name, position, error, error_position from projection_checkpoints order by name`);
  const out: ProjectionStatus[] = [];
  for (const r of rows) {
    let lagSeconds = 0;
    if (r.position < head) {
      const next = await rt.store.readAll({ fromPosition: r.position, maxCount: 1 });
      const first = next[0];
      if (first) lagSeconds = Math.max(0, (Date.now() - first.recordedAt.getTime()) / 1000);
    }
    out.push({
      name: r.name,
      position: r.position.toString(),
      lagEvents: Number(head - r.position),
      lagSeconds: Math.round(lagSeconds * 10) / 10,
      error: r.error,
      errorPosition: r.error_position?.toString() ?? null,
    });
  }
  return out;
}

async function check<T>(fn: () => Promise<T>): Promise<{ ok: true; value: T } | { ok: false; error: string }> {
  try {
    return { ok: true, value: await fn() };
  } catch (e) {
    return { ok: false, error: (e as Error).message };
  }
}

export async function healthRoutes(app: FastifyInstance, rt: Runtime): Promise<void> {
  app.get('/health', async (_req, reply) => {
    const database = await check(() => rt.pool.oneFirst(sql.type(z.object({ ok: z.number() }))`select 1 as ok`));
    const eventStore = await check(() => rt.store.headPosition());
    const head = eventStore.ok ? eventStore.value : 0n;
    const projections = database.ok && eventStore.ok ? await check(() => projectionStatus(rt, head)) : ({ ok: false, error: 'database unavailable' } as const);
    const failed = projections.ok ? projections.value.filter((p) => p.error) : [];
    // Parked events do not make Novi unhealthy (every other stream and tenant goes on: 200), but
    // they are named here, per subscriber, and the status says `degraded` until they are handled.
    const parked = database.ok ? await check(() => parkedSummary(rt.pool)) : ({ ok: false, error: 'database unavailable' } as const);
    const parkedCount = parked.ok ? parked.value.reduce((a, p) => a + p.open, 0) : 0;
    const healthy = database.ok && eventStore.ok && projections.ok && failed.length === 0;
    const mem = process.memoryUsage();
    reply.code(healthy ? 200 : 503).send({
      status: !healthy ? 'unhealthy' : parkedCount > 0 ? 'degraded' : 'healthy',
      timestamp: new Date().toISOString(),
      uptime: Math.round(process.uptime()),
      memory: { rss: mem.rss, heapUsed: mem.heapUsed, heapTotal: mem.heapTotal },
      checks: {
        database: database.ok ? { status: 'up' } : { status: 'down', error: database.error },
        eventStore: eventStore.ok
          ? { status: 'up', kind: rt.store.kind, headPosition: head.toString() }
          : { status: 'down', kind: rt.store.kind, error: eventStore.error },
        projections: projections.ok
          ? { status: failed.length ? 'failed' : 'up', projections: projections.value }
          : { status: 'unknown', error: projections.error },
        parked: parked.ok
          ? { status: parkedCount > 0 ? 'parked' : 'none', count: parkedCount, subscribers: parked.value }
          : { status: 'unknown', error: parked.error },
      },
    });
  });

  app.get('/metrics', async (_req, reply) => {
    const head = await rt.store.headPosition().catch(() => undefined);
    if (head !== undefined) {
      eventStoreHead.set(Number(head));
      const status = await projectionStatus(rt, head).catch(() => []);
      for (const p of status) {
        projectionLagEvents.set({ projection: p.name }, p.lagEvents);
        projectionLagSeconds.set({ projection: p.name }, p.lagSeconds);
        projectionFailed.set({ projection: p.name }, p.error ? 1 : 0);
      }
    }
    const parked = await parkedSummary(rt.pool).catch(() => []);
    parkedEvents.reset();
    for (const p of parked) parkedEvents.set({ subscriber: p.subscriber }, p.open);
    const states = await rt.pool
      .any(sql.type(z.object({ state: z.string(), n: z.coerce.number() }))`
        select state, count(*) as n from whatsapp_sessions group by state`)
      .catch(() => []);
    sessionsByState.reset();
    for (const s of states) sessionsByState.set({ state: s.state }, s.n);
    reply.header('content-type', registry.contentType).send(await registry.metrics());
  });
}
