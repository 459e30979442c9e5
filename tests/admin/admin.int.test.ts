// Route tests of the admin panel (http-api.md, Admin): every endpoint as admin, as a merchant
// (403) and signed out (401); deactivate/reactivate with the admin as actor; event filters and
// cursor pagination; an order's timeline from its WhatsApp message to the bot's replies.
import t from 'tap';
import WebSocket from 'ws';
import { sql } from 'slonik';
import { z } from 'zod';
import { userStreamId } from '../../src/accounts/user.ts';
import { startWorker } from '../../src/whatsapp/role.ts';
import { newId } from '../../src/shared/ids.ts';
import { api, placeOrder, register, webEnv, type Merchant } from '../web/harness.ts';
import { createAdmin, orderThroughPipeline, waitFor, type PipelineOrder } from './helpers.ts';

const env = await webEnv({ loginRateLimit: 1000 });
const { app, rt } = env;
const stopWorker = await startWorker(rt, { ready: () => undefined });
t.teardown(async () => {
  await stopWorker();
  await env.close();
});

const HOSTILE = '<img src=x onerror=alert(1)></pre><script>alert(2)</script>';
let root: Merchant;
let alice: Merchant;
let bob: Merchant;
let order: PipelineOrder;
let bobOrder = '';

interface Ev {
  id: string;
  stream: string;
  revision: number;
  position: number;
  type: string;
  data: Record<string, unknown>;
  metadata: { tenantId: string | null; actor: string | null; correlationId: string | null; causationId: string | null; occurredAt: string | null };
  recordedAt: string;
}

const sessionCount = (userId: string) =>
  rt.pool.oneFirst(sql.type(z.object({ n: z.coerce.number() }))`select count(*) as n from auth_sessions where user_id = ${userId}`);

t.test('setup: an admin, two merchants, one order through the pipeline', async (t) => {
  root = await createAdmin(app, rt, 'root');
  alice = await register(app, 'alice');
  bob = await register(app, 'bob');
  order = await orderThroughPipeline(app, rt, alice, {
    businessName: 'Mama Put',
    fromName: HOSTILE,
    text: `I want 2 jollof rice, deliver to 14 Admiralty Way, Lekki. ${HOSTILE}`,
  });
  const bb = await api(app, bob, 'POST', '/business', { name: 'Bob Grill', country: 'NG' });
  const bobBusiness: string = bb.json().business.id;
  const bg = await api(app, bob, 'POST', '/groups', { name: 'Sales', groupType: 'sales', businessId: bobBusiness });
  bobOrder = await placeOrder(rt, { businessId: bobBusiness, groupId: bg.json().group.id, customerName: 'Tunde' });
  t.ok(order.orderId && bobOrder, 'orders in two businesses');
});

t.test('every admin endpoint: 401 signed out, 403 for a merchant', async (t) => {
  const endpoints: Array<['GET' | 'PUT' | 'POST', string]> = [
    ['GET', '/admin/dashboard'],
    ['GET', '/admin/users'],
    ['PUT', `/admin/users/${bob.id}/toggle`],
    ['POST', `/admin/users/${bob.id}/toggle`],
    ['GET', '/admin/orders'],
    ['GET', `/admin/orders/${order.orderId}/timeline`],
    ['GET', '/admin/events'],
    ['GET', `/admin/businesses/${order.businessId}/timeline`],
    ['GET', `/admin/sessions/${order.sessionId}/timeline`],
  ];
  for (const [method, url] of endpoints) {
    const anon = await api(app, null, method, url);
    t.equal(anon.statusCode, 401, `${method} ${url} signed out`);
    t.match(anon.json(), { error: true, code: 'UNAUTHORIZED' });
    const merchant = await api(app, alice, method, url);
    t.equal(merchant.statusCode, 403, `${method} ${url} as a merchant`);
    t.match(merchant.json(), { error: true, code: 'FORBIDDEN' });
  }
  const page = await app.inject({ method: 'GET', url: '/admin/dashboard' });
  t.equal(page.statusCode, 303, 'a signed-out browser is sent to sign in');
  t.equal((await api(app, null, 'GET', '/auth/login')).statusCode, 404, 'sanity: unrelated');
  t.equal((await api(app, bob, 'GET', '/business')).statusCode, 200, 'bob was not toggled by the refused requests');
});

t.test('dashboard', async (t) => {
  const r = await api(app, root, 'GET', '/admin/dashboard');
  t.equal(r.statusCode, 200, r.body);
  const d = r.json();
  t.match(d, {
    systemMetrics: {
      ordersLast24h: Number,
      messagesLast24h: Number,
      perHour: Array,
      projections: Array,
      projectionLag: { maxEvents: Number, maxSeconds: Number },
      eventStore: { kind: 'postgres', events: Number, bytes: Number, appendedLastMinute: Number, appendedLastHour: Number },
      process: { memory: { rss: Number, heapUsed: Number } },
    },
    botStatus: Array,
    recentActivity: Array,
  });
  t.equal(d.systemMetrics.perHour.length, 24, '24 hours');
  t.ok(d.systemMetrics.ordersLast24h >= 2, 'orders of both businesses counted');
  t.ok(d.systemMetrics.messagesLast24h >= 1, 'the customer message counted');
  t.ok(d.systemMetrics.eventStore.events > 10 && d.systemMetrics.eventStore.bytes > 0);
  t.ok(d.systemMetrics.eventStore.appendedLastHour >= d.systemMetrics.eventStore.appendedLastMinute);
  const bot = d.botStatus.find((b: { businessId: string }) => b.businessId === order.businessId);
  t.match(bot, { businessName: 'Mama Put', session: { id: order.sessionId }, lastMessageAt: String, messagesToday: 1, ordersToday: 1, uptimeSecondsToday: Number });
  t.ok(d.botStatus.some((b: { businessName: string; session: unknown }) => b.businessName === 'Bob Grill' && b.session === null), 'a business without a session');
  t.ok(d.recentActivity.length > 0 && d.recentActivity[0].position >= d.recentActivity.at(-1).position, 'latest events first');
  const html = await app.inject({ method: 'GET', url: '/admin/dashboard', headers: { cookie: root.cookie } });
  t.equal(html.statusCode, 200);
  t.match(html.body, 'ws-connect="/admin/ws"');
  t.notMatch(html.body, '<img src=x', 'no hostile markup on the dashboard');
});

t.test('users: list, search, deactivate and reactivate', async (t) => {
  const all = (await api(app, root, 'GET', '/admin/users')).json().users;
  t.same(all.map((u: { username: string }) => u.username).sort(), ['alice', 'bob', 'root']);
  t.match(all.find((u: { username: string }) => u.username === 'alice'), { id: alice.id, email: 'alice@example.com', role: 'merchant', active: true, businesses: 1 });
  t.same((await api(app, root, 'GET', '/admin/users?q=ALI')).json().users.map((u: { username: string }) => u.username), ['alice'], 'search is case-insensitive');
  t.same((await api(app, root, 'GET', '/admin/users?q=novi.test')).json().users.map((u: { username: string }) => u.username), ['root'], 'search by email');
  t.same((await api(app, root, 'GET', '/admin/users?q=%25')).json().users, [], 'LIKE wildcards are literal');

  t.equal((await sessionCount(bob.id)) > 0, true, 'bob is signed in');
  const off = await api(app, root, 'PUT', `/admin/users/${bob.id}/toggle`);
  t.equal(off.statusCode, 200, off.body);
  t.match(off.json(), { success: true, user: { id: bob.id, username: 'bob', active: false } });
  const events = await rt.store.readStream(userStreamId(bob.id));
  const last = events.at(-1);
  t.equal(last?.type, 'UserDeactivated');
  t.equal(last?.metadata.actor, root.id, 'the admin is the actor');
  t.match(last?.data, { userId: bob.id, by: root.id });
  t.equal(await sessionCount(bob.id), 0, "bob's sessions ended at once");
  t.equal((await api(app, bob, 'GET', '/business')).statusCode, 401, 'his cookie no longer works');
  const login = await api(app, null, 'POST', '/auth/login', { username: 'bob', password: 'correct horse battery' });
  t.equal(login.statusCode, 403);
  t.match(login.json(), { code: 'ACCOUNT_DISABLED', message: /disabled/ });
  t.equal((await api(app, root, 'GET', '/admin/users?q=bob')).json().users[0].active, false, 'the list shows it');

  const on = await api(app, root, 'PUT', `/admin/users/${bob.id}/toggle`);
  t.match(on.json(), { success: true, user: { id: bob.id, active: true } });
  const again = (await rt.store.readStream(userStreamId(bob.id))).at(-1);
  t.equal(again?.type, 'UserReactivated');
  t.equal(again?.metadata.actor, root.id);
  const back = await api(app, null, 'POST', '/auth/login', { username: 'bob', password: 'correct horse battery' });
  t.equal(back.statusCode, 200, 'bob signs in again');
  bob = { ...bob, cookie: back.cookies.filter((c) => c.name === 'novi_session').map((c) => `novi_session=${c.value}`)[0] ?? '' };

  const self = await api(app, root, 'PUT', `/admin/users/${root.id}/toggle`);
  t.equal(self.statusCode, 403, 'an admin cannot deactivate themself');
  t.match(self.json().message, /your own account/);
  t.equal((await api(app, root, 'PUT', `/admin/users/${newId()}/toggle`)).statusCode, 404);
  t.equal((await api(app, root, 'PUT', `/admin/users/not-a-uuid/toggle`)).statusCode, 404);
});

t.test('users: the browser form (htmx + CSRF)', async (t) => {
  const page = await app.inject({ method: 'GET', url: '/admin/users', headers: { cookie: root.cookie } });
  t.equal(page.statusCode, 200);
  const token = /<meta name="csrf-token" content="([^"]+)"/.exec(page.body)?.[1] ?? '';
  const csrf = page.cookies.find((c) => c.name === 'novi_csrf');
  t.ok(token && csrf, 'a CSRF token and cookie');
  const cookie = `${root.cookie}; novi_csrf=${csrf?.value ?? ''}`;
  const noToken = await app.inject({ method: 'POST', url: `/admin/users/${alice.id}/toggle`, headers: { cookie, 'hx-request': 'true' } });
  t.equal(noToken.statusCode, 403, 'no token, no toggle');
  const row = await app.inject({ method: 'POST', url: `/admin/users/${alice.id}/toggle`, headers: { cookie, 'hx-request': 'true', 'x-csrf-token': token } });
  t.equal(row.statusCode, 200, row.body);
  t.match(row.body, `id="user-row-${alice.id}"`);
  t.match(row.body, 'data-active="false"');
  const form = await app.inject({
    method: 'POST', url: `/admin/users/${alice.id}/toggle`,
    headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' }, payload: `_csrf=${encodeURIComponent(token)}`,
  });
  t.equal(form.statusCode, 303, 'a plain form post goes back to the list');
  t.equal((await api(app, root, 'GET', '/admin/users?q=alice')).json().users[0].active, true, 'alice active again');
  const relogin = await api(app, null, 'POST', '/auth/login', { username: 'alice', password: 'correct horse battery' });
  alice = { ...alice, cookie: relogin.cookies.filter((c) => c.name === 'novi_session').map((c) => `novi_session=${c.value}`)[0] ?? '' };
  t.equal((await api(app, alice, 'GET', '/business')).statusCode, 200);
});

t.test('all orders, with the merchant filters', async (t) => {
  const r = await api(app, root, 'GET', '/admin/orders');
  t.equal(r.statusCode, 200);
  t.match(r.json(), { orders: Array, pagination: { page: 1, limit: 25, total: 2, pages: 1 } });
  t.same(new Set(r.json().orders.map((o: { id: string }) => o.id)), new Set([order.orderId, bobOrder]), 'across businesses');
  const one = (await api(app, root, 'GET', `/admin/orders?businessId=${order.businessId}`)).json();
  t.same(one.orders.map((o: { id: string }) => o.id), [order.orderId]);
  t.same((await api(app, root, 'GET', '/admin/orders?status=delivered')).json().orders.map((o: { id: string }) => o.id), [order.orderId]);
  t.same((await api(app, root, 'GET', '/admin/orders?q=tunde')).json().orders.map((o: { id: string }) => o.id), [bobOrder]);
  t.equal((await api(app, root, 'GET', '/admin/orders?limit=1&page=2')).json().orders.length, 1);
  t.equal((await api(app, root, 'GET', '/admin/orders?status=lost')).statusCode, 400);
  const html = await app.inject({ method: 'GET', url: '/admin/orders', headers: { cookie: root.cookie } });
  t.equal(html.statusCode, 200);
  t.match(html.body, `/admin/orders/${order.orderId}/timeline`);
  t.notMatch(html.body, '<img src=x');
});

t.test('events: shape, filters and cursor pagination', async (t) => {
  const full: Ev[] = (await api(app, root, 'GET', '/admin/events?limit=200')).json().events;
  t.ok(full.length > 20, `${full.length} events`);
  const e = full[0]!;
  t.match(e, { id: String, stream: String, revision: Number, position: Number, type: String, data: Object, metadata: { actor: String, correlationId: String, occurredAt: String }, recordedAt: String });
  t.ok(full.every((x, i) => i === 0 || x.position < full[i - 1]!.position), 'newest first');

  // Walk the whole store 7 at a time: same events, in the same order, none twice, none missing.
  const walked: Ev[] = [];
  let before: string | null = null;
  for (let pages = 0; pages < 100; pages++) {
    const res = await api(app, root, 'GET', `/admin/events?limit=7${before ? `&before=${before}` : ''}`);
    const body = res.json() as { events: Ev[]; next: string | null };
    walked.push(...body.events);
    before = body.next;
    if (!before) break;
    t.equal(body.events.length, 7, 'full pages until the last');
  }
  t.equal(before, null, 'next is null at the end');
  t.same(walked.map((x) => x.position), full.map((x) => x.position), 'no duplicates, no gaps');

  const byType: Ev[] = (await api(app, root, 'GET', '/admin/events?type=StatusChanged')).json().events;
  t.equal(byType.length, 4);
  t.ok(byType.every((x) => x.type === 'StatusChanged'));
  const twoTypes: Ev[] = (await api(app, root, 'GET', '/admin/events?type=OrderPlaced,MessageReceived')).json().events;
  t.same(new Set(twoTypes.map((x) => x.type)), new Set(['OrderPlaced', 'MessageReceived']));
  const stream: Ev[] = (await api(app, root, 'GET', `/admin/events?stream=order-${order.orderId}`)).json().events;
  t.same(stream.map((x) => x.type).reverse(), ['OrderPlaced', 'StatusChanged', 'StatusChanged', 'StatusChanged', 'StatusChanged']);
  const tenant: Ev[] = (await api(app, root, 'GET', `/admin/events?tenantId=${order.businessId}&limit=200`)).json().events;
  t.ok(tenant.length > 5 && tenant.every((x) => x.metadata.tenantId === order.businessId), 'one tenant only');
  t.notOk(tenant.some((x) => x.stream === `order-${bobOrder}`));
  const placed = stream.find((x) => x.type === 'OrderPlaced')!;
  const corr: Ev[] = (await api(app, root, 'GET', `/admin/events?correlationId=${placed.metadata.correlationId}`)).json().events;
  t.ok(corr.length >= 2 && corr.every((x) => x.metadata.correlationId === placed.metadata.correlationId), 'same correlation');
  t.ok(corr.some((x) => x.type === 'OrderParsed'), 'the parse shares the correlation');
  const byId: Ev[] = (await api(app, root, 'GET', `/admin/events?id=${placed.id}`)).json().events;
  t.same(byId.map((x) => x.id), [placed.id]);
  const cause: Ev[] = (await api(app, root, 'GET', `/admin/events?id=${placed.metadata.causationId}`)).json().events;
  t.equal(cause[0]?.type, 'MessageReceived', 'OrderPlaced was caused by the message');
  const byActor: Ev[] = (await api(app, root, 'GET', `/admin/events?actor=${root.id}`)).json().events;
  t.ok(byActor.length >= 4 && byActor.every((x) => x.metadata.actor === root.id), 'what the admin did');
  const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
  t.same((await api(app, root, 'GET', `/admin/events?from=${tomorrow}`)).json(), { events: [], next: null });
  t.equal((await api(app, root, 'GET', `/admin/events?to=${tomorrow}&limit=200`)).json().events.length, full.length);
  const mid = full[10]!.position;
  const older: Ev[] = (await api(app, root, 'GET', `/admin/events?before=${mid}&limit=200`)).json().events;
  t.ok(older.every((x) => x.position < mid) && older.length === full.length - 11);
  for (const bad of ['before=abc', 'limit=0', 'limit=1000', 'tenantId=nope', 'type=%3Cscript%3E', 'from=yesterday']) {
    t.equal((await api(app, root, 'GET', `/admin/events?${bad}`)).statusCode, 400, bad);
  }
  const html = await app.inject({ method: 'GET', url: `/admin/events?tenantId=${order.businessId}&type=MessageReceived`, headers: { cookie: root.cookie } });
  t.equal(html.statusCode, 200);
  t.notMatch(html.body, '<img src=x', 'event data is escaped');
  t.match(html.body, '&lt;img src=x onerror=alert(1)', 'shown as text');
  t.match(html.body, `/admin/events?correlationId=`);
});

t.test('timeline of an order: message → parse → order → statuses → replies', async (t) => {
  const r = await api(app, root, 'GET', `/admin/orders/${order.orderId}/timeline`);
  t.equal(r.statusCode, 200, r.body);
  const body = r.json() as { order: { id: string; status: string }; businessId: string; events: Ev[]; sourceMessageEventId: string; replyEventIds: string[] };
  t.match(body.order, { id: order.orderId, status: 'delivered' });
  t.equal(body.businessId, order.businessId);
  const types = body.events.map((e) => e.type);
  for (const type of ['MessageReceived', 'OrderParsed', 'OrderPlaced', 'StatusChanged', 'MessageSent']) t.ok(types.includes(type), `has ${type}`);
  t.ok(types.indexOf('MessageReceived') < types.indexOf('OrderPlaced'), 'the message comes first');
  t.same(body.events.filter((e) => e.type === 'StatusChanged').map((e) => e.data['to']), ['confirmed', 'processing', 'out_for_delivery', 'delivered']);
  t.ok(body.events.every((e, i) => i === 0 || e.position > body.events[i - 1]!.position), 'oldest first');
  const source = body.events.find((e) => e.id === body.sourceMessageEventId);
  t.match(source, { type: 'MessageReceived', data: { messageId: order.messageId } });
  t.ok(body.replyEventIds.length >= 2, 'the confirmation and status replies');
  t.ok(body.events.filter((e) => e.type === 'MessageSent').every((e) => e.data['orderId'] === order.orderId));
  t.ok(body.events.every((e) => e.metadata.actor && e.metadata.correlationId), 'each with actor and correlation');
  const statusChange = body.events.find((e) => e.type === 'StatusChanged')!;
  t.equal(statusChange.metadata.actor, alice.id, 'the merchant moved the status');
  t.notOk(body.events.some((e) => e.stream === `order-${bobOrder}`), "nothing of bob's order");

  const html = await app.inject({ method: 'GET', url: `/admin/orders/${order.orderId}/timeline`, headers: { cookie: root.cookie } });
  t.equal(html.statusCode, 200);
  t.match(html.body, `href="#e-${body.sourceMessageEventId}"`, 'a link to the message that created it');
  t.match(html.body, `href="#e-${body.replyEventIds[0]}"`, 'links to the replies');
  t.notMatch(html.body, '<img src=x');
  t.notMatch(html.body, '<script>alert');
  t.equal((await api(app, root, 'GET', `/admin/orders/${newId()}/timeline`)).statusCode, 404);
  t.equal((await api(app, root, 'GET', `/admin/orders/nope/timeline`)).statusCode, 404);
});

t.test('business and session timelines', async (t) => {
  const b = await api(app, root, 'GET', `/admin/businesses/${order.businessId}/timeline?limit=200`);
  t.equal(b.statusCode, 200);
  const be: Ev[] = b.json().events;
  t.ok(be.length > 5 && be.every((e) => e.metadata.tenantId === order.businessId));
  t.match(b.json(), { next: null });
  t.equal((await api(app, root, 'GET', `/admin/businesses/${newId()}/timeline`)).statusCode, 404);
  const s = await api(app, root, 'GET', `/admin/sessions/${order.sessionId}/timeline?limit=200`);
  const se: Ev[] = s.json().events;
  const types = new Set(se.map((e) => e.type));
  t.ok(types.has('SessionStarted') && types.has('SessionReady') && types.has('MessageReceived') && types.has('MessageSent'), [...types].join(','));
  t.ok(se.every((e) => e.stream === `session-${order.sessionId}` || e.data['sessionId'] === order.sessionId));
  const html = await app.inject({ method: 'GET', url: `/admin/sessions/${order.sessionId}/timeline`, headers: { cookie: root.cookie } });
  t.equal(html.statusCode, 200);
});

t.test('admin websocket: admins hear every tenant, merchants are refused', async (t) => {
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const closeCode = (cookie: string | null) =>
    new Promise<number>((resolve) => {
      const ws = new WebSocket(`ws://127.0.0.1:${port}/admin/ws`, cookie ? { headers: { cookie } } : {});
      ws.on('close', (c) => resolve(c));
    });
  t.equal(await closeCode(null), 4401);
  t.equal(await closeCode(alice.cookie), 4403);

  const json: unknown[] = [];
  const html: string[] = [];
  const open = (format: string, sink: (d: string) => void) =>
    new Promise<WebSocket>((resolve, reject) => {
      const ws = new WebSocket(`ws://127.0.0.1:${port}/admin/ws?format=${format}`, { headers: { cookie: root.cookie } });
      ws.on('message', (d) => sink(String(d)));
      ws.on('open', () => resolve(ws));
      ws.on('error', reject);
    });
  const wj = await open('json', (d) => json.push(JSON.parse(d)));
  const wh = await open('html', (d) => html.push(d));
  await app.adminWsReady();
  const live = await placeOrder(rt, { businessId: order.businessId, groupId: order.groupId, customerName: 'Live one' });
  await waitFor('a json update', async () => json.some((m) => (m as { orderId?: string }).orderId === live), 5000);
  t.pass('JSON update for the new order');
  await waitFor('an html push', async () => html.some((h) => h.includes('id="admin-metrics"') && h.includes('hx-swap-oob')), 5000);
  t.pass('the dashboard sections pushed as OOB swaps');
  wj.close();
  wh.close();
});
