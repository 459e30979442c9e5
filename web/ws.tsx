// GET /ws: the live channel. One dedicated pg client LISTENs on novi_updates; each
// notification goes only to sockets of users who own that business (HTML OOB fragments
// for htmx pages, or the JSON payload with ?format=json).
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

const update = z
  .object({
    type: z.enum(['order', 'session', 'message', 'business', 'metrics']),
    businessId: z.string().uuid(),
    orderId: z.string().uuid().optional(),
    event: z.string().optional(),
  })
  .passthrough();
type Update = z.infer<typeof update>;

interface Client {
  socket: WebSocket;
  user: AuthUser;
  json: boolean;
  csrf: string;
}

export async function wsRoutes(app: FastifyInstance, rt: Runtime): Promise<void> {
  const clients = new Set<Client>();
  const owners = new Map<string, string>();

  async function ownerOf(businessId: string): Promise<string | null> {
    const cached = owners.get(businessId);
    if (cached) return cached;
    const owner = await rt.pool.maybeOneFirst(sql.type(z.object({ owner_id: z.string() }))`select owner_id from businesses where id = ${businessId}`);
    if (owner) owners.set(businessId, owner);
    return owner;
  }

  async function fragments(c: Client, u: Update): Promise<string> {
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
    const owner = await ownerOf(u.businessId);
    for (const c of clients) {
      if (c.user.id !== owner) continue;
      try {
        if (c.json) c.socket.send(JSON.stringify(u));
        else {
          const html = await fragments(c, u);
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
    const client: Client = { socket, user, json: q.success && q.data.format === 'json', csrf: req.csrfToken };
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
