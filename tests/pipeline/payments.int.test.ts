// Payment proofs through the running pipeline: a customer's "sent the money" attaches to their
// open order as a proof (never items, never a new order); a sender with no open order is handled
// as before. Charges and payments reach the read models and analytics; a manual order is counted
// like a WhatsApp one; receipts and manual confirmations go out through the notifier's outbox.
import t from 'tap';
import { sql } from 'slonik';
import { z } from 'zod';
import { runningPipeline } from './running.ts';
import { createShop, message, receive } from './fixtures.ts';
import { handlePaymentCommand } from '../../src/payments/handle.ts';
import { placeManualOrder } from '../../src/orders/manual.ts';
import { newId } from '../../src/shared/ids.ts';
import { dashboardKpis } from '../../web/lib/queries.ts';
import type { NewEvent } from '../../src/eventstore/types.ts';
import { handleCommand } from '../../src/shared/command-handler.ts';
import { decideOrder } from '../../src/orders/commands.ts';
import { evolveOrder, initialOrderState, orderStreamId } from '../../src/orders/order.ts';

const { rt, settle } = await runningPipeline(t);
const shop = await createShop(rt.store);
const scope = { all: false as const, businessIds: [shop.businessId] };

const orders = () =>
  rt.pool.any(sql.type(z.object({ id: z.string(), number: z.number(), items: z.array(z.any()), total_amount: z.coerce.number().nullable(), payment_status: z.string(), channel: z.string() }))`
    select id, number, items, total_amount, payment_status, channel from orders where business_id = ${shop.businessId} order by number`);
const proofs = (orderId: string) =>
  rt.pool.any(sql.type(z.object({ message_id: z.string(), text: z.string(), reference: z.string().nullable(), method: z.string().nullable(), has_media: z.boolean(), confirmed_at: z.coerce.date().nullable() }))`
    select message_id, text, reference, method, has_media, confirmed_at from payment_proofs where order_id = ${orderId} order by received_at`);
const outcome = (messageId: string) =>
  rt.pool.maybeOne(sql.type(z.object({ outcome: z.string().nullable(), order_id: z.string().nullable() }))`
    select outcome, order_id from messages where business_id = ${shop.businessId} and message_id = ${messageId}`);
const outbox = (orderId: string) =>
  rt.pool.any(sql.type(z.object({ kind: z.string(), text: z.string(), in_reply_to: z.string().nullable(), recipient: z.string() }))`
    select kind, text, in_reply_to, recipient from whatsapp_outbox where order_id = ${orderId} order by created_at`);
const until = async (what: string, fn: () => Promise<boolean>) => {
  for (let i = 0; i < 100; i++) {
    if (await fn()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
};
const asOther = (e: NewEvent, sender: { id: string; name: string; phone: string | null }): NewEvent => ({ ...e, data: { ...(e.data as object), sender } });
const asMedia = (e: NewEvent): NewEvent => ({ ...e, data: { ...(e.data as object), kind: 'media' } });

await receive(rt.store, message(shop, 'sales', 'Name: Ada Obi\nPhone: 0803 123 4567\n2x Jollof Rice\ndeliver to 12 Allen Avenue, Ikeja'));
await settle();
const [order] = await orders();
if (!order) throw new Error('the order was not placed');

t.test('a payment note attaches to the sender’s open order as a proof, not as items or an order', async (t) => {
  const note = message(shop, 'sales', 'sent the money, ref TRX-88231');
  await receive(rt.store, note);
  const picture = asMedia(message(shop, 'sales', 'paid via mpesa QX12AB34CD'));
  await receive(rt.store, picture);
  await settle();
  const after = await orders();
  t.equal(after.length, 1, 'no new order');
  t.same(after[0]!.items, order.items, 'the items are unchanged');
  const p = await proofs(order.id);
  t.equal(p.length, 2);
  t.match(p[0], { text: 'sent the money, ref TRX-88231', reference: 'TRX-88231', has_media: false, confirmed_at: null });
  t.match(p[1], { reference: 'QX12AB34CD', method: 'mobile_money', has_media: true });
  t.match(await outcome((note.data as { messageId: string }).messageId), { outcome: 'payment', order_id: order.id });
  const parsed = (await rt.store.readStream(`chat-${shop.sales.groupId}`)).filter((e) => e.type === 'OrderParsed' && (e.data as { messageId: string }).messageId === (note.data as { messageId: string }).messageId);
  t.equal(parsed.length, 0, 'the note was never parsed as an order');
});

t.test('a sender with no open order: as today (parsed, ignored), no proof anywhere', async (t) => {
  const stranger = asOther(message(shop, 'sales', 'sent the money, ref ZZ-1234'), { id: '2348099999999@c.us', name: 'Bola', phone: '+2348099999999' });
  await receive(rt.store, stranger);
  await settle();
  t.equal((await orders()).length, 1);
  t.equal((await proofs(order.id)).length, 2);
  t.match(await outcome((stranger.data as { messageId: string }).messageId), { outcome: 'ignored' });
});

t.test('confirming a proof marks the order paid; later notes are not attached to a paid order', async (t) => {
  const [first] = await proofs(order.id);
  await handlePaymentCommand(rt.store, {
    type: 'RecordPayment', data: { orderId: order.id, businessId: shop.businessId, method: 'transfer', reference: 'TRX-88231', proofMessageId: first!.message_id },
    actor: 'merchant-user', correlationId: newId(),
  });
  const late = message(shop, 'sales', 'I have paid');
  await receive(rt.store, late);
  await settle();
  t.equal((await orders())[0]!.payment_status, 'paid');
  const p = await proofs(order.id);
  t.equal(p.length, 2, 'not attached');
  t.ok(p[0]!.confirmed_at, 'the confirmed proof is marked');
  t.not((await outcome((late.data as { messageId: string }).messageId))?.outcome, 'payment');
  const a = await rt.pool.one(sql.type(z.object({ payment_status: z.string(), payment_method: z.string(), paid_at: z.coerce.date().nullable() }))`
    select payment_status, payment_method, paid_at from analytics.orders where order_id = ${order.id}`);
  t.match(a, { payment_status: 'paid', payment_method: 'transfer' });
  t.ok(a.paid_at);
});

t.test('a manual order is counted on the dashboard and in analytics like a WhatsApp one', async (t) => {
  const before = await dashboardKpis(rt, scope);
  const manualId = newId();
  await placeManualOrder(rt.store, {
    orderId: manualId, businessId: shop.businessId, groupId: shop.sales.groupId,
    customer: { name: 'Tunde Bakare', phone: '+2348035550199', address: '3 Marina' },
    items: [{ name: 'Jollof Rice', sku: 'JR', quantity: 1, unitPrice: 2500 }], currency: 'NGN', deliveryNotes: null,
    deliveryFee: 1000, discount: 500, notifyCustomer: false, actor: 'merchant-user', correlationId: newId(),
  });
  const silentId = manualId;
  const loudId = newId();
  await placeManualOrder(rt.store, {
    orderId: loudId, businessId: shop.businessId, groupId: shop.sales.groupId, customer: { name: 'Kemi', phone: '+2348035550177', address: null },
    items: [{ name: 'Chicken', sku: 'CH', quantity: 2, unitPrice: 2000 }], currency: 'NGN', deliveryNotes: null,
    deliveryFee: 0, discount: 0, notifyCustomer: true, actor: 'merchant-user', correlationId: newId(),
  });
  await settle();
  const all = await orders();
  t.match(all.find((o) => o.id === manualId), { channel: 'manual', total_amount: 3000 }, 'items + fee − discount');
  const after = await dashboardKpis(rt, scope);
  t.equal(after.ordersToday - before.ordersToday, 2, 'both manual orders (placed now) count in today’s orders on the dashboard');
  const a = await rt.pool.one(sql.type(z.object({ n: z.coerce.number(), revenue: z.coerce.number() }))`
    select count(*) as n, coalesce(sum(total_amount), 0) as revenue from analytics.orders where business_id = ${shop.businessId} and channel = 'manual'`);
  t.same(a, { n: 2, revenue: 7000 });
  const daily = await rt.pool.one(sql.type(z.object({ orders: z.coerce.number(), revenue: z.coerce.number() }))`
    select coalesce(sum(orders), 0) as orders, coalesce(sum(revenue), 0) as revenue from analytics.daily_revenue where business_id = ${shop.businessId}`);
  t.same(daily, { orders: 3, revenue: 5000 + 3000 + 4000 }, 'the WhatsApp order and both manual ones, at their totals');
  t.equal(after.averageOrderValue, 4000, 'the dashboard average equals the analysts’ one');
  const customers = await rt.pool.anyFirst(sql.type(z.object({ name: z.string().nullable() }))`select name from analytics.customers where business_id = ${shop.businessId} order by name`);
  t.ok(customers.includes('Tunde Bakare') && customers.includes('Kemi'), 'manual customers are customers');
  await until('the manual confirmation', async () => (await outbox(loudId)).length === 1);
  t.match((await outbox(loudId))[0], { kind: 'confirmation', in_reply_to: null, recipient: '+2348035550177' });
  t.equal((await outbox(silentId)).length, 0, 'no confirmation unless asked for');
  for (const id of [silentId, loudId]) {
    await handleCommand({
      store: rt.store, streamId: orderStreamId(id), evolve: evolveOrder, initialState: initialOrderState, decide: decideOrder,
      command: { type: 'ChangeStatus', data: { orderId: id, businessId: shop.businessId, to: 'confirmed', reason: null, source: 'dashboard', messageId: null }, metadata: { now: new Date(), actor: 'merchant-user' } },
      metadata: { tenantId: shop.businessId, actor: 'merchant-user', correlationId: newId(), causationId: null, occurredAt: new Date().toISOString() },
    });
  }
  await until('the status message of the notified manual order', async () => (await outbox(loudId)).length === 2);
  t.equal((await outbox(silentId)).length, 0, 'nor status messages');
});

t.test('charges change the total everywhere, and the receipt goes out as text', async (t) => {
  await handlePaymentCommand(rt.store, { type: 'RefundPayment', data: { orderId: order.id, businessId: shop.businessId }, actor: 'merchant-user', correlationId: newId() });
  await handlePaymentCommand(rt.store, {
    type: 'SetOrderCharges', data: { orderId: order.id, businessId: shop.businessId, deliveryFee: 1500, discount: 250 }, actor: 'merchant-user', correlationId: newId(),
  });
  await handlePaymentCommand(rt.store, { type: 'RequestReceipt', data: { orderId: order.id, businessId: shop.businessId }, actor: 'merchant-user', correlationId: newId() });
  await settle();
  const o = (await orders()).find((x) => x.id === order.id)!;
  t.equal(o.total_amount, 5000 + 1500 - 250);
  t.equal(o.payment_status, 'refunded');
  const daily = await rt.pool.oneFirst(sql.type(z.object({ revenue: z.coerce.number() }))`
    select coalesce(sum(revenue), 0) as revenue from analytics.daily_revenue where business_id = ${shop.businessId}`);
  t.equal(daily, 6250 + 3000 + 4000);
  await until('the receipt', async () => (await outbox(order.id)).some((r) => r.text.includes('Receipt')));
  const receipt = (await outbox(order.id)).find((r) => r.text.includes('Receipt'))!;
  t.match(receipt.text, /Order #1001/);
  t.match(receipt.text, /2 x Jollof Rice/);
  t.match(receipt.text, /Delivery: ₦1,500\.00/);
  t.match(receipt.text, /Discount: -₦250\.00/);
  t.match(receipt.text, /Total: ₦6,250\.00/);
  t.match(receipt.text, /Payment: refunded, bank transfer, ref TRX-88231/);
  t.equal(receipt.in_reply_to, null);
});

t.test('a cancelled order takes no proof', async (t) => {
  await receive(rt.store, message(shop, 'sales', 'Name: Ada Obi\n1 Plantain\ndeliver to 12 Allen Avenue'));
  await settle();
  const second = (await orders()).find((o) => o.number === 1004);
  if (!second) throw new Error('no second WhatsApp order');
  await receive(rt.store, message(shop, 'sales', 'cancel my order'));
  await settle();
  const note = message(shop, 'sales', 'te envío el comprobante');
  await receive(rt.store, note);
  await settle();
  t.equal((await proofs(second.id)).length, 0);
  // The first order (refunded, not cancelled) is the sender's open order that still takes a proof.
  t.match(await outcome((note.data as { messageId: string }).messageId), { outcome: 'payment', order_id: order.id });
});
