// Staff and roles over HTTP and the database: invitations (by username and by e-mail), what staff
// and riders may reach, assignment to riders, role changes and removal taking effect at once
// (pages, API, tenant queries and the live socket), another tenant's ids, RLS, admins made from the UI.
import t from 'tap';
import WebSocket from 'ws';
import { sql } from 'slonik';
import { z } from 'zod';
import { withTenant } from '../../web/lib/tenant.ts';
import { api, placeOrder, register, webEnv, type Merchant } from '../web/harness.ts';
import { createAdmin, signIn } from '../admin/helpers.ts';

const env = await webEnv({ loginRateLimit: 1000 });
t.teardown(env.close);
const { app, rt } = env;
await app.listen({ port: 0, host: '127.0.0.1' });
const address = app.server.address();
const port = typeof address === 'object' && address ? address.port : 0;
await app.wsReady();

async function shop(m: Merchant, name: string): Promise<{ businessId: string; groupId: string }> {
  const b = await api(app, m, 'POST', '/business', { name, country: 'NG' });
  const businessId = b.json().business.id as string;
  const g = await api(app, m, 'POST', '/groups', { name: 'Sales', groupType: 'sales', businessId });
  return { businessId, groupId: g.json().group.id as string };
}

/** Invites, then accepts as the invitee; returns the invitation id. */
async function join(owner: Merchant, businessId: string, who: Merchant, role: 'owner' | 'staff' | 'rider', by: 'username' | 'email' = 'username'): Promise<string> {
  const inv = await api(app, owner, 'POST', `/business/${businessId}/invitations`, { invitee: by === 'username' ? who.username.toUpperCase() : `${who.username}@example.com`, role });
  if (inv.statusCode !== 201) throw new Error(`invite: ${inv.statusCode} ${inv.body}`);
  const id = inv.json().invitation.id as string;
  const acc = await api(app, who, 'POST', `/invitations/${id}/accept`);
  if (acc.statusCode !== 200) throw new Error(`accept: ${acc.statusCode} ${acc.body}`);
  return id;
}

const owner = await register(app, 'olu_owner');
const staff = await register(app, 'sade_staff');
const rider = await register(app, 'ray_rider');
const stranger = await register(app, 'eve_other');
const A = await shop(owner, 'Olu Foods');
const E = await shop(stranger, 'Eve Foods');
const o1 = await placeOrder(rt, { ...A, customerName: 'First buyer' });
const o2 = await placeOrder(rt, { ...A, customerName: 'Second buyer' });
const eveOrder = await placeOrder(rt, { ...E, customerName: 'Eve buyer' });

t.test('invitation: the invitee sees it after signing in and accepts; nobody else can', async (t) => {
  const inv = await api(app, owner, 'POST', `/business/${A.businessId}/invitations`, { invitee: 'sade_staff@example.com', role: 'staff' });
  t.equal(inv.statusCode, 201, inv.body);
  const invite = inv.json().invitation;
  t.match(invite, { businessId: A.businessId, invitee: 'sade_staff@example.com', role: 'staff', status: 'pending' });
  t.equal((await api(app, owner, 'POST', `/business/${A.businessId}/invitations`, { invitee: 'sade_staff@example.com', role: 'rider' })).statusCode, 409, 'one invitation per person at a time');
  t.equal((await api(app, owner, 'POST', `/business/${A.businessId}/invitations`, { invitee: '<b>x</b>', role: 'staff' })).statusCode, 400, 'bounded invitee');
  t.equal((await api(app, owner, 'POST', `/business/${A.businessId}/invitations`, { invitee: 'x'.repeat(255), role: 'staff' })).statusCode, 400);
  t.equal((await api(app, owner, 'POST', `/business/${A.businessId}/invitations`, { invitee: 'somebody', role: 'boss' })).statusCode, 400, 'unknown role');

  const mine = (await api(app, staff, 'GET', '/staff')).json();
  t.same(mine.invitations.map((i: { id: string }) => i.id), [invite.id], 'the invitee sees it');
  t.same((await api(app, stranger, 'GET', '/staff')).json().invitations, [], 'nobody else does');
  t.equal((await api(app, stranger, 'POST', `/invitations/${invite.id}/accept`)).statusCode, 404, 'someone else cannot accept it');
  t.equal((await api(app, stranger, 'POST', `/business/${A.businessId}/invitations`, { invitee: 'eve_other', role: 'owner' })).statusCode, 404, 'a stranger cannot invite into the business');

  t.equal((await api(app, staff, 'GET', '/orders')).json().orders.length, 0, 'no access before accepting');
  const acc = await api(app, staff, 'POST', `/invitations/${invite.id}/accept`);
  t.equal(acc.statusCode, 200, acc.body);
  t.same(acc.json().membership, { businessId: A.businessId, role: 'staff' });
  t.equal((await api(app, staff, 'POST', `/invitations/${invite.id}/accept`)).statusCode, 409, 'single use');
  t.equal((await api(app, staff, 'GET', '/orders')).json().orders.length, 2, 'sees the business orders');

  const members = (await api(app, owner, 'GET', '/staff')).json().businesses[0].members;
  t.same(members.map((m: { username: string; role: string; founder: boolean }) => [m.username, m.role, m.founder]), [['olu_owner', 'owner', true], ['sade_staff', 'staff', false]]);
  const events = await rt.pool.anyFirst(sql.type(z.object({ type: z.string() }))`select type from es_events where stream_id = ${`members-${A.businessId}`} order by revision`);
  t.same(events, ['MemberInvited', 'MemberJoined'], 'recorded as events');
});

t.test('staff: orders and customers yes, settings no (403), other tenants 404', async (t) => {
  t.equal((await api(app, staff, 'GET', `/orders/${o1}`)).statusCode, 200);
  t.equal((await api(app, staff, 'POST', `/orders/${o1}/status`, { status: 'confirmed' })).statusCode, 200, 'changes a status');
  t.equal((await api(app, staff, 'GET', '/customers')).statusCode, 200);
  t.ok((await api(app, staff, 'GET', '/customers')).json().customers.length >= 1);
  t.equal((await api(app, staff, 'GET', `/orders/${eveOrder}`)).statusCode, 404, "another tenant's order");

  const settings: Array<[('GET' | 'POST' | 'PUT' | 'DELETE'), string, unknown?]> = [
    ['PUT', `/business/${A.businessId}`, { name: 'Taken over' }],
    ['GET', `/business/${A.businessId}/catalog`],
    ['PUT', `/business/${A.businessId}/catalog`, { products: [] }],
    ['GET', `/business/${A.businessId}/whatsapp`],
    ['POST', `/business/${A.businessId}/whatsapp`, { transport: 'simulator' }],
    ['DELETE', `/business/${A.businessId}/whatsapp`],
    ['POST', '/groups', { name: 'Mine now', groupType: 'sales', businessId: A.businessId }],
    ['GET', `/groups?businessId=${A.businessId}`],
    ['POST', `/business/${A.businessId}/invitations`, { invitee: 'eve_other', role: 'owner' }],
    ['POST', `/business/${A.businessId}/members/${owner.id}/remove`],
  ];
  for (const [method, url, body] of settings) {
    const r = await api(app, staff, method, url, body);
    t.equal(r.statusCode, 403, `${method} ${url} → 403 (${r.body.slice(0, 80)})`);
  }
  const riders = await api(app, staff, 'POST', `/groups/${A.groupId}/riders`, { riderPhones: [] });
  t.ok([403, 404].includes(riders.statusCode), `group riders refused (${riders.statusCode})`);
  t.same((await api(app, staff, 'GET', '/business')).json().businesses, [], 'the settings list shows no business');
  const page = await app.inject({ method: 'GET', url: `/business/${A.businessId}/whatsapp`, headers: { cookie: staff.cookie } });
  t.equal(page.statusCode, 403, 'the settings page is refused in the browser too');
  t.equal((await api(app, owner, 'GET', `/business/${A.businessId}/catalog`)).statusCode, 200, 'the owner still can');
});

t.test('rider: sees only the orders assigned to them and marks them delivered', async (t) => {
  await join(owner, A.businessId, rider, 'rider', 'email');
  t.same((await api(app, rider, 'GET', '/deliveries')).json().deliveries, [], 'nothing assigned yet');
  t.equal((await api(app, rider, 'GET', '/orders')).json().orders.length, 0, 'no order list');
  t.equal((await api(app, rider, 'GET', `/orders/${o1}`)).statusCode, 404, 'no order page');
  t.equal((await api(app, rider, 'GET', '/customers')).json().customers.length, 0, 'no customers');
  t.equal((await api(app, rider, 'GET', `/business/${A.businessId}/whatsapp`)).statusCode, 403);

  t.equal((await api(app, staff, 'POST', `/orders/${o2}/rider`, { riderId: stranger.id })).statusCode, 400, 'only a rider of the business');
  t.equal((await api(app, rider, 'POST', `/orders/${o2}/rider`, { riderId: rider.id })).statusCode, 404, 'a rider does not assign');
  t.equal((await api(app, stranger, 'POST', `/orders/${o2}/rider`, { riderId: stranger.id })).statusCode, 404, "another tenant's order");
  const a = await api(app, staff, 'POST', `/orders/${o2}/rider`, { riderId: rider.id });
  t.equal(a.statusCode, 200, a.body);
  t.equal(a.json().riderId, rider.id);
  const page = await app.inject({ method: 'GET', url: `/orders/${o2}`, headers: { cookie: owner.cookie } });
  t.match(page.body, /id="rider-panel"/);
  t.match(page.body, new RegExp(`<option value="${rider.id}" selected`), 'the order page shows the rider');

  const list = (await api(app, rider, 'GET', '/deliveries')).json().deliveries;
  t.same(list.map((d: { id: string }) => d.id), [o2], 'exactly the assigned order');
  t.match(list[0], { customerName: 'Second buyer', customerPhone: '+2348035550101', customerAddress: '14 Admiralty Way, Lekki', businessName: 'Olu Foods' });
  t.equal((await api(app, rider, 'POST', `/deliveries/${o1}/delivered`)).statusCode, 404, 'an order not assigned to them');
  t.equal((await api(app, rider, 'POST', `/deliveries/${eveOrder}/delivered`)).statusCode, 404);
  const d = await api(app, rider, 'POST', `/deliveries/${o2}/delivered`);
  t.equal(d.statusCode, 200, d.body);
  t.equal(d.json().delivery.status, 'delivered');
  t.equal((await api(app, owner, 'GET', `/orders/${o2}`)).json().order.status, 'delivered', 'the owner sees it delivered');
  const html = await app.inject({ method: 'GET', url: '/deliveries', headers: { cookie: rider.cookie } });
  t.match(html.body, /tel:\+2348035550101/);
});

t.test('row-level security follows the membership', async (t) => {
  const count = (ids: string[], userId?: string, role: 'tenant' | 'rider' = 'tenant') =>
    withTenant(rt.pool, ids, (db) => db.oneFirst(sql.type(z.object({ n: z.coerce.number() }))`select count(*)::int as n from orders`), { userId, role });
  t.equal(await count([A.businessId], owner.id), 2, 'the owner sees their business');
  t.equal(await count([A.businessId, E.businessId], owner.id), 2, "asking for another tenant's business adds nothing");
  t.equal(await count([E.businessId], owner.id), 0, 'business A cannot see B');
  t.equal(await count([A.businessId], staff.id), 2, 'staff see the business');
  t.equal(await count([A.businessId], rider.id, 'rider'), 1, 'a rider (reading as novi_rider) sees only their assigned order');
  t.equal(await count([A.businessId], rider.id), 0, 'and nothing as a merchant');
  t.equal(await count([A.businessId], owner.id, 'rider'), 0, 'the owner reading as a rider has nothing assigned');
  t.equal(await count([A.businessId], stranger.id), 0, 'a stranger naming the business sees nothing');
  const theirs = await withTenant(rt.pool, [A.businessId], (db) => db.anyFirst(sql.type(z.object({ id: z.string() }))`select id from orders where business_id = ${E.businessId}`), { userId: owner.id });
  t.same(theirs, [], 'even a query for B by id');
});

t.test("role change and removal take effect at once, the live socket included", async (t) => {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/ws?format=json`, { headers: { cookie: staff.cookie } });
  const got: Array<{ orderId?: string }> = [];
  ws.on('message', (m) => got.push(JSON.parse(String(m))));
  const closed = new Promise<number>((r) => ws.on('close', (code) => r(code)));
  await new Promise((r) => ws.on('open', r));
  await new Promise((r) => setTimeout(r, 200));
  const live = await placeOrder(rt, { ...A, customerName: 'Live buyer' });
  for (let i = 0; i < 100 && !got.some((x) => x.orderId === live); i++) await new Promise((r) => setTimeout(r, 50));
  t.ok(got.some((x) => x.orderId === live), 'staff hear of new orders');

  const ch = await api(app, owner, 'POST', `/business/${A.businessId}/members/${staff.id}/role`, { role: 'rider' });
  t.equal(ch.statusCode, 200, ch.body);
  t.equal(ch.json().member.role, 'rider');
  t.equal((await api(app, staff, 'GET', `/orders/${o1}`)).statusCode, 404, 'a rider now');
  const code = await Promise.race([closed, new Promise((r) => setTimeout(() => r('timeout'), 5000))]);
  t.equal(code, 4403, 'the socket closed when the role changed');

  await api(app, owner, 'POST', `/business/${A.businessId}/members/${staff.id}/role`, { role: 'staff' });
  const ws2 = new WebSocket(`ws://127.0.0.1:${port}/ws?format=json`, { headers: { cookie: staff.cookie } });
  const closed2 = new Promise<number>((r) => ws2.on('close', (c) => r(c)));
  await new Promise((r) => ws2.on('open', r));
  await new Promise((r) => setTimeout(r, 200));
  t.equal((await api(app, staff, 'GET', `/orders/${o1}`)).statusCode, 200);
  const rm = await api(app, owner, 'DELETE', `/business/${A.businessId}/members/${staff.id}`);
  t.equal(rm.statusCode, 200, rm.body);
  t.equal((await api(app, staff, 'GET', `/orders/${o1}`)).statusCode, 404, 'the removed member loses the order at once');
  t.equal((await api(app, staff, 'GET', '/orders')).json().orders.length, 0);
  t.equal((await api(app, staff, 'GET', '/customers')).json().customers.length, 0);
  t.equal(await Promise.race([closed2, new Promise((r) => setTimeout(() => r('timeout'), 5000))]), 4403, 'and their live socket');
  t.equal((await api(app, owner, 'POST', `/business/${A.businessId}/members/${owner.id}/remove`)).statusCode, 409, 'the founder stays');
  t.equal((await api(app, owner, 'POST', `/business/${A.businessId}/members/${stranger.id}/remove`)).statusCode, 404, 'not a member');
  const types = await rt.pool.anyFirst(sql.type(z.object({ type: z.string() }))`select type from es_events where stream_id = ${`members-${A.businessId}`} order by revision`);
  t.ok(types.includes('MemberRoleChanged') && types.includes('MemberRemoved'));
});

t.test('an invited owner manages settings; revoked and expired invitations cannot be used', async (t) => {
  const co = await register(app, 'coco_owner');
  await join(owner, A.businessId, co, 'owner');
  const r = await api(app, co, 'PUT', `/business/${A.businessId}`, { name: 'Olu & Coco Foods' });
  t.equal(r.statusCode, 200, r.body);
  const late = await register(app, 'late_comer');
  const inv = (await api(app, co, 'POST', `/business/${A.businessId}/invitations`, { invitee: 'late_comer', role: 'staff' })).json().invitation;
  t.equal((await api(app, co, 'POST', `/business/${A.businessId}/invitations/${inv.id}/revoke`)).statusCode, 200);
  t.equal((await api(app, late, 'POST', `/invitations/${inv.id}/accept`)).statusCode, 409, 'revoked');
  const inv2 = (await api(app, co, 'POST', `/business/${A.businessId}/invitations`, { invitee: 'late_comer', role: 'staff' })).json().invitation;
  await rt.pool.query(sql.unsafe`update invitations set expires_at = now() - interval '1 day' where id = ${inv2.id}`);
  t.same((await api(app, late, 'GET', '/staff')).json().invitations, [], 'an expired invitation is not offered');
});

t.test('admins create admins from the UI; merchants cannot', async (t) => {
  const root = await createAdmin(app, rt, 'root_admin');
  t.equal((await api(app, owner, 'POST', '/admin/admins', { username: 'sneaky', email: 'sneaky@example.com', password: 'long enough pw' })).statusCode, 403);
  t.equal((await api(app, root, 'POST', '/admin/admins', { username: 'x', email: 'bad', password: 'short' })).statusCode, 400);
  const r = await api(app, root, 'POST', '/admin/admins', { username: 'second_admin', email: 'second@example.com', password: 'long enough pw' });
  t.equal(r.statusCode, 201, r.body);
  const cookie = await signIn(app, 'second_admin', 'long enough pw');
  t.equal((await app.inject({ method: 'GET', url: '/admin/dashboard', headers: { cookie, accept: 'application/json' } })).statusCode, 200, 'the new admin signs in to /admin');
  const ev = await rt.pool.one(sql.type(z.object({ actor: z.string(), role: z.string() }))`
    select metadata->>'actor' as actor, data->>'role' as role from es_events where stream_id = ${`user-${r.json().admin.id}`} and type = 'UserRegistered'`);
  t.same(ev, { actor: root.id, role: 'admin' }, 'recorded with the creating admin as actor');
  const page = await app.inject({ method: 'GET', url: '/admin/admins', headers: { cookie: root.cookie } });
  t.match(page.body, /second_admin/);
});
