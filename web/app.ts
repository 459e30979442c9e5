// Builds the Fastify server: plugins, then routes. Tests call buildApp and use app.inject.
import Fastify, { type FastifyInstance, type FastifyBaseLogger } from 'fastify';
import type { Runtime } from '../src/runtime.ts';
import { httpRequests, httpDuration } from '../src/metrics.ts';
import { healthRoutes } from './health.ts';

export interface AppOptions {
  /** Logger for Fastify; defaults to the runtime's. */
  logger?: boolean;
}

export async function buildApp(rt: Runtime, _options: AppOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: rt.logger as FastifyBaseLogger,
    disableRequestLogging: true,
    trustProxy: true,
  }) as unknown as FastifyInstance;

  app.addHook('onResponse', async (req, reply) => {
    const route = req.routeOptions.url ?? 'unmatched';
    httpRequests.inc({ method: req.method, route, status: String(reply.statusCode) });
    httpDuration.observe({ method: req.method, route }, reply.elapsedTime / 1000);
  });

  await healthRoutes(app, rt);
  return app;
}
