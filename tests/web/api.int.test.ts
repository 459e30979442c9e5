// Route tests for every merchant endpoint of http-api.md, incl. 401/403/404/409/412/429 and
// another tenant's attempts (404, nothing changed).
import t from 'tap';
import WebSocket from 'ws';
import { userStreamId } from '../../src/accounts/user.ts';
import { EVENT_SCHEMA_VERSION } from '../../src/events/catalog.ts';
import { newId } from '../../src/shared/ids.ts';
import { api, placeOrder, register, sessionCookie, webEnv, type Merchant } from './harness.ts';

const env = await webEnv();
t.teardown(env.close);
const { app, rt } = env;

let alice: Merchant;
let bob: Merchant;
let businessId = '';
let groupId = '';
let orderId = '';

t.test('accounts', async (t) => {
  alice = await register(app, 'alice');
  bob = await register(app, 'bob');
  t.equal((await api(app, null, 'GET', '/dashboard')).statusCode, 401, 'not signed in → 401');
  const page = await app.inject({ method: 'GET', url: '/dashboard' });
  t.equal(page.statusCode, 303, 'a browser is sent to sign in');

  const dupName = await api(app, null, 'POST', '/auth/register', { username: 'ALICE', email: 'other@example.com', password: 'long enough pw' });
  t.equal(dupName.statusCode, 409);
  t.equal(dupName.json().code, 'CONFLICT');
  const dupEmail = await api(app, null, 'POST', '/auth/register', { username: 'alice2', email: 'Alice@example.com', password: 'long enough pw' });
  t.equal(dupEmail.statusCode, 409);
  const bad = await api(app, null, 'POST', '/auth/register', { username: 'x', email: 'nope', password: 'short' });
  t.equal(bad.statusCode, 400);
  t.match(bad.json(), { error: true, code: 'VALIDATION_ERROR' });

  const login = await api(app, null, 'POST', '/auth/login', { username: 'alice@example.com', password: 'correct horse battery' }, { cookie: alice.cookie });
  t.equal(login.statusCode, 200);
  t.match(login.json(), { success: true, user: { username: 'alice' } });
  const rotated = sessionCookie(login);
  t.not(rotated, alice.cookie, 'session id rotated on sign-in');
  t.equal((await api(app, alice, 'GET', '/business')).statusCode, 401, 'the old session ended');
  alice = { ...alice, cookie: rotated };
  t.equal((await api(app, null, 'POST', '/auth/login', { username: 'alice', password: 'wrong password' })).statusCode, 401);
  const cookieAttrs = login.cookies.find((c) => c.name === 'novi_session');
  t.ok(cookieAttrs?.httpOnly, 'HttpOnly');
  t.equal(cookieAttrs?.sameSite, 'Lax');
});

t.test('businesses, catalog, groups and tenancy', async (t) => {
  const created = await api(app, alice, 'POST', '/business', { name: 'Mama Put', country: 'NG', address: 'Lekki' });
  t.equal(created.statusCode, 201, created.body);
  t.match(created.json(), { success: true, business: { name: 'Mama Put', country: 'NG', currency: 'NGN' } });
  businessId = created.json().business.id;
  const list = await api(app, alice, 'GET', '/business');
  t.same(list.json().businesses.map((b: { id: string }) => b.id), [businessId], 'visible right after creation');
  t.same((await api(app, bob, 'GET', '/business')).json().businesses, [], 'bob sees none');

  const upd = await api(app, alice, 'PUT', `/business/${businessId}`, { name: 'Mama Put Kitchen' });
  t.equal(upd.json().business.name, 'Mama Put Kitchen');
  const bobUpd = await api(app, bob, 'PUT', `/business/${businessId}`, { name: 'Hacked' });
  t.equal(bobUpd.statusCode, 404);
  t.equal((await api(app, alice, 'GET', '/business')).json().businesses[0].name, 'Mama Put Kitchen', 'unchanged by bob');
  t.equal((await api(app, alice, 'PUT', `/business/not-a-uuid`, { name: 'x' })).statusCode, 404);

  const cat = await api(app, alice, 'PUT', `/business/${businessId}/catalog`, { products: [{ sku: 'JR', name: 'Jollof Rice', price: 2500, aliases: ['jollof'] }] });
  t.equal(cat.statusCode, 200, cat.body);
  t.equal(cat.json().products.length, 1);
  t.equal((await api(app, alice, 'PUT', `/business/${businessId}/catalog`, { products: [{ sku: 'A', name: 'a', price: 1 }, { sku: 'a', name: 'b', price: 2 }] })).statusCode, 400, 'duplicate sku');
  t.equal((await api(app, bob, 'GET', `/business/${businessId}/catalog`)).statusCode, 404);
  t.equal((await api(app, bob, 'PUT', `/business/${businessId}/catalog`, { products: [] })).statusCode, 404);
  const got = await api(app, alice, 'GET', `/business/${businessId}/catalog`);
  t.match(got.json().products, [{ sku: 'JR', price: 2500, aliases: ['jollof'] }]);

  const g = await api(app, alice, 'POST', '/groups', { name: 'Sales', groupType: 'sales', businessId, whatsappId: '123@g.us' });
  t.equal(g.statusCode, 201, g.body);
  groupId = g.json().group.id;
  t.equal((await api(app, alice, 'POST', '/groups', { name: 'Dup', groupType: 'delivery', businessId, whatsappId: '123@g.us' })).statusCode, 409, 'chat already linked');
  t.equal((await api(app, bob, 'POST', '/groups', { name: 'Evil', groupType: 'sales', businessId })).statusCode, 404);
  t.equal((await api(app, alice, 'GET', `/groups?businessId=${businessId}`)).json().groups.length, 1);
  t.equal((await api(app, bob, 'GET', `/groups?businessId=${businessId}`)).statusCode, 404);
  t.same((await api(app, bob, 'GET', '/groups')).json().groups, []);
});

t.test('orders: list, detail, ETag, If-Match, state machine, tenancy', async (t) => {
  orderId = await placeOrder(rt, { businessId, groupId, customerName: '<img src=x onerror=alert(1)>', text: '<script>alert(1)</script> 2 jollof' });
  await placeOrder(rt, { businessId, groupId, customerName: 'Chidi', items: [{ name: 'Suya', sku: null, quantity: 1, unitPrice: 1500 }] });

  const list = await api(app, alice, 'GET', '/orders?limit=1');
  t.equal(list.statusCode, 200);
  t.match(list.json().pagination, { page: 1, limit: 1, total: 2, pages: 2 });
  t.equal((await api(app, alice, 'GET', '/orders?q=suya')).json().pagination.total, 1, 'text search');
  t.equal((await api(app, alice, 'GET', '/orders?status=confirmed')).json().pagination.total, 0, 'status filter');
  t.equal((await api(app, alice, 'GET', `/orders?from=2000-01-01&to=2000-01-02`)).json().pagination.total, 0, 'date filter');
  t.equal((await api(app, alice, 'GET', '/orders?status=bogus')).statusCode, 400);
  t.equal((await api(app, bob, 'GET', '/orders')).json().pagination.total, 0, 'bob sees no orders');
  t.equal((await api(app, bob, 'GET', `/orders?businessId=${businessId}`)).statusCode, 404);

  const detail = await api(app, alice, 'GET', `/orders/${orderId}`);
  t.equal(detail.statusCode, 200);
  t.equal(detail.headers.etag, '"0"');
  t.match(detail.json().order, {
    id: orderId, businessId, groupId, status: 'pending', customerPhone: '+2348035550101', currency: 'NGN', totalAmount: 5000,
    items: [{ name: 'Jollof Rice', sku: 'JR', quantity: 2, unitPrice: 2500 }],
    statusHistory: [{ status: 'pending', actor: 'bot' }], revision: 0, source: { text: '<script>alert(1)</script> 2 jollof' },
  });
  t.equal((await api(app, bob, 'GET', `/orders/${orderId}`)).statusCode, 404);
  t.equal((await api(app, bob, 'PUT', `/orders/${orderId}`, { status: 'cancelled' })).statusCode, 404);
  t.equal((await api(app, alice, 'GET', `/orders/${newId()}`)).statusCode, 404);

  const stale = await api(app, alice, 'PUT', `/orders/${orderId}`, { status: 'confirmed' }, { 'if-match': '"7"' });
  t.equal(stale.statusCode, 412);
  t.equal(stale.json().code, 'STALE_WRITE');
  const ok = await api(app, alice, 'PUT', `/orders/${orderId}`, { status: 'confirmed' }, { 'if-match': '"0"' });
  t.equal(ok.statusCode, 200, ok.body);
  t.match(ok.json(), { success: true, order: { status: 'confirmed', revision: 1 } });
  t.equal(ok.headers.etag, '"1"');
  const back = await api(app, alice, 'PUT', `/orders/${orderId}`, { status: 'pending' });
  t.equal(back.statusCode, 409, 'cannot go back');
  const edit = await api(app, alice, 'PUT', `/orders/${orderId}`, { items: [{ name: 'Jollof Rice', sku: 'JR', quantity: 3, unitPrice: 2500 }], customerInfo: { address: 'Ikoyi' } }, { 'if-match': '"1"' });
  t.equal(edit.statusCode, 200, edit.body);
  t.match(edit.json().order, { totalAmount: 7500, customerAddress: 'Ikoyi', revision: 2 });
  const staleEdit = await api(app, alice, 'PUT', `/orders/${orderId}`, { customerInfo: { address: 'Old' } }, { 'if-match': '"1"' });
  t.equal(staleEdit.statusCode, 412);
  t.equal((await api(app, alice, 'GET', `/orders/${orderId}`)).json().order.status, 'confirmed', 'bob changed nothing');
});

t.test('HTML: escaping, pages and htmx fragments', async (t) => {
  const page = await app.inject({ method: 'GET', url: `/orders/${orderId}`, headers: { cookie: alice.cookie } });
  t.equal(page.statusCode, 200);
  // The only raw "<img" allowed is inside a quoted attribute value (the edit form), where it is text.
  const raw = page.body.split('<img src=x').length - 1;
  const inAttribute = page.body.split('value="<img src=x').length - 1;
  t.equal(raw, inAttribute, 'customer name is not markup');
  t.notMatch(page.body, '<script>alert', 'message text is not markup');
  t.match(page.body, '&lt;img src=x onerror=alert(1)', 'shown as text');
  t.match(page.headers['content-security-policy'], "script-src 'self'");
  for (const url of ['/dashboard', '/orders', '/business', `/business/${businessId}/whatsapp`, '/export', '/whatsapp']) {
    const r = await app.inject({ method: 'GET', url, headers: { cookie: alice.cookie } });
    t.ok(r.statusCode === 200 || r.statusCode === 303, `${url} → ${r.statusCode}`);
    t.equal(r.body.split('<img src=x').length, r.body.split('value="<img src=x').length, `${url} escapes`);
  }
  const frag = await app.inject({ method: 'GET', url: '/orders?q=suya', headers: { cookie: alice.cookie, 'hx-request': 'true', 'hx-target': 'orders-results' } });
  t.match(frag.body, /^<div id="orders-results"/, 'htmx gets the fragment only');
  t.equal((await app.inject({ method: 'GET', url: '/login' })).statusCode, 200);
});

t.test('CSRF and same-origin', async (t) => {
  const page = await app.inject({ method: 'GET', url: '/business', headers: { cookie: alice.cookie } });
  const csrfCookie = page.cookies.find((c) => c.name === 'novi_csrf');
  const token = /name="csrf-token" content="([^"]+)"/.exec(page.body)?.[1];
  t.ok(csrfCookie && token);
  const cookie = `${alice.cookie}; novi_csrf=${csrfCookie?.value}`;
  const form = (extra: Record<string, string>, headers: Record<string, string> = {}) =>
    app.inject({ method: 'POST', url: `/business/${businessId}/edit`, headers: { cookie, 'content-type': 'application/x-www-form-urlencoded', ...headers }, payload: new URLSearchParams({ name: 'Form Name', ...extra }).toString() });
  t.equal((await form({})).statusCode, 403, 'form without token');
  t.equal((await form({ _csrf: 'forged' })).statusCode, 403, 'wrong token');
  const okForm = await form({ _csrf: token ?? '' });
  t.equal(okForm.statusCode, 303, 'form with token');
  const hx = await app.inject({ method: 'POST', url: `/orders/${orderId}/status`, headers: { cookie, 'hx-request': 'true', 'x-csrf-token': token ?? '', 'content-type': 'application/x-www-form-urlencoded' }, payload: 'status=processing' });
  t.equal(hx.statusCode, 200, hx.body.slice(0, 300));
  t.match(hx.body, 'id="order-detail"');
  const hxStale = await app.inject({ method: 'POST', url: `/orders/${orderId}/edit`, headers: { cookie, 'hx-request': 'true', 'x-csrf-token': token ?? '', 'content-type': 'application/x-www-form-urlencoded' }, payload: 'revision=0&customerName=Zed&itemName=Rice&itemQty=1&itemPrice=1&itemSku=' });
  t.equal(hxStale.statusCode, 412);
  t.match(hxStale.body, 'Someone else changed this order');
  t.equal(hxStale.headers['hx-retarget'], '#flash');
  const cross = await api(app, alice, 'POST', '/business', { name: 'X', country: 'NG' }, { origin: 'https://evil.example' });
  t.equal(cross.statusCode, 403, 'cross-origin JSON refused');
  const same = await api(app, alice, 'PUT', `/business/${businessId}`, { name: 'Mama Put' }, { origin: 'http://localhost:80' });
  t.equal(same.statusCode, 200, 'same-origin accepted');
});

t.test('dashboard and analytics', async (t) => {
  const d = await api(app, alice, 'GET', '/dashboard');
  t.equal(d.statusCode, 200);
  t.match(d.json(), { kpis: { ordersToday: 2, pendingOrders: 1 }, recentOrders: Array, charts: { orderTrends: Array } });
  t.equal(d.json().recentOrders.length, 2);
  const a = await api(app, alice, 'GET', `/api/dashboard/analytics?businessId=${businessId}`);
  t.match(a.json(), { orderTrends: Array, revenueChart: Array, statusDistribution: Array, topProducts: Array, peakHours: Array, averageOrderValue: Number, repeatCustomerRate: Number });
  t.equal(a.json().peakHours.length, 24);
  t.equal((await api(app, bob, 'GET', `/api/dashboard/analytics?businessId=${businessId}`)).statusCode, 404);
  t.equal((await api(app, bob, 'GET', '/dashboard')).json().kpis.ordersToday, 0);
});

t.test('export CSV and XLSX', async (t) => {
  const csv = await api(app, alice, 'POST', '/orders/export', { format: 'csv', filters: { businessId } });
  t.equal(csv.statusCode, 200);
  t.match(csv.headers['content-type'], 'text/csv');
  const lines = csv.body.trim().split('\n');
  t.equal(lines.length, 3, 'header + 2 orders');
  t.match(csv.body, "<img src=x onerror=alert(1)>", 'text kept as is');
  t.match(csv.body, "'+2348035550101", 'a cell starting with + cannot become a formula');
  const xlsx = await api(app, alice, 'POST', '/orders/export', { format: 'xlsx', dateRange: { from: '2000-01-01' } });
  t.equal(xlsx.statusCode, 200);
  t.equal(xlsx.rawPayload.subarray(0, 2).toString(), 'PK', 'a zip (xlsx)');
  t.equal((await api(app, bob, 'POST', '/orders/export', { format: 'csv' })).body.trim().split('\n').length, 1, 'bob exports only the header');
  t.equal((await api(app, bob, 'POST', '/orders/export', { format: 'csv', filters: { businessId } })).statusCode, 404);
});

t.test('WhatsApp session and simulator', async (t) => {
  const start = await api(app, alice, 'POST', `/business/${businessId}/whatsapp`, { transport: 'simulator' });
  t.equal(start.statusCode, 202, start.body);
  t.match(start.json(), { session: { id: String, state: String } });
  t.equal((await api(app, bob, 'POST', `/business/${businessId}/whatsapp`, { transport: 'simulator' })).statusCode, 404);
  const got = await api(app, alice, 'GET', `/business/${businessId}/whatsapp`);
  t.match(got.json(), { session: { id: start.json().session.id } });
  t.equal((await api(app, bob, 'GET', `/business/${businessId}/whatsapp`)).statusCode, 404);

  const msg = await api(app, alice, 'POST', '/api/simulator/messages', { groupId, from: { name: 'Bisi', phone: '+2348035550101' }, text: '2 jollof rice to Lekki' });
  t.equal(msg.statusCode, 202, msg.body);
  t.match(msg.json(), { success: true, messageId: String });
  t.equal((await api(app, bob, 'POST', '/api/simulator/messages', { groupId, from: { name: 'x', phone: '+2348035550102' }, text: 'hi' })).statusCode, 404);
  const out = await api(app, alice, 'GET', `/api/simulator/outbox?groupId=${groupId}`);
  t.equal(out.statusCode, 200);
  t.match(out.json(), { messages: Array });
  t.equal((await api(app, bob, 'GET', `/api/simulator/outbox?groupId=${groupId}`)).statusCode, 404);
  t.equal((await api(app, bob, 'DELETE', `/business/${businessId}/whatsapp`)).statusCode, 404);
  const stop = await api(app, alice, 'DELETE', `/business/${businessId}/whatsapp`);
  t.same(stop.json(), { success: true });
});

t.test('websocket: only the owner hears about their business', async (t) => {
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const open = (m: Merchant) =>
    new Promise<{ ws: WebSocket; got: unknown[] }>((resolve, reject) => {
      const ws = new WebSocket(`ws://127.0.0.1:${port}/ws?format=json`, { headers: { cookie: m.cookie } });
      const got: unknown[] = [];
      ws.on('message', (d) => got.push(JSON.parse(String(d))));
      ws.on('open', () => resolve({ ws, got }));
      ws.on('error', reject);
    });
  const a = await open(alice);
  const b = await open(bob);
  await app.wsReady();
  const other = await placeOrder(rt, { businessId, groupId, customerName: 'Live' });
  const deadline = Date.now() + 5000;
  while (!a.got.some((m) => (m as { orderId?: string }).orderId === other) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  t.ok(a.got.some((m) => (m as { orderId?: string; type?: string }).orderId === other), 'alice is told about the new order');
  t.same(b.got, [], 'bob hears nothing');
  const anon = new WebSocket(`ws://127.0.0.1:${port}/ws`);
  const code = await new Promise<number>((resolve) => anon.on('close', (c) => resolve(c)));
  t.equal(code, 4401, 'no session, no socket');
  a.ws.close();
  b.ws.close();
});

t.test('a deactivated user cannot sign in and their sessions end', async (t) => {
  const carol = await register(app, 'carol');
  t.equal((await api(app, carol, 'GET', '/business')).statusCode, 200);
  await rt.store.append(userStreamId(carol.id), [
    { id: newId(), type: 'UserDeactivated', data: { userId: carol.id, by: 'admin' }, metadata: { tenantId: null, actor: 'admin', correlationId: newId(), causationId: null, occurredAt: new Date().toISOString(), schemaVersion: EVENT_SCHEMA_VERSION.UserDeactivated } },
  ]);
  const deadline = Date.now() + 5000;
  let status = 200;
  while (status === 200 && Date.now() < deadline) {
    status = (await api(app, carol, 'GET', '/business')).statusCode;
    if (status === 200) await new Promise((r) => setTimeout(r, 30));
  }
  t.equal(status, 401, 'session ended');
  const login = await api(app, null, 'POST', '/auth/login', { username: 'carol', password: 'correct horse battery' });
  t.equal(login.statusCode, 403);
  t.match(login.json().message, /disabled/);
});

t.test('logout', async (t) => {
  const r = await api(app, bob, 'POST', '/auth/logout');
  t.same(r.json(), { success: true });
  t.equal((await api(app, bob, 'GET', '/business')).statusCode, 401);
});

t.test('sign-in is rate limited with a clear message', async (t) => {
  const limited = await webEnv({ loginRateLimit: 3 });
  t.teardown(limited.close);
  let last = 0;
  let body: { code?: string; message?: string } = {};
  for (let i = 0; i < 4; i++) {
    const r = await api(limited.app, null, 'POST', '/auth/login', { username: 'nobody', password: 'whatever' });
    last = r.statusCode;
    body = r.json();
  }
  t.equal(last, 429);
  t.equal(body.code, 'RATE_LIMITED');
  t.match(body.message, /Too many sign-in attempts/);
  const html = await limited.app.inject({ method: 'POST', url: '/auth/login', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'username=a&password=b' });
  t.equal(html.statusCode, 429);
});
