// `novi reparse` with the notifier running: an order the merchant corrected by hand is left alone
// (and reported), no WhatsApp message is queued for anything the reparse recorded, and messages
// that a newer parser reads as an order (or no longer as one) are reported, not acted upon.
import t from 'tap';
import { sql } from 'slonik';
import { z } from 'zod';
import type { ParseFn } from '../../src/reactors/intake.ts';
import { NOTIFIER_CHECKPOINT } from '../../src/reactors/notifier.ts';
import { reparseBusiness } from '../../src/cli/reparse.ts';
import { parseMessage } from '../../src/parser/index.ts';
import { orderStreamId } from '../../src/orders/order.ts';
import { orderIdForMessage } from '../../src/shared/ids.ts';
import { runningPipeline } from './running.ts';
import { createShop, ev, message, receive } from './fixtures.ts';

const pipeline = await runningPipeline(t);
const { rt } = pipeline;
const notifierAt = () => rt.pool.maybeOneFirst(sql.type(z.object({ position: z.coerce.bigint() }))`select position from projection_checkpoints where name = ${NOTIFIER_CHECKPOINT}`);
async function settle() {
  await pipeline.settle();
  // The notifier has seen everything up to the head (its checkpoint moves on every event it is given).
  const head = await rt.store.headPosition();
  const lastNotifiable = (await rt.store.readAll({ fromPosition: 0n, filter: { eventTypes: ['OrderPlaced', 'OrderParsed', 'StatusChanged'] } })).filter((e) => e.position <= head).at(-1)?.position ?? 0n;
  for (let i = 0; i < 100 && ((await notifierAt()) ?? 0n) < lastNotifiable; i++) await new Promise((r) => setTimeout(r, 100));
}
const outbox = () => rt.pool.anyFirst(sql.type(z.object({ cause_event_id: z.string() }))`select cause_event_id from whatsapp_outbox order by created_at`);

const shop = await createShop(rt.store);
const texts = {
  edited: 'Name: Chidi Okafor\nPhone: 0803 555 0101\n2x Jollof Rice\n1 Chicken',
  vanishes: 'Please send 2 jollof to 9 Bode Thomas street, Surulere. Tel 08035550101',
  becomes: 'hello, are you open?',
  asks: 'I want 3 plantain and 1 chicken, deliver to 5 Allen Avenue. Phone 08035550102',
};
for (const [k, text] of Object.entries(texts)) await receive(rt.store, message(shop, 'sales', text, { id: `wamid.${k}` }));
await settle();
const editedId = orderIdForMessage(shop.businessId, 'wamid.edited');
// The merchant corrects the first order by hand (3 chicken, not 1).
await rt.store.append(orderStreamId(editedId), [
  ev('OrderUpdated', { orderId: editedId, businessId: shop.businessId, items: [{ name: 'Jollof Rice', sku: 'JR', quantity: 2, unitPrice: 2500 }, { name: 'Chicken', sku: 'CH', quantity: 3, unitPrice: 2000 }], totalAmount: 11000, reason: 'edit' }, shop.businessId, 'merchant-user'),
], { expectedRevision: 'any' });
await settle();

/** A newer parser: "2x Jollof Rice" read as 3; "vanishes" read as no order; "becomes" read as an order; "asks" as an order without items. */
const NEWER = '9.1.0-test';
const newer: ParseFn = async (inputs) =>
  inputs.map((input) => {
    const r = parseMessage(input);
    if (input.text === texts.edited) return { ...r, items: r.items.map((i) => (i.sku === 'JR' ? { ...i, quantity: 3 } : i)) };
    if (input.text === texts.vanishes) return { ...r, intent: 'other' as const, items: [] };
    if (input.text === texts.becomes) return { ...parseMessage({ ...input, text: '2x Jollof Rice' }), id: r.id };
    if (input.text === texts.asks) return { ...r, items: [], missing: [...new Set([...r.missing, 'items' as const])] };
    return r;
  });

t.test('reparse leaves hand-edited orders alone, sends nothing, and reports what changed meaning', async (t) => {
  const before = await outbox();
  t.ok(before.length >= 3, `the intake's confirmations were queued (${before.length})`);
  const head = await rt.store.headPosition();

  const s = await reparseBusiness(rt.store, { businessId: shop.businessId, since: new Date('2025-01-01T00:00:00Z'), parse: newer, parserVersion: NEWER });
  t.match(s, { reparsed: 4, ordersUpdated: 0 });
  t.same(s.editedByHand.map((o) => o.orderId), [editedId], 'the hand-edited order is reported');
  t.same(s.noLongerOrders.map((m) => m.messageId).sort(), ['wamid.asks', 'wamid.vanishes'], 'orders the newer parser would not make (no items, or no order at all)');
  t.same(s.wouldNowBeOrders.map((m) => m.messageId), ['wamid.becomes'], 'a message the newer parser would make an order');
  t.ok(s.noLongerOrders.some((m) => m.orderId === orderIdForMessage(shop.businessId, 'wamid.vanishes') && m.status === 'pending'));

  const stream = await rt.store.readStream(orderStreamId(editedId));
  t.same(stream.map((e) => (e.data as { reason?: string }).reason ?? e.type), ['OrderPlaced', 'edit'], 'no reparse update over the merchant\'s edit');
  t.same((await rt.store.readStream(orderStreamId(orderIdForMessage(shop.businessId, 'wamid.becomes')))).length, 0, 'no order placed by a reparse');

  const added = await rt.store.readAll({ fromPosition: head });
  t.ok(added.length >= 4 && added.every((e) => e.metadata.actor === 'reparse'), 'reparse events say who made them');
  await settle();
  t.ok(((await notifierAt()) ?? 0n) >= added.at(-1)!.position, 'the notifier has seen the reparse events');
  t.same(await outbox(), before, 'no WhatsApp message queued by the reparse');
});
