// GET /ws: the live channel. One dedicated pg client LISTENs on novi_updates; each
// notification goes only to sockets of that business's members (memberships, sql/019), as their
// role permits (HTML OOB fragments for htmx pages, or the JSON payload with ?format=json): a rider
// hears only of the orders assigned to them, and a member whose role changes or who is removed has
// their sockets closed (4403) the moment the projection records it.
import { makeI18n, store as i18nStore, type I18n } from './i18n/index.ts';
import type { FastifyInstance } from 'fastify';
import { updatesFeed } from './lib/updates.ts';
import { z } from 'zod';
import type { WebSocket } from 'ws';
import type { Runtime } from '../src/runtime.ts';
import { sql } from 'slonik';
import { requireUser, type AuthUser } from './auth/plugin.ts';
import { dashboardKpis, getBusiness, getOrder, userScope } from './lib/queries.ts';
import { KpiCards } from './views/dashboard.tsx';
import { OrderRow, StatusPanel } from './views/orders.tsx';
import { StatusBadge } from './views/layout.tsx';
import { sessionPanel, simulatorFeed } from './routes/whatsapp.tsx';
import { memberRole, type MemberRole } from '../src/events/catalog.ts';
import { permits } from '../src/staff/permissions.ts';
import { riderOf } from './lib/staff.ts';

const update = z
  .object({
    type: z.enum(['order', 'session', 'message', 'business', 'metrics']),
    businessId: z.string().uuid(),
    orderId: z.string().uuid().optional(),
    event: z.string().optional(),
  })
  .passthrough();
type Update = z.infer<typeof update>;

/** Close code of a socket whose user's membership changed (removed, or another role). */
export const CLOSE_MEMBERSHIP = 4403;
const MEMBERSHIP_EVENTS = new Set(['MemberJoined', 'MemberRoleChanged', 'MemberRemoved']);

interface Client {
  socket: WebSocket;
  user: AuthUser;
  json: boolean;
  csrf: string;
  /** The language the socket's page was opened in: live fragments are rendered in it. */
  i18n: I18n;
  /** The user's memberships when the socket opened. */
  roles: Promise<ReadonlyMap<string, MemberRole>>;
}

export async function wsRoutes(app: FastifyInstance, rt: Runtime): Promise<void> {
  const clients = new Set<Client>();
  /** Members of a business by user id, read once and dropped when a membership event arrives. */
  const members = new Map<string, ReadonlyMap<string, MemberRole>>();

  async function membersOf(businessId: string): Promise<ReadonlyMap<string, MemberRole>> {
    const cached = members.get(businessId);
    if (cached) return cached;
    const rows = await rt.pool.any(sql.type(z.object({ user_id: z.string(), role: memberRole }))`
      select user_id, role from memberships where business_id = ${businessId}
      union select owner_id, 'owner' from businesses where id = ${businessId}`);
    const map = new Map(rows.map((r) => [r.user_id, r.role]));
    if (members.size > 10_000) members.clear();
    members.set(businessId, map);
    return map;
  }

  function fragments(c: Client, u: Update, role: MemberRole): Promise<string> {
    return i18nStore.run(c.i18n, () => fragmentsIn(c, u, role));
  }

  async function fragmentsIn(c: Client, u: Update, role: MemberRole): Promise<string> {
    const scope = await userScope(rt, c.user);
    const parts: string[] = [];
    if (u.type === 'order' && u.orderId) {
      const order = await getOrder(rt, scope, u.orderId).catch(() => null);
      if (order) {
        if (u.event === 'OrderPlaced') {
          parts.push(await (<tbody id="recent-orders" hx-swap-oob="afterbegin"><OrderRow order={order} compact /></tbody>));
          parts.push(await (<tbody id="orders-tbody" hx-swap-oob="afterbegin"><OrderRow order={order} /></tbody>));
        } else {
          parts.push(await (<span id={`order-badge-${order.id}`} hx-swap-oob="true"><StatusBadge status={order.status} /></span>));
          parts.push(await (<StatusPanel order={order} csrf={c.csrf} oob />));
        }
      }
      parts.push(await (<KpiCards kpis={await dashboardKpis(rt, scope)} oob />));
    }
    if (!permits(role, 'settings')) return parts.join('\n');
    if (u.type === 'order' || u.type === 'message') parts.push(await simulatorFeed(rt, u.businessId, true));
    if (u.type === 'session') {
      const business = await getBusiness(rt, scope, u.businessId).catch(() => null);
      if (business) parts.push(await sessionPanel(rt, business, c.csrf, true));
    }
    if (u.type === 'metrics') parts.push(await (<KpiCards kpis={await dashboardKpis(rt, scope)} oob />));
    return parts.join('\n');
  }

  async function deliver(payload: string): Promise<void> {
    const parsed = update.safeParse(JSON.parse(payload));
    if (!parsed.success) return;
    const u = parsed.data;
    if (u.event !== undefined && MEMBERSHIP_EVENTS.has(u.event)) {
      members.delete(u.businessId);
      const after = await membersOf(u.businessId);
      // Removed or given another role: their open sockets end now; a reconnect gets the new scope.
      for (const c of clients) {
        const was = (await c.roles).get(u.businessId);
        if (was !== undefined && after.get(c.user.id) !== was) c.socket.close(CLOSE_MEMBERSHIP, 'your role in a business changed');
      }
    }
    const roles = await membersOf(u.businessId);
    for (const c of clients) {
      const role = roles.get(c.user.id);
      if (!role) continue;
      try {
        if (role === 'rider') {
          // A rider's page is their own list; the JSON channel names only their assigned orders.
          if (c.json && u.type === 'order' && u.orderId && (await riderOf(rt, u.orderId)) === c.user.id) c.socket.send(JSON.stringify(u));
          continue;
        }
        if (c.json) c.socket.send(JSON.stringify(u));
        else {
          const html = await fragments(c, u, role);
          if (html) c.socket.send(html);
        }
      } catch (e) {
        rt.logger.warn({ err: e, tenantId: u.businessId }, 'websocket push failed');
      }
    }
  }

  // Subscribed while merchants are connected; the feed shares one LISTEN with the admin hub.
  const feed = updatesFeed(app, rt);
  let unsubscribe: (() => void) | null = null;
  const onUpdate = (payload: string) => deliver(payload).catch((e: unknown) => rt.logger.warn({ err: e }, 'websocket update failed'));
  function listen(): Promise<void> {
    unsubscribe ??= feed.subscribe(onUpdate);
    return feed.ready();
  }

  app.addHook('onClose', async () => {
    for (const c of clients) c.socket.close(1001, 'server closing');
  });

  app.get('/ws', { websocket: true }, (socket, req) => {
    let user: AuthUser;
    try {
      user = requireUser(req);
    } catch {
      socket.close(4401, 'sign in first');
      return;
    }
    const q = z.object({ format: z.enum(['json', 'html']).default('html') }).safeParse(req.query);
    const roles = rt.pool
      .any(sql.type(z.object({ business_id: z.string(), role: memberRole }))`
        select business_id, role from memberships where user_id = ${user.id} union select id, 'owner' from businesses where owner_id = ${user.id}`)
      .then((rows) => new Map(rows.map((r) => [r.business_id, r.role])))
      .catch(() => new Map<string, MemberRole>());
    const client: Client = { socket, user, json: q.success && q.data.format === 'json', csrf: req.csrfToken, i18n: req.i18n ?? makeI18n('en'), roles };
    clients.add(client);
    socket.on('close', () => clients.delete(client));
    // Incoming messages are ignored: the channel is server → browser only.
    socket.on('message', () => undefined);
    listen().catch((e: unknown) => rt.logger.warn({ err: e }, 'could not LISTEN novi_updates'));
  });

  /** For tests and the projector-less case: lets a caller wait until the hub listens. */
  app.decorate('wsReady', () => listen());
}

declare module 'fastify' {
  interface FastifyInstance {
    wsReady: () => Promise<void>;
  }
}
