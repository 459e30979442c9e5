// Who may change an order by WhatsApp (issue 17 §2), through the intake reactor, the notifier and
// the projector on real PostgreSQL: status messages count only from a delivery or admin group (and
// from its listed riders), a customer in a sales group cancels only their own open order, and every
// refusal is in the merchant's message log with its reason.
import t from 'tap';
import { sql } from 'slonik';
import { z } from 'zod';
import type { NewEvent } from '../../src/eventstore/types.ts';
import { runningPipeline } from './running.ts';
import { createShop, ev, message, receive, type Shop } from './fixtures.ts';
import { randomUUID } from 'node:crypto';
import { waitFor } from '../whatsapp/helpers.ts';

const { rt, settle } = await runningPipeline(t);

const ADA = { id: '2348031234567@c.us', name: 'Ada', phone: '+2348031234567' };
const BOLA = { id: '2348039999999@c.us', name: 'Bola', phone: '+2348039999999' };
const RIDER = { id: '2348090000001@c.us', name: 'Rider Musa', phone: '+2348090000001' };
/** A WhatsApp account whose number WhatsApp does not reveal (a `@lid` sender). */
const HIDDEN = { id: '86123456789@lid', name: 'Ada', phone: null };
type Sender = { id: string; name: string | null; phone: string | null };

let n = 0;
function from(sender: Sender, shop: Shop, group: 'sales' | 'delivery', text: string, groupOverride?: { groupId: string; chatId: string }): NewEvent & { messageId: string } {
  const messageId = `wamid.auth.${++n}`;
  const e = message(shop, group, text, { id: messageId, ...(groupOverride ?? {}) });
  return { ...e, data: { ...(e.data as object), sender }, metadata: { ...e.metadata, actor: sender.id }, messageId };
}
async function say(sender: Sender, shop: Shop, group: 'sales' | 'delivery', text: string, groupOverride?: { groupId: string; chatId: string }) {
  const e = from(sender, shop, group, text, groupOverride);
  await receive(rt.store, e);
  return e.messageId;
}

const statusOf = (businessId: string, number: number) =>
  rt.pool.oneFirst(sql.type(z.object({ status: z.string() }))`select status from orders where business_id = ${businessId} and number = ${number}`);
const outcome = (businessId: string, messageId: string) =>
  rt.pool.maybeOne(sql.type(z.object({ outcome: z.string().nullable(), outcome_reason: z.string().nullable() }))`
    select outcome, outcome_reason from messages where business_id = ${businessId} and message_id = ${messageId}`);
const repliesTo = (businessId: string) =>
  rt.pool.anyFirst(sql.type(z.object({ text: z.string() }))`select text from whatsapp_outbox where business_id = ${businessId} order by created_at, text`);
/** The notifier runs beside the projector: wait (bounded) for a reply to be queued. */
const replied = (businessId: string, re: RegExp) =>
  waitFor(`a reply like ${re}`, async () => (await repliesTo(businessId)).some((r) => re.test(r)), 10_000).then(() => true, () => false);

const orderText = (name: string) => `Name: ${name}\nPhone: 0803 123 4567\nAddress: 14 Admiralty Way, Lekki\n2x Jollof Rice`;

t.test('anyone in a sales group could cancel someone else\'s order; now only its customer can', async (t) => {
  const shop = await createShop(rt.store);
  await say(ADA, shop, 'sales', orderText('Ada Obi'));
  await settle();
  t.equal(await statusOf(shop.businessId, 1001), 'pending');

  // Asking is not cancelling (the parser reads a "cancelled" status in both).
  const question = await say(ADA, shop, 'sales', 'is my order cancelled?');
  const complaint = await say(ADA, shop, 'sales', 'why did you cancel my order');
  await settle();
  t.equal(await statusOf(shop.businessId, 1001), 'pending', 'a question cancels nothing');
  t.match(await outcome(shop.businessId, question), { outcome: 'ignored', outcome_reason: /not a cancellation request/ });
  t.match(await outcome(shop.businessId, complaint), { outcome: 'ignored', outcome_reason: /not a cancellation request/ });

  const stranger = await say(BOLA, shop, 'sales', '#1001 cancelled');
  const strangerDelivered = await say(BOLA, shop, 'sales', '#1001 delivered');
  await settle();
  t.equal(await statusOf(shop.businessId, 1001), 'pending', "a stranger's cancel leaves the order as it was");
  t.match(await outcome(shop.businessId, stranger), { outcome: 'ignored', outcome_reason: 'only the customer who placed #1001 can cancel it' });
  t.match(await outcome(shop.businessId, strangerDelivered), { outcome: 'ignored', outcome_reason: /status updates are only accepted from the delivery group/ });

  const own = await say(ADA, shop, 'sales', '#1001 cancelled');
  await settle();
  t.equal(await statusOf(shop.businessId, 1001), 'cancelled', 'the customer who placed it can');
  t.match(await outcome(shop.businessId, own), { outcome: 'status', outcome_reason: 'pending → cancelled' });
  t.ok(await replied(shop.businessId, /only the customer who placed order #1001/), 'the stranger is told why');
  t.ok(await replied(shop.businessId, /^Order #1001 has been cancelled\.$/), 'the customer is told the order is cancelled');
});

t.test('"cancel my order" in en, es and pt, with or without the number', async (t) => {
  const shop = await createShop(rt.store);
  for (let i = 0; i < 4; i++) await say(ADA, shop, 'sales', orderText('Ada Obi')); // #1001 … #1004
  await say(BOLA, shop, 'sales', 'Name: Bola\nPhone: 0803 999 9999\nAddress: 3 Allen Avenue\n1 Chicken'); // #1005
  await settle();

  // Without a number: Ada's latest open order in this chat (#1004), not Bola's later one.
  const en = await say(ADA, shop, 'sales', 'cancel my order');
  await settle();
  t.equal(await statusOf(shop.businessId, 1004), 'cancelled');
  t.equal(await statusOf(shop.businessId, 1005), 'pending');
  t.match(await outcome(shop.businessId, en), { outcome: 'status' });

  const es = await say(ADA, shop, 'sales', 'Cancela mi pedido, por favor');
  await settle();
  t.equal(await statusOf(shop.businessId, 1003), 'cancelled', 'es: the next latest open one');

  const pt = await say(ADA, shop, 'sales', 'cancela o meu pedido #1001');
  await settle();
  t.equal(await statusOf(shop.businessId, 1001), 'cancelled', 'pt, with the number');
  t.equal(await statusOf(shop.businessId, 1002), 'pending');
  t.match(await outcome(shop.businessId, es), { outcome: 'status' });
  t.match(await outcome(shop.businessId, pt), { outcome: 'status' });

  // The same WhatsApp account is recognised by its sender id even without a phone number.
  const hidden = await say({ ...HIDDEN, id: ADA.id }, shop, 'sales', 'cancel order 1002 please');
  await settle();
  t.equal(await statusOf(shop.businessId, 1002), 'cancelled');
  t.match(await outcome(shop.businessId, hidden), { outcome: 'status' });

  const nothingLeft = await say(ADA, shop, 'sales', 'cancela o meu pedido');
  const notHers = await say(ADA, shop, 'sales', 'cancela mi pedido 1005');
  const unknown = await say(ADA, shop, 'sales', 'cancel my order #4242');
  await settle();
  t.match(await outcome(shop.businessId, nothingLeft), { outcome: 'ignored', outcome_reason: /no pending or confirmed order of this customer/ });
  t.match(await outcome(shop.businessId, notHers), { outcome: 'ignored', outcome_reason: 'only the customer who placed #1005 can cancel it' });
  t.match(await outcome(shop.businessId, unknown), { outcome: 'ignored', outcome_reason: 'no order #4242 in this business' });
  t.equal(await statusOf(shop.businessId, 1005), 'pending');
  t.ok(await replied(shop.businessId, /Não encontramos nenhum pedido seu em aberto/), 'answered in Portuguese: nothing open');
  t.ok(await replied(shop.businessId, /Solo quien hizo el pedido #1005 puede cancelarlo/), 'answered in Spanish: not yours');
  t.ok(await replied(shop.businessId, /We could not find order #4242/), 'answered in English: no such order');
});

t.test('an order already being prepared cannot be cancelled from the chat; final statuses say so', async (t) => {
  const shop = await createShop(rt.store);
  await say(ADA, shop, 'sales', orderText('Ada Obi')); // #1001
  await say(ADA, shop, 'sales', orderText('Ada Obi')); // #1002
  await settle();
  await say(RIDER, shop, 'delivery', '#1001 processing');
  await say(RIDER, shop, 'delivery', '#1002 delivered');
  await settle();
  const late = await say(ADA, shop, 'sales', 'cancel my order #1001');
  const delivered = await say(ADA, shop, 'sales', '#1002 cancelled');
  await settle();
  t.equal(await statusOf(shop.businessId, 1001), 'processing');
  t.match(await outcome(shop.businessId, late), { outcome: 'ignored', outcome_reason: /^#1001 is already processing/ });
  t.match(await outcome(shop.businessId, delivered), { outcome: 'ignored', outcome_reason: /^#1002 is already delivered/ });
  t.ok(await replied(shop.businessId, /#1001 is already processing and can no longer be cancelled here/), 'the customer is told why');
});

t.test('admin groups may move orders; delivery groups with listed riders only from them', async (t) => {
  const shop = await createShop(rt.store);
  const admin = { groupId: randomUUID(), chatId: `${randomUUID()}@g.us` };
  await rt.store.append(`group-${admin.groupId}`, [
    ev('GroupLinked', { groupId: admin.groupId, businessId: shop.businessId, name: 'Staff', description: null, groupType: 'admin', whatsappId: admin.chatId }, shop.businessId),
  ]);
  await say(ADA, shop, 'sales', orderText('Ada Obi')); // #1001
  await settle();
  const fromAdmin = await say(BOLA, shop, 'sales', '#1001 confirmed', admin);
  const chat = await say(BOLA, shop, 'sales', 'good morning team', admin);
  await settle();
  t.equal(await statusOf(shop.businessId, 1001), 'confirmed', 'a status message in the admin group counts');
  t.match(await outcome(shop.businessId, fromAdmin), { outcome: 'status' });
  t.match(await outcome(shop.businessId, chat), { outcome: 'ignored' });

  await rt.store.append(`group-${shop.delivery.groupId}`, [
    ev('GroupUpdated', {
      groupId: shop.delivery.groupId, businessId: shop.businessId, name: 'delivery group', description: null, groupType: 'delivery',
      whatsappId: shop.delivery.chatId, riderPhones: [RIDER.phone],
    }, shop.businessId),
  ]);
  const notRider = await say(BOLA, shop, 'delivery', '#1001 out for delivery');
  const unknownPhone = await say(HIDDEN, shop, 'delivery', '#1001 out for delivery');
  await settle();
  t.equal(await statusOf(shop.businessId, 1001), 'confirmed');
  t.match(await outcome(shop.businessId, notRider), { outcome: 'ignored', outcome_reason: /only accepted from the riders' numbers/ });
  t.match(await outcome(shop.businessId, unknownPhone), { outcome: 'ignored', outcome_reason: /only accepted from the riders' numbers/ });
  const rider = await say(RIDER, shop, 'delivery', '#1001 out for delivery');
  await settle();
  t.equal(await statusOf(shop.businessId, 1001), 'out_for_delivery', 'a listed rider moves it');
  t.match(await outcome(shop.businessId, rider), { outcome: 'status' });
});
