// Numbers out of the read models' range are refused where they enter (issue 17 §1): a WhatsApp
// message becomes MessageIgnored with the reason, a web request answers 400 naming the field, the
// store refuses such an event, and no projection stops for anyone else.
import t from 'tap';
import { randomUUID } from 'node:crypto';
import { sql } from 'slonik';
import { z } from 'zod';
import { api, placeOrder, register, webEnv } from '../web/harness.ts';
import { startIntakeReactor } from '../../src/reactors/intake.ts';
import { validateEvent } from '../../src/events/catalog.ts';
import { createShop, message, receive } from './fixtures.ts';

const env = await webEnv();
const { rt, app } = env;
const stopIntake = await startIntakeReactor(rt, { pollMs: 100, standbyMs: 100, parserThreads: 0 });
t.teardown(async () => {
  await stopIntake();
  await env.close();
});

async function until<T>(what: string, fn: () => Promise<T | null | undefined>, ms = 15_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== null && v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const ordersOf = (businessId: string) =>
  rt.pool.anyFirst(sql.type(z.object({ id: z.string() }))`select id from orders where business_id = ${businessId}`);
const outcome = (businessId: string, messageId: string) =>
  rt.pool.maybeOne(sql.type(z.object({ outcome: z.string().nullable(), outcome_reason: z.string().nullable() }))`
    select outcome, outcome_reason from messages where business_id = ${businessId} and message_id = ${messageId} and outcome is not null`);

t.test('an absurd unit price in a sales group is ignored with a reason; other merchants keep getting orders', async (t) => {
  const greedy = await createShop(rt.store);
  const other = await createShop(rt.store);
  const absurd = message(greedy, 'sales', 'Name: Ada Obi\nPhone: 0803 123 4567\n3 suya @ ₦5,000,000,000,000 each\ndeliver to 12 Allen Avenue, Ikeja', { id: 'wamid.absurd' });
  await receive(rt.store, absurd);
  await receive(rt.store, message(other, 'sales', 'Name: Chidi\nPhone: 0803 555 0101\n2x Jollof Rice\ndeliver to 14 Admiralty Way', { id: 'wamid.after' }));
  const ignored = await until('the absurd message outcome', () => outcome(greedy.businessId, 'wamid.absurd'));
  t.equal(ignored.outcome, 'ignored');
  t.match(ignored.outcome_reason, /unitPrice|price|total/i, 'the reason names the amount');
  t.match(ignored.outcome_reason, /at most/);
  const theirs = await until('the other merchant’s order', async () => ((await ordersOf(other.businessId)).length === 1 ? true : null));
  t.ok(theirs, 'the other merchant’s order is in the read model');
  t.same(await ordersOf(greedy.businessId), [], 'nothing was placed for the absurd message');
});

t.test('every writer’s check (the event catalog) refuses numbers the read models cannot hold', async (t) => {
  const shop = await createShop(rt.store);
  const catalog = validateEvent('CatalogSet', { businessId: shop.businessId, products: [{ sku: 'X', name: 'Gold', price: 1e13, aliases: [] }] });
  t.notOk(catalog.ok);
  t.match(!catalog.ok && catalog.error, /products\.0\.price: must be at most 999,999,999,999\.99/);
  const sent = validateEvent('MessageSent', {
    outboxId: randomUUID(), businessId: shop.businessId, sessionId: shop.sessionId, chatId: shop.sales.chatId, text: 'hi', whatsappMessageId: 'w1',
    inReplyTo: null, orderId: randomUUID(), kind: 'confirmation', sentAt: new Date().toISOString(), responseMs: 2 ** 31 + 5,
  });
  t.notOk(sent.ok);
  t.match(!sent.ok && sent.error, /responseMs/);
});

t.test('web: a catalog price of 1e13 and an item quantity of 1e10 answer 400 naming the field', async (t) => {
  const alice = await register(app, 'boundsalice');
  const created = await api(app, alice, 'POST', '/business', { name: 'Mama Put', country: 'NG' });
  t.equal(created.statusCode, 201, created.body);
  const businessId = created.json().business.id as string;
  const res = await api(app, alice, 'PUT', `/business/${businessId}/catalog`, { products: [{ sku: 'G', name: 'Gold suya', price: 1e13 }] });
  t.equal(res.statusCode, 400, res.body);
  t.match(res.body, /price/);
  const ok = await api(app, alice, 'PUT', `/business/${businessId}/catalog`, { products: [{ sku: 'S', name: 'Suya', price: 1500 }] });
  t.equal(ok.statusCode, 200, 'the businesses projection still follows');

  const g = await api(app, alice, 'POST', '/groups', { name: 'Sales', groupType: 'sales', businessId, whatsappId: `${randomUUID()}@g.us` });
  t.equal(g.statusCode, 201, g.body);
  const groupId = g.json().group.id as string;
  const orderId = await placeOrder(rt, { businessId, groupId });
  const put = await api(app, alice, 'PUT', `/orders/${orderId}`, { items: [{ name: 'Suya', sku: 'S', quantity: 1e10, unitPrice: 1 }] });
  t.equal(put.statusCode, 400, put.body);
  t.match(put.body, /quantity/);
  const huge = await api(app, alice, 'PUT', `/orders/${orderId}`, { items: [{ name: 'Suya', sku: 'S', quantity: 900_000, unitPrice: 900_000_000 }] });
  t.equal(huge.statusCode, 400, 'a total the read model cannot hold is refused too');
  t.match(huge.body, /total/i);
  await placeOrder(rt, { businessId, groupId }); // throws if the orders projection stopped
  t.pass('a later order is still projected');
});
