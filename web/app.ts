// Builds the Fastify server: plugins, then routes. Tests call buildApp and use app.inject.
import Fastify, { LogController, type FastifyInstance, type FastifyBaseLogger, type FastifyRequest } from 'fastify';
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
import type { SignInLockOptions } from './auth/throttle.ts';
import { liveSocketsPlugin } from './auth/sockets.ts';
import { RateLimited, registerErrorHandler } from './lib/errors.ts';
import { authRoutes } from './routes/auth.tsx';
import { dashboardRoutes } from './routes/dashboard.tsx';
import { orderRoutes } from './routes/orders.tsx';
import { businessRoutes } from './routes/business.tsx';
import { reviewRoutes } from './routes/review.tsx';
import { whatsappRoutes } from './routes/whatsapp.tsx';
import { wsRoutes } from './ws.tsx';
import { apiKeyAuth } from './auth/api-keys.ts';
import { docsPlugin } from './docs.tsx';
import { integrationRoutes } from './routes/integrations.tsx';
import { i18nResolver, i18nRouteScope } from './i18n/plugin.ts';
import { accountRoutes } from './routes/account.ts';

export interface AppOptions {
  /** Logger for Fastify; defaults to the runtime's. */
  logger?: boolean;
  /** Sign-in attempts per client address per minute (tests lower it). */
  loginRateLimit?: number;
  /** Registrations per client address per 15 minutes. */
  registerRateLimit?: number;
  /** Requests to each /api/simulator route per merchant (or address) per minute. */
  simulatorRateLimit?: number;
  /** Sign-in attempts per account name before it is locked, and the lock's growth. */
  signInLock?: SignInLockOptions;
  /** How often open websockets' sign-in sessions are checked again (ms). */
  sessionRecheckMs?: number;
  /** Open websockets per user and web process; one more closes the oldest. */
  maxSocketsPerUser?: number;
  /** Requests per API key per minute, and requests with unknown keys per address per minute. */
  apiKeyRateLimit?: { perKeyPerMinute: number; failuresPerMinute: number };
}

/** TRUST_PROXY=n: the n nearest hops are proxies (what Fastify does with a number, typed as a function). */
const hops = (n: number) => (_address: string, hop: number) => hop < n;

const here = dirname(fileURLToPath(import.meta.url));
const modules = join(here, '..', 'node_modules');

export async function buildApp(rt: Runtime, options: AppOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: rt.logger as FastifyBaseLogger,
    // Per-request logs are noise at merchant scale; metrics count requests and errors are logged.
    logController: new LogController({ disableRequestLogging: true }),
    // X-Forwarded-* only from the proxies TRUST_PROXY names (off by default): otherwise every
    // client could pick its own address and walk past the per-address limits.
    trustProxy: typeof rt.config.trustProxy === 'number' ? hops(rt.config.trustProxy) : rt.config.trustProxy,
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
  // The simulator's routes belong to the WhatsApp routes file; their limit is set here, before
  // the rate-limit plugin reads each route's config: per merchant, or per address signed out.
  const simulatorLimit = options.simulatorRateLimit ?? 1800;
  app.addHook('onRoute', (route) => {
    if (!route.url.startsWith('/api/simulator/')) return;
    route.config = {
      ...(route.config as object),
      rateLimit: { max: simulatorLimit, timeWindow: '1 minute', keyGenerator: (req: FastifyRequest) => (req.user ? `user:${req.user.id}` : `ip:${req.ip}`) },
    } as typeof route.config;
  });
  await app.register(rateLimit, {
    global: false,
    errorResponseBuilder: (req, ctx) => {
      const what = req.url.startsWith('/auth/register') ? 'sign-ups from your address' : req.url.startsWith('/auth/') ? 'sign-in attempts' : 'requests';
      return new RateLimited(`Too many ${what}; try again in ${Math.ceil(ctx.ttl / 1000)} s`);
    },
  });
  liveSocketsPlugin(app, rt, { recheckMs: options.sessionRecheckMs ?? 30_000, maxPerUser: options.maxSocketsPerUser ?? 10 });
  await app.register(websocket, { options: { maxPayload: 64 * 1024 } });
  await app.register(fastifyStatic, { root: join(here, 'static'), prefix: '/static/', maxAge: production ? '1h' : 0 });
  await app.register(fastifyStatic, { root: join(modules, 'htmx.org', 'dist'), prefix: '/vendor/htmx/', decorateReply: false });
  await app.register(fastifyStatic, { root: join(modules, 'uplot', 'dist'), prefix: '/vendor/uplot/', decorateReply: false });

  i18nRouteScope(app);
  registerErrorHandler(app);
  docsPlugin(app);
  await healthRoutes(app, rt);
  await authPlugin(app, rt);
  apiKeyAuth(app, rt, options.apiKeyRateLimit ?? { perKeyPerMinute: 600, failuresPerMinute: 20 });
  i18nResolver(app);
  await accountRoutes(app, rt);
  await authRoutes(app, rt, { loginRateLimit: options.loginRateLimit ?? 10, registerRateLimit: options.registerRateLimit ?? 10, ...(options.signInLock ? { signInLock: options.signInLock } : {}) });
  await dashboardRoutes(app, rt);
  await (await import('./routes/manual-orders.tsx')).manualOrderRoutes(app, rt);
  await orderRoutes(app, rt);
  await (await import('./routes/payments.tsx')).paymentRoutes(app, rt);
  await (await import('./routes/customers.tsx')).customerRoutes(app, rt);
  await businessRoutes(app, rt);
  await integrationRoutes(app, rt);
  await reviewRoutes(app, rt);
  await whatsappRoutes(app, rt);
  await (await import('./routes/conversations.tsx')).conversationRoutes(app, rt);
  await (await import('./routes/setup.tsx')).setupRoutes(app, rt);
  await wsRoutes(app, rt);
  await (await import('./routes/admin.tsx')).adminRoutes(app, rt);
  await (await import('./routes/staff.tsx')).staffRoutes(app, rt);
  await (await import('./routes/admin-staff.tsx')).adminStaffRoutes(app, rt);
  app.get('/', async (req, reply) => reply.redirect(req.user ? '/dashboard' : '/login', 303));
  return app;
}
