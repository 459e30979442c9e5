// The admin panel (role admin; 401 signed out, 403 for merchants): system dashboard live over
// /admin/ws, users with deactivate/reactivate, all orders with the merchant list's filters, and
// the audit timeline of every event (per order, business and WhatsApp session), and parked events
// (retry, or skip with a recorded reason).
import { t } from '../i18n/index.ts';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { updatesFeed } from '../lib/updates.ts';
import { FilterFields } from './orders.tsx';
import { z } from 'zod';
import type { WebSocket } from 'ws';
import type { Runtime } from '../../src/runtime.ts';
import { getUser, listUsers, toggleUser, type AdminUserJson } from '../../src/accounts/admin.ts';
import { botStatus, eventStoreStats, trafficPerHour } from '../../src/admin/dashboard.ts';
import { eventFilters, listEvents, orderTimeline, recentEvents, type EventFilters } from '../../src/admin/timeline.ts';
import { Forbidden, NotFound } from '../../src/shared/errors.ts';
import { requireUser, type AuthUser } from '../auth/plugin.ts';
import { projectionStatus } from '../health.ts';
import { isHtmx, parse, sendHtml, wantsJson } from '../lib/http.ts';
import { waitUntil } from '../lib/projection.ts';
import { getBusiness, getOrder, listBusinesses, listOrders, orderFilters } from '../lib/queries.ts';
import { StatusBadge, money } from '../views/layout.tsx';
import { AdminLayout } from '../views/admin/layout.tsx';
import { ActivitySection, AdminDashboard, BotsSection, MetricsSection, type AdminDashboardData } from '../views/admin/dashboard.tsx';
import { EventFiltersForm, EventItem, EventList } from '../views/admin/events.tsx';
import { AdminOrdersTable, UserRow, UsersTable } from '../views/admin/users.tsx';
import { ParkedList, ParkedRow, type ParkedRowData } from '../views/admin/parked.tsx';
import { listParked, parkedJson, type ParkedEvent } from '../../src/subscriptions/parking.ts';
import { retryParked, skipParked } from '../../src/subscriptions/admin.ts';

export function requireAdmin(req: FastifyRequest): AuthUser {
  const user = requireUser(req);
  if (user.role !== 'admin') throw new Forbidden('This page is for Novi admins');
  return user;
}

/** Query strings from GET forms carry '' for fields left empty. */
const dropEmpty = (q: unknown) => (typeof q === 'object' && q !== null ? Object.fromEntries(Object.entries(q).filter(([, v]) => v !== '')) : q);

/** A malformed id is just another id that does not exist. */
function idOf(req: FastifyRequest, what: string): string {
  const p = z.object({ id: z.string().uuid() }).safeParse(req.params);
  if (!p.success) throw new NotFound(`${what} not found`);
  return p.data.id;
}

// The merchant order list's own filters and paging (web/lib/queries.ts), over every business.
const ordersQuery = orderFilters.extend({
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  limit: z.coerce.number().int().min(1).max(200).default(25),
});
const usersQuery = z.object({ q: z.string().trim().max(200).optional(), role: z.enum(['merchant', 'admin']).optional() });

async function dashboardData(rt: Runtime): Promise<AdminDashboardData> {
  const head = await rt.store.headPosition();
  const [perHour, projections, eventStore, bots, recent] = await Promise.all([
    trafficPerHour(rt),
    projectionStatus(rt, head),
    eventStoreStats(rt, head),
    botStatus(rt),
    recentEvents(rt, 15),
  ]);
  const mem = process.memoryUsage();
  return {
    systemMetrics: {
      generatedAt: new Date().toISOString(),
      ordersLast24h: perHour.reduce((a, h) => a + h.orders, 0),
      messagesLast24h: perHour.reduce((a, h) => a + h.messages, 0),
      perHour,
      projections,
      projectionLag: {
        maxEvents: Math.max(0, ...projections.map((p) => p.lagEvents)),
        maxSeconds: Math.max(0, ...projections.map((p) => p.lagSeconds)),
        failed: projections.filter((p) => p.error).length,
      },
      eventStore,
      process: { uptimeSeconds: Math.round(process.uptime()), memory: { rss: mem.rss, heapUsed: mem.heapUsed, heapTotal: mem.heapTotal, external: mem.external } },
    },
    botStatus: bots,
    recentActivity: recent,
  };
}

/** Query string of the current filters, for "older" links (the cursor replaced). */
function filterQuery(f: EventFilters): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(f)) if (v !== undefined && k !== 'before') out[k] = String(v);
  return out;
}

export async function adminRoutes(app: FastifyInstance, rt: Runtime): Promise<void> {
  await app.register(
    async (admin) => {
      admin.addHook('preHandler', async (req) => {
        requireAdmin(req);
      });

      admin.get('/', async (_req, reply) => reply.redirect('/admin/dashboard', 303));

      admin.get('/dashboard', async (req, reply) => {
        const user = requireAdmin(req);
        const d = await dashboardData(rt);
        if (wantsJson(req)) return reply.send(d);
        return sendHtml(
          reply,
          <AdminLayout title={t('admin.system')} user={user} csrf={req.csrfToken} active="/admin/dashboard">
            <AdminDashboard d={d} />
          </AdminLayout>,
        );
      });

      // ── users ─────────────────────────────────────────────────────────────────────
      admin.get('/users', async (req, reply) => {
        const user = requireAdmin(req);
        const q = parse(usersQuery, dropEmpty(req.query), 'user search');
        const users = await listUsers(rt, q);
        if (wantsJson(req)) return reply.send({ users });
        const table = <UsersTable users={users} csrf={req.csrfToken} selfId={user.id} />;
        if (isHtmx(req) && req.headers['hx-target'] === 'users-results') return sendHtml(reply, table);
        return sendHtml(
          reply,
          <AdminLayout title={t('admin.users')} user={user} csrf={req.csrfToken} active="/admin/users">
            <h1>{t('admin.users')}</h1>
            <form class="filters" method="get" action="/admin/users" hx-get="/admin/users" hx-target="#users-results" hx-swap="outerHTML" hx-push-url="true" hx-trigger="submit, search, change from:select">
              <label>
                Search <input type="search" name="q" value={q.q ?? ''} placeholder="username or email" />
              </label>
              <label>
                Role
                <select name="role">
                  <option value="">Any</option>
                  <option value="merchant" selected={q.role === 'merchant'}>
                    merchant
                  </option>
                  <option value="admin" selected={q.role === 'admin'}>
                    admin
                  </option>
                </select>
              </label>
              <button type="submit">Search</button>
            </form>
            {table}
          </AdminLayout>,
        );
      });

      const toggle = async (req: FastifyRequest) => {
        const me = requireAdmin(req);
        const id = idOf(req, 'User');
        const { user: state } = await toggleUser(rt, { userId: id, adminId: me.id, correlationId: req.id });
        // Answer from the read model once it shows the change (the list reads it too).
        await waitUntil(async () => (await getUser(rt, id))?.active === state.active, 2000);
        const row = await getUser(rt, id);
        const user: AdminUserJson = row ?? {
          id, username: state.username, email: state.email, phone: null, role: state.role, active: state.active, businesses: 0,
          createdAt: new Date().toISOString(), updatedAt: new Date().toISOString(),
        };
        return { me, user };
      };

      admin.put('/users/:id/toggle', async (req, reply) => {
        const { user } = await toggle(req);
        return reply.send({ success: true, user });
      });

      admin.post('/users/:id/toggle', async (req, reply) => {
        const { me, user } = await toggle(req);
        if (wantsJson(req)) return reply.send({ success: true, user });
        if (isHtmx(req)) return sendHtml(reply, <UserRow u={user} csrf={req.csrfToken} self={user.id === me.id} />);
        return reply.redirect('/admin/users', 303);
      });

      // ── orders ────────────────────────────────────────────────────────────────────
      admin.get('/orders', async (req, reply) => {
        const user = requireAdmin(req);
        const { page, limit, ...filters } = parse(ordersQuery, dropEmpty(req.query), 'order filters');
        const result = await listOrders(rt, { all: true }, filters, page, limit);
        if (wantsJson(req)) return reply.send(result);
        const businesses = await listBusinesses(rt, { all: true });
        const byId = new Map(businesses.map((b) => [b.id, b]));
        const query = Object.fromEntries(Object.entries({ ...filters, limit: String(limit) }).filter((e): e is [string, string] => typeof e[1] === 'string'));
        return sendHtml(
          reply,
          <AdminLayout title={t('admin.orders')} user={user} csrf={req.csrfToken} active="/admin/orders">
            <h1>{t('admin.orders')}</h1>
            <form class="filters" method="get" action="/admin/orders">
              <label>
                Search <input type="search" name="q" value={filters.q ?? ''} placeholder="customer, phone or item" />
              </label>
              <FilterFields businesses={businesses} f={filters} />
              <button type="submit">Filter</button>
            </form>
            <AdminOrdersTable orders={result.orders} businesses={byId} pagination={result.pagination} query={query} />
          </AdminLayout>,
        );
      });

      admin.get('/orders/:id/timeline', async (req, reply) => {
        const user = requireAdmin(req);
        const id = idOf(req, 'Order');
        const timeline = await orderTimeline(rt, id);
        const order = await getOrder(rt, { all: true }, id).catch(() => null);
        if (wantsJson(req)) return reply.send({ order, ...timeline });
        const business = await getBusiness(rt, { all: true }, timeline.businessId).catch(() => null);
        return sendHtml(
          reply,
          <AdminLayout title={order ? `Order #${order.number} timeline` : 'Order timeline'} user={user} csrf={req.csrfToken} active="/admin/orders">
            <h1>
              {order ? `Order #${order.number}` : 'Order'} <small class="muted" safe>{business?.name ?? timeline.businessId}</small>
            </h1>
            <section class="card order-summary">
              {order ? (
                <p>
                  <StatusBadge status={order.status} /> <span safe>{`${order.customerName ?? order.customerPhone ?? '—'} · ${money(order.totalAmount, order.currency)}`}</span>{' '}
                  <a href={`/orders/${id}`}>order page</a>
                </p>
              ) : (
                <p class="muted">The order's read model is not there yet; the events below are the truth.</p>
              )}
              <ul class="story-links">
                <li>
                  {timeline.sourceMessageEventId ? (
                    <a href={`#e-${timeline.sourceMessageEventId}`} class="source-message">
                      The WhatsApp message that created it
                    </a>
                  ) : (
                    <span class="muted">Not created from a WhatsApp message in this store</span>
                  )}
                </li>
                <li>
                  {timeline.replyEventIds.length ? (
                    <span>
                      Bot replies:{' '}
                      {timeline.replyEventIds.map((r, i) => (
                        <a href={`#e-${r}`} class="bot-reply">{`reply ${i + 1}`}</a>
                      ))}
                    </span>
                  ) : (
                    <span class="muted">No bot replies yet</span>
                  )}
                </li>
                <li>
                  <a href={`/admin/businesses/${timeline.businessId}/timeline`}>Business timeline</a>
                </li>
              </ul>
            </section>
            <ol class="events timeline" id="order-timeline">
              {timeline.events.map((e) => (
                <EventItem e={e} />
              ))}
            </ol>
          </AdminLayout>,
        );
      });

      // ── parked events ────────────────────────────────────────────────────────────
      const parkedRow = async (p: ParkedEvent): Promise<ParkedRowData> => {
        const [r] = await rt.store.readAll({ fromPosition: p.position - 1n, maxCount: 1 });
        const data = r && r.id === p.eventId ? JSON.stringify(r.data, (k, v: unknown) => (/password|hash|secret|token/i.test(k) ? '[hidden]' : v), 2) : null;
        return { parked: p, data };
      };
      const parkedParams = (req: FastifyRequest) => {
        const q = z.object({ subscriber: z.string().regex(/^[A-Za-z0-9_:.-]{1,100}$/), eventId: z.string().uuid() }).safeParse(req.params);
        if (!q.success) throw new NotFound('Parked event not found');
        return q.data;
      };
      const parkedAnswer = async (req: FastifyRequest, reply: FastifyReply, p: ParkedEvent) => {
        if (wantsJson(req)) return reply.send({ success: true, parked: parkedJson(p) });
        if (isHtmx(req)) return sendHtml(reply, <ParkedRow row={await parkedRow(p)} csrf={req.csrfToken} />);
        return reply.redirect('/admin/parked', 303);
      };

      admin.get('/parked', async (req, reply) => {
        const user = requireAdmin(req);
        const q = parse(z.object({ all: z.enum(['1', 'true']).optional(), subscriber: z.string().max(100).optional() }), dropEmpty(req.query), 'parked filters');
        const list = await listParked(rt.pool, { open: !q.all, subscriber: q.subscriber, limit: 200 });
        if (wantsJson(req)) return reply.send({ parked: list.map(parkedJson) });
        const rows = await Promise.all(list.map(parkedRow));
        return sendHtml(
          reply,
          <AdminLayout title={t('park.title')} user={user} csrf={req.csrfToken} active="/admin/parked">
            <ParkedList rows={rows} csrf={req.csrfToken} all={q.all !== undefined} />
          </AdminLayout>,
        );
      });

      admin.post('/parked/:subscriber/:eventId/retry', async (req, reply) => {
        const { subscriber, eventId } = parkedParams(req);
        return parkedAnswer(req, reply, await retryParked(rt, subscriber, eventId));
      });

      admin.post('/parked/:subscriber/:eventId/skip', async (req, reply) => {
        const me = requireAdmin(req);
        const { subscriber, eventId } = parkedParams(req);
        const body = parse(z.object({ reason: z.string().trim().min(3).max(1000), confirm: z.literal('yes', { errorMap: () => ({ message: 'confirm the skip with confirm=yes' }) }) }), req.body, 'skip');
        return parkedAnswer(req, reply, await skipParked(rt, { subscriber, eventId, reason: body.reason, by: me.id, correlationId: req.id }));
      });

      // ── events ────────────────────────────────────────────────────────────────────
      const eventsPage = (title: string, intro: JSX.Element | string, fixed: Partial<EventFilters>) =>
        async (req: FastifyRequest, reply: FastifyReply) => {
          const user = requireAdmin(req);
          const f = { ...parse(eventFilters, dropEmpty(req.query), 'event filters'), ...fixed };
          const result = await listEvents(rt, f);
          if (wantsJson(req)) return reply.send(result);
          return sendHtml(
            reply,
            <AdminLayout title={title} user={user} csrf={req.csrfToken} active="/admin/events">
              <h1 safe>{title}</h1>
              {intro}
              <EventFiltersForm f={f} action={req.url.split('?')[0]} />
              <EventList events={result.events} next={result.next} query={filterQuery(f)} />
            </AdminLayout>,
          );
        };

      admin.get('/events', async (req, reply) => eventsPage('Events', '', {})(req, reply));

      admin.get('/businesses/:id/timeline', async (req, reply) => {
        const id = idOf(req, 'Business');
        const business = await getBusiness(rt, { all: true }, id);
        return eventsPage(`${business.name}: timeline`, <p class="muted">Every event of this business (tenant), newest first.</p>, { tenantId: id })(req, reply);
      });

      admin.get('/sessions/:id/timeline', async (req, reply) => {
        const id = idOf(req, 'Session');
        return eventsPage('WhatsApp session timeline', <p class="muted" safe>{`Session ${id}: its lifecycle and the messages it received and sent, newest first.`}</p>, { sessionId: id })(req, reply);
      });
    },
    { prefix: '/admin' },
  );

  adminSocket(app, rt);
}

/**
 * GET /admin/ws: the admin dashboard's live channel. Every novi_updates notification (any
 * tenant) goes to admin sockets: as JSON with ?format=json, else as the dashboard's sections
 * re-rendered for an out-of-band swap (at most one render per 500 ms, shared by all admins).
 */
function adminSocket(app: FastifyInstance, rt: Runtime): void {
  const clients = new Set<{ socket: WebSocket; json: boolean }>();
  let closed = false;
  let timer: NodeJS.Timeout | null = null;

  async function pushDashboard(): Promise<void> {
    const html = [...clients].filter((c) => !c.json);
    if (html.length === 0) return;
    const d = await dashboardData(rt);
    const fragment = [
      await (<MetricsSection m={d.systemMetrics} oob />),
      await (<BotsSection bots={d.botStatus} oob />),
      await (<ActivitySection events={d.recentActivity} oob />),
    ].join('\n');
    for (const c of html) c.socket.send(fragment);
  }

  function onUpdate(payload: string): void {
    for (const c of clients) if (c.json) c.socket.send(payload);
    if (timer || closed) return;
    timer = setTimeout(() => {
      timer = null;
      pushDashboard().catch((e: unknown) => rt.logger.warn({ err: e }, 'admin dashboard push failed'));
    }, 500);
  }

  const feed = updatesFeed(app, rt);
  let unsubscribe: (() => void) | null = null;
  function listen(): Promise<void> {
    unsubscribe ??= feed.subscribe(onUpdate);
    return feed.ready();
  }

  app.addHook('onClose', async () => {
    closed = true;
    if (timer) clearTimeout(timer);
    for (const c of clients) c.socket.close(1001, 'server closing');
  });

  app.get('/admin/ws', { websocket: true }, (socket, req) => {
    if (!req.user) {
      socket.close(4401, 'sign in first');
      return;
    }
    if (req.user.role !== 'admin') {
      socket.close(4403, 'admins only');
      return;
    }
    const q = z.object({ format: z.enum(['json', 'html']).default('html') }).safeParse(req.query);
    const client = { socket, json: q.success && q.data.format === 'json' };
    clients.add(client);
    socket.on('close', () => clients.delete(client));
    socket.on('message', () => undefined);
    listen().catch((e: unknown) => rt.logger.warn({ err: e }, 'could not LISTEN novi_updates for admins'));
  });

  app.decorate('adminWsReady', () => listen());
}

declare module 'fastify' {
  interface FastifyInstance {
    adminWsReady: () => Promise<void>;
  }
}
