// Erasing a customer (issue 17 §5): orders from two customers go through the real pipeline
// (WhatsApp messages → intake → orders → replies), the owner erases one, and no page, JSON answer,
// export, admin timeline, read-model table or event read shows that customer's name, phone,
// address or message text any more; the other customer and every order figure stay. A full
// rebuild from the log gives the same rows and still shows nothing. A new message from the same
// phone starts a fresh customer. Another tenant gets 404.
import t from 'tap';
import { sql } from 'slonik';
import { z } from 'zod';
import { buildApp } from '../../web/app.ts';
import { rebuildProjection } from '../../src/cli/rebuild.ts';
import { projections } from '../../projections/index.ts';
import { orderIdForMessage } from '../../src/shared/ids.ts';
import type { NewEvent } from '../../src/eventstore/types.ts';
import { api, register } from '../web/harness.ts';
import { createAdmin } from '../admin/helpers.ts';
import { runningPipeline } from './running.ts';
import { createShop, message, receive, type Shop } from './fixtures.ts';
import { startWebhooks, WEBHOOKS_CHECKPOINT } from '../../src/reactors/webhooks.ts';
import { waitForCatchUp } from '../../src/projector/catch-up.ts';
import { addWebhook } from '../../src/integrations/webhooks.ts';
import { randomUUID } from 'node:crypto';

const { rt, settle } = await runningPipeline(t);
const app = await buildApp(rt, { registerRateLimit: 1000 });
await app.ready();
t.teardown(() => app.close());

const owner = await register(app, 'erase_owner');
const other = await register(app, 'erase_other');
const admin = await createAdmin(app, rt, 'erase_admin');
const shop = await createShop(rt.store, { ownerId: owner.id, name: 'Owner Kitchen' });
const otherShop = await createShop(rt.store, { ownerId: other.id, name: 'Other Kitchen' });
// A webhook whose receiver is down: its deliveries (with the customer in their bodies) wait in the outbox.
await addWebhook(rt, { businessId: shop.businessId, url: 'http://127.0.0.1:9/hook', events: ['order.created', 'message.received'] }, { userId: owner.id, correlationId: randomUUID() });
const stopWebhooks = await startWebhooks(rt, { pollMs: 100, standbyMs: 100 });
t.teardown(stopWebhooks);

interface Person { id: string; name: string; phone: string }
const ZAINAB: Person = { id: '2348031112222@c.us', name: 'Zainab Q', phone: '+2348031112222' };
const TUNDE: Person = { id: '2348029998888@c.us', name: 'Tunde B', phone: '+2348029998888' };
const RIDER: Person = { id: '2348050000001@c.us', name: 'Rider', phone: '+2348050000001' };

/** A WhatsApp message from `who`, as the session records it. */
function from(s: Shop, group: 'sales' | 'delivery', who: Person, text: string, id?: string): NewEvent {
  const e = message(s, group, text, id ? { id } : {});
  const data = e.data as { sender: unknown };
  return { ...e, data: { ...data, sender: { id: who.id, name: who.name, phone: who.phone } }, metadata: { ...e.metadata, actor: who.id } };
}

const ZAINAB_ORDER_1 = 'Name: Zainab Quadri\nPhone: 0803 111 2222\n2x Jollof rice\ndeliver to 7 Marula Crescent, Lekki';
const ZAINAB_ORDER_2 = 'Name: Zainab Quadri\nPhone: 0803 111 2222\n1 chicken\ndeliver to 7 Marula Crescent, Lekki';
const TUNDE_ORDER = 'Name: Tunde Bakare\nPhone: 0802 999 8888\n3x Plantain\ndeliver to 22 Okoro Street, Yaba';
await receive(rt.store, from(shop, 'sales', ZAINAB, ZAINAB_ORDER_1, 'wamid.z1'));
await receive(rt.store, from(shop, 'sales', TUNDE, TUNDE_ORDER, 'wamid.t1'));
await receive(rt.store, from(shop, 'sales', ZAINAB, 'Hello, is delivery to Marula free on Sundays?', 'wamid.z-chat'));
await receive(rt.store, from(shop, 'sales', ZAINAB, ZAINAB_ORDER_2, 'wamid.z2'));
// The same buyer at another business: that business's data is not this owner's to erase.
await receive(rt.store, from(otherShop, 'sales', ZAINAB, ZAINAB_ORDER_1, 'wamid.oz1'));
await settle();
await receive(rt.store, from(shop, 'delivery', RIDER, '#1001 delivered', 'wamid.r1'));
await settle();

const KEY = ZAINAB.phone;
const zOrders = [orderIdForMessage(shop.businessId, 'wamid.z1'), orderIdForMessage(shop.businessId, 'wamid.z2')];
const tOrder = orderIdForMessage(shop.businessId, 'wamid.t1');
const note = await api(app, owner, 'POST', `/customers/${encodeURIComponent(KEY)}/note`, { businessId: shop.businessId, note: 'Gate code 4417, call Zainab first' });
if (note.statusCode !== 200) throw new Error(`note: ${note.statusCode} ${note.body}`);
await settle();
await waitForCatchUp(rt, [WEBHOOKS_CHECKPOINT]);

/** What must not be anywhere after the erasure (compared case-insensitively). */
const PII = ['Zainab', 'Quadri', '8031112222', '803 111 2222', 'Marula', 'Gate code', 'Sundays'];
const found = (text: string) => PII.filter((p) => text.toLowerCase().includes(p.toLowerCase()));

const row = z.object({ row: z.string() });
async function tableText(table: string, where = sql.fragment`true`): Promise<string> {
  const rows = await rt.pool.anyFirst(sql.type(row)`select to_jsonb(x)::text as row from ${sql.identifier([table])} x where ${where}`);
  return [...rows].sort().join('\n');
}
const READ_MODELS = [...new Set(projections.flatMap((p) => p.tables))];
const OPERATIONAL = ['whatsapp_outbox', 'simulator_inbox', 'simulator_outbox', 'webhook_deliveries'];
/** Rows of the owner's business (the other business still has its own copy of the buyer). */
const ofShop = (table: string) => (['users', 'projection_checkpoints'].includes(table) ? sql.fragment`true` : sql.fragment`to_jsonb(x)::text like ${`%${shop.businessId}%`} or to_jsonb(x)::text like ${`%${zOrders[0]}%`} or to_jsonb(x)::text like ${`%${zOrders[1]}%`}`);

async function pagesText(): Promise<string[]> {
  const get = async (url: string, who = owner, accept = 'text/html') => {
    const r = await app.inject({ method: 'GET', url, headers: { cookie: who.cookie, accept } });
    if (r.statusCode !== 200) throw new Error(`${url}: ${r.statusCode} ${r.body.slice(0, 200)}`);
    return `${url}\n${r.body}`;
  };
  const out = [
    await get('/dashboard'),
    await get('/dashboard', owner, 'application/json'),
    await get('/customers'),
    await get('/customers', owner, 'application/json'),
    await get('/orders'),
    await get('/orders', owner, 'application/json'),
    await get(`/business/${shop.businessId}/whatsapp`),
    await get(`/admin/events?tenantId=${shop.businessId}&limit=200`, admin, 'application/json'),
    await get(`/admin/businesses/${shop.businessId}/timeline`, admin),
    await get(`/admin/orders?businessId=${shop.businessId}`, admin, 'application/json'),
  ];
  for (const id of zOrders) {
    out.push(await get(`/orders/${id}`), await get(`/orders/${id}`, owner, 'application/json'));
    out.push(await get(`/admin/orders/${id}/timeline`, admin), await get(`/admin/orders/${id}/timeline`, admin, 'application/json'));
  }
  const csv = await app.inject({ method: 'POST', url: '/orders/export', headers: { cookie: owner.cookie, accept: 'text/csv', 'content-type': 'application/json' }, payload: { format: 'csv' } });
  if (csv.statusCode !== 200) throw new Error(`export: ${csv.statusCode} ${csv.body.slice(0, 200)}`);
  out.push(`export\n${csv.body}`);
  return out;
}

/** Every page, read-model table and stored event of the owner's business, each starting with its name. */
async function everything(): Promise<string[]> {
  const parts: string[] = await pagesText();
  for (const table of [...READ_MODELS, ...OPERATIONAL]) parts.push(`${table}\n${await tableText(table, ofShop(table))}`);
  const events = await rt.store.readAll({});
  parts.push(`events\n${JSON.stringify(events.filter((e) => e.metadata.tenantId === shop.businessId), (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))}`);
  return parts;
}
const everythingText = async () => (await everything()).join('\n');
/** Where personal data of the customer still shows: `<page or table>: <what>`. */
const leaks = async () => (await everything()).flatMap((part) => found(part).map((p) => `${part.slice(0, part.indexOf('\n'))}: ${p} …${part.slice(Math.max(0, part.toLowerCase().indexOf(p.toLowerCase()) - 150), part.toLowerCase().indexOf(p.toLowerCase()) + 50)}`));

const money = async () =>
  rt.pool.any(sql.type(z.object({ id: z.string(), total_amount: z.string().nullable(), status: z.string(), items: z.unknown() }))`
    select id, total_amount::text, status, items from orders where business_id = ${shop.businessId} order by number`);
const sales = async () => tableText('daily_sales', sql.fragment`business_id = ${shop.businessId}`) + (await tableText('product_sales', sql.fragment`business_id = ${shop.businessId}`));

t.test('before: the customer is everywhere', async (t) => {
  t.same(found(await everythingText()).sort(), [...PII].sort(), 'every piece of personal data is shown before the erasure');
  t.equal((await money()).length, 3);
});

const before = { money: await money(), sales: await sales() };

t.test('only the owner (or an admin) may erase, with a confirmation', async (t) => {
  const url = `/api/customers/${encodeURIComponent(KEY)}/erase`;
  t.equal((await api(app, null, 'POST', url, { businessId: shop.businessId, confirm: 'yes' })).statusCode, 401, 'signed out');
  t.equal((await api(app, other, 'POST', url, { businessId: shop.businessId, confirm: 'yes' })).statusCode, 404, "another tenant's business: 404");
  t.equal((await api(app, other, 'POST', `/customers/${encodeURIComponent(KEY)}/erase`, { businessId: shop.businessId, confirm: 'yes' })).statusCode, 404);
  t.equal((await app.inject({ method: 'GET', url: `/customers/${encodeURIComponent(KEY)}/erase?businessId=${shop.businessId}`, headers: { cookie: other.cookie } })).statusCode, 404);
  t.equal((await api(app, owner, 'POST', `/api/customers/${encodeURIComponent('+2340000000000')}/erase`, { businessId: shop.businessId, confirm: 'yes' })).statusCode, 404, 'no such customer');
  const unconfirmed = await api(app, owner, 'POST', url, { businessId: shop.businessId });
  t.equal(unconfirmed.statusCode, 400, 'no confirmation: 400');
  t.match(unconfirmed.json().message, /confirm/);
  const page = await app.inject({ method: 'GET', url: `/customers/${encodeURIComponent(KEY)}`, headers: { cookie: owner.cookie } });
  t.ok(page.body.includes(`/customers/${encodeURIComponent(KEY)}/erase?businessId=${shop.businessId}`), 'the customer page links to the erasure');
  const confirm = await app.inject({ method: 'GET', url: `/customers/${encodeURIComponent(KEY)}/erase?businessId=${shop.businessId}`, headers: { cookie: owner.cookie } });
  t.equal(confirm.statusCode, 200);
  t.match(confirm.body, /cannot be undone/);
  t.match(confirm.body, /name="confirm" value="yes" required/);
  t.equal((await money()).length, 3, 'nothing was erased by the refusals');
  t.ok(found(await tableText('customers', sql.fragment`business_id = ${shop.businessId}`)).length > 0);
});

t.test('the owner erases the customer', async (t) => {
  const r = await api(app, owner, 'POST', `/api/customers/${encodeURIComponent(KEY)}/erase`, { businessId: shop.businessId, confirm: 'yes' });
  t.equal(r.statusCode, 200, r.body);
  t.match(r.json().erasure, { businessId: shop.businessId, orders: 2 });
  t.ok(r.json().erasure.messages >= 3, 'their messages: two orders and a question');
  await settle();

  t.same(await leaks(), [], 'no name, phone, address, message text or note of the customer anywhere');
  t.same((await api(app, owner, 'GET', '/orders?q=zainab')).json().orders, [], 'a search by the name finds nothing');
  t.same(await money(), before.money, 'order totals, items and statuses stay');
  t.equal(await sales(), before.sales, 'daily sales and product sales stay');

  const list = (await api(app, owner, 'GET', `/customers?businessId=${shop.businessId}`)).json().customers as Array<{ key: string; name: string | null; phone: string | null; orderCount: number }>;
  t.equal(list.length, 2, 'the erased customer stays counted, under a pseudonym');
  const tunde = list.find((c) => c.key === TUNDE.phone);
  t.match(tunde, { name: 'Tunde Bakare', phone: TUNDE.phone, orderCount: 1 }, 'the other customer is intact');
  const anon = list.find((c) => c.key !== TUNDE.phone);
  t.match(anon, { name: /^\[erased [0-9a-f]{8}\]$/, phone: null, orderCount: 2 });
  const tOrderPage = await app.inject({ method: 'GET', url: `/orders/${tOrder}`, headers: { cookie: owner.cookie } });
  t.match(tOrderPage.body, /22 Okoro Street/, "the other customer's address stays");
  t.equal((await api(app, owner, 'GET', `/customers/${encodeURIComponent(KEY)}?businessId=${shop.businessId}`)).statusCode, 404, 'the key no longer opens a customer');

  // The other business's copy of the same buyer is theirs, untouched.
  const otherList = (await api(app, other, 'GET', '/customers')).json().customers;
  t.match(otherList, [{ key: KEY, name: 'Zainab Quadri' }]);

  // Recorded: who, when, which customer (a hash), visible in the audit timeline.
  const audit = (await api(app, admin, 'GET', `/admin/events?type=CustomerErased`)).json().events as Array<{ data: Record<string, unknown>; metadata: { actor: string; occurredAt: string; tenantId: string } }>;
  t.equal(audit.length, 1);
  t.match(audit[0], { data: { businessId: shop.businessId, customerRef: /^[0-9a-f-]{36}$/, by: owner.id, part: 1 }, metadata: { actor: owner.id, tenantId: shop.businessId } });
  t.notOk(JSON.stringify(audit).includes('8031112222'), 'the erasure event does not carry the phone');
  const byOldActor = (await api(app, admin, 'GET', `/admin/events?actor=${encodeURIComponent(ZAINAB.id)}&tenantId=${shop.businessId}`)).json().events;
  t.same(byOldActor, [], 'the old WhatsApp id finds none of their events');
  const events = await app.inject({ method: 'GET', url: '/admin/events?type=CustomerErased', headers: { cookie: admin.cookie } });
  t.match(events.body, /CustomerErased/);
});

t.test('a rebuild of every read model from the log gives the same rows and still shows nothing', async (t) => {
  const snapshot = async () => {
    const out: Record<string, string> = {};
    for (const table of READ_MODELS) out[table] = await tableText(table);
    return out;
  };
  const live = await snapshot();
  for (const p of projections) await rebuildProjection(rt, p);
  await settle();
  const rebuilt = await snapshot();
  for (const table of READ_MODELS) t.equal(rebuilt[table], live[table], `${table}: the rebuild equals the live read model`);
  t.same(await leaks(), [], 'still nothing after the rebuild');
  t.same(await money(), before.money);
  t.equal(await sales(), before.sales);
});

t.test('a new message from the same phone starts a fresh customer', async (t) => {
  await receive(rt.store, from(shop, 'sales', ZAINAB, 'Name: Zainab Quadri\nPhone: 0803 111 2222\n1x Plantain\ndeliver to 7 Marula Crescent, Lekki', 'wamid.z3'));
  await settle();
  const c = (await api(app, owner, 'GET', `/customers/${encodeURIComponent(KEY)}?businessId=${shop.businessId}`)).json().customer;
  t.match(c, { key: KEY, name: 'Zainab Quadri', orderCount: 1, repeat: false }, 'one order: the new one');
  t.equal(c.orders.length, 1);
  t.equal(c.orders[0].id, orderIdForMessage(shop.businessId, 'wamid.z3'));
  t.equal(c.businesses[0].note, '', 'the old note is gone');
  const old = await app.inject({ method: 'GET', url: `/orders/${zOrders[0]}`, headers: { cookie: owner.cookie } });
  t.same(found(old.body), [], 'the erased orders stay erased');
});
