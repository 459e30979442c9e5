// Builds the Fastify server: plugins, then routes. Tests call buildApp and use app.inject.
import Fastify, { LogController, type FastifyInstance, type FastifyBaseLogger } from 'fastify';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import websocket from '@fastify/websocket';
import type { Runtime } from '../src/runtime.ts';
import { httpRequests, httpDuration } from '../src/metrics.ts';
import { healthRoutes } from './health.ts';
import { authPlugin } from './auth/plugin.ts';
import { RateLimited, registerErrorHandler } from './lib/errors.ts';
import { authRoutes } from './routes/auth.tsx';
import { dashboardRoutes } from './routes/dashboard.tsx';
import { orderRoutes } from './routes/orders.tsx';
import { businessRoutes } from './routes/business.tsx';
import { whatsappRoutes } from './routes/whatsapp.tsx';
import { wsRoutes } from './ws.tsx';

export interface AppOptions {
  /** Logger for Fastify; defaults to the runtime's. */
  logger?: boolean;
  /** Sign-in attempts per IP per minute (tests lower it). */
  loginRateLimit?: number;
}

const here = dirname(fileURLToPath(import.meta.url));
const modules = join(here, '..', 'node_modules');

export async function buildApp(rt: Runtime, options: AppOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: rt.logger as FastifyBaseLogger,
    // Per-request logs are noise at merchant scale; metrics count requests and errors are logged.
    logController: new LogController({ disableRequestLogging: true }),
    trustProxy: true,
    bodyLimit: 2 * 1024 * 1024,
  }) as unknown as FastifyInstance;

  app.addHook('onResponse', async (req, reply) => {
    const route = req.routeOptions.url ?? 'unmatched';
    httpRequests.inc({ method: req.method, route, status: String(reply.statusCode) });
    httpDuration.observe({ method: req.method, route }, reply.elapsedTime / 1000);
  });

  const production = rt.config.env === 'production';
  await app.register(helmet, {
    // No inline script or style anywhere: htmx is configured by a meta tag, charts by static JS.
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        fontSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        ...(production ? { upgradeInsecureRequests: [] } : {}),
      },
    },
    hsts: production,
    // no-referrer would make Chromium send `Origin: null` on form posts, defeating the same-origin check.
    referrerPolicy: { policy: 'same-origin' },
  });
  await app.register(cookie);
  await app.register(formbody);
  await app.register(rateLimit, {
    global: false,
    errorResponseBuilder: (_req, ctx) => new RateLimited(`Too many sign-in attempts; try again in ${Math.ceil(ctx.ttl / 1000)} s`),
  });
  await app.register(websocket, { options: { maxPayload: 64 * 1024 } });
  await app.register(fastifyStatic, { root: join(here, 'static'), prefix: '/static/', maxAge: production ? '1h' : 0 });
  await app.register(fastifyStatic, { root: join(modules, 'htmx.org', 'dist'), prefix: '/vendor/htmx/', decorateReply: false });
  await app.register(fastifyStatic, { root: join(modules, 'uplot', 'dist'), prefix: '/vendor/uplot/', decorateReply: false });

  registerErrorHandler(app);
  await healthRoutes(app, rt);
  await authPlugin(app, rt);
  await authRoutes(app, rt, { loginRateLimit: options.loginRateLimit ?? 10 });
  await dashboardRoutes(app, rt);
  await orderRoutes(app, rt);
  await (await import('./routes/customers.tsx')).customerRoutes(app, rt);
  await businessRoutes(app, rt);
  await whatsappRoutes(app, rt);
  await wsRoutes(app, rt);
  await (await import('./routes/admin.tsx')).adminRoutes(app, rt);
  app.get('/', async (req, reply) => reply.redirect(req.user ? '/dashboard' : '/login', 303));
  return app;
}
