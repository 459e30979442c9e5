// A customer edits or deletes their order message on WhatsApp: the session records MessageEdited /
// MessageRevoked on the chat stream (appended directly here), and a still-pending order follows:
// an edit re-parses it and updates the order, a deletion cancels it with the customer as actor.
// An order the merchant already took further keeps what was agreed.
import t from 'tap';
import { sql } from 'slonik';
import { z } from 'zod';
import type { NoviEventData } from '../../src/events/catalog.ts';
import { runningPipeline } from './running.ts';
import { createShop, ev, message, receive, tick, type Shop } from './fixtures.ts';

const { rt, settle } = await runningPipeline(t);
const orderRow = z.object({ id: z.string(), status: z.string(), total_amount: z.coerce.number().nullable(), items: z.array(z.any()) });
const orderOf = async (businessId: string, messageId: string) =>
  rt.pool.maybeOne(sql.type(orderRow)`select o.id, o.status, o.total_amount, o.items from orders o
    join messages m on m.order_id = o.id where m.business_id = ${businessId} and m.message_id = ${messageId}`);

const SENDER = '2348031234567@c.us';
function edited(shop: Shop, messageId: string, text: string) {
  const data: NoviEventData<'MessageEdited'> = {
    messageId, businessId: shop.businessId, groupId: shop.sales.groupId, chatId: shop.sales.chatId, sessionId: shop.sessionId,
    senderId: SENDER, text, editedAt: tick(0),
  };
  return ev('MessageEdited', data, shop.businessId, SENDER);
}
function revoked(shop: Shop, messageId: string) {
  const data: NoviEventData<'MessageRevoked'> = {
    messageId, businessId: shop.businessId, groupId: shop.sales.groupId, chatId: shop.sales.chatId, sessionId: shop.sessionId,
    senderId: SENDER, revokedAt: tick(0),
  };
  return ev('MessageRevoked', data, shop.businessId, SENDER);
}

const shop = await createShop(rt.store);
const text = 'Name: Chidi Okafor\nPhone: 0803 555 0101\nAddress: 14 Admiralty Way, Lekki\n2x Jollof Rice';

t.test('an edited pending order is re-parsed and updated', async (t) => {
  await receive(rt.store, message(shop, 'sales', text, { id: 'wamid.edit.1' }));
  await settle();
  t.equal((await orderOf(shop.businessId, 'wamid.edit.1'))?.total_amount, 5000);
  await receive(rt.store, edited(shop, 'wamid.edit.1', text.replace('2x Jollof Rice', '3x Jollof Rice\n1 Chicken')));
  await settle();
  const o = (await orderOf(shop.businessId, 'wamid.edit.1'))!;
  t.equal(o.total_amount, 9500, 'new total');
  t.same(o.items.map((i: { sku: string; quantity: number }) => [i.sku, i.quantity]), [['JR', 3], ['CH', 1]]);
  const updates = (await rt.store.readStream(`order-${o.id}`)).filter((e) => e.type === 'OrderUpdated');
  t.equal(updates.length, 1);
  t.equal(updates[0]!.metadata.actor, SENDER, 'the customer changed it');
  const told = await waitForReply(o.id, /9,?500/);
  t.match(told, /#\d+/, `the customer is told the new total: ${told}`);
});

async function waitForReply(orderId: string, pattern: RegExp): Promise<string> {
  for (let i = 0; i < 100; i++) {
    const texts = await rt.pool.anyFirst(sql.type(z.object({ text: z.string() }))`select text from whatsapp_outbox where order_id = ${orderId}`);
    const hit = texts.find((x) => pattern.test(x));
    if (hit) return hit;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no reply matching ${pattern}`);
}

t.test('a deleted pending order is cancelled, with the customer as actor', async (t) => {
  await receive(rt.store, message(shop, 'sales', text, { id: 'wamid.revoke.1' }));
  await settle();
  await receive(rt.store, revoked(shop, 'wamid.revoke.1'));
  await settle();
  const o = (await orderOf(shop.businessId, 'wamid.revoke.1'))!;
  t.equal(o.status, 'cancelled');
  const change = (await rt.store.readStream(`order-${o.id}`)).find((e) => e.type === 'StatusChanged')!;
  t.equal(change.metadata.actor, SENDER);
  t.match(change.data, { to: 'cancelled', source: 'whatsapp' });
});

t.test('an order the merchant confirmed keeps what was agreed', async (t) => {
  await receive(rt.store, message(shop, 'sales', text, { id: 'wamid.late.1' }));
  await settle();
  const o = (await orderOf(shop.businessId, 'wamid.late.1'))!;
  await rt.store.append(`order-${o.id}`, [
    ev('StatusChanged', { orderId: o.id, businessId: shop.businessId, from: 'pending', to: 'confirmed', reason: null, source: 'dashboard', messageId: null }, shop.businessId, 'merchant'),
  ]);
  await receive(rt.store, edited(shop, 'wamid.late.1', text.replace('2x', '9x')));
  await receive(rt.store, revoked(shop, 'wamid.late.1'));
  await settle();
  const after = (await orderOf(shop.businessId, 'wamid.late.1'))!;
  t.equal(after.status, 'confirmed');
  t.equal(after.total_amount, 5000);
});

t.test('edits and deletions of messages that placed no order change nothing', async (t) => {
  await receive(rt.store, message(shop, 'sales', 'good morning all', { id: 'wamid.chat.1' }));
  await settle();
  await receive(rt.store, edited(shop, 'wamid.chat.1', 'good morning everyone'));
  await receive(rt.store, revoked(shop, 'wamid.chat.1'));
  await settle();
  t.equal(await orderOf(shop.businessId, 'wamid.chat.1'), null);
});
