// Review queue and learned aliases through the running pipeline (issue 11 §3, §4): a message the
// parser is unsure of becomes a needs_review order; hold mode says nothing until the merchant
// accepts, ask mode asks the customer and their "yes" accepts; a correction changes the next parse.
import t from 'tap';
import { sql } from 'slonik';
import { z } from 'zod';
import { runningPipeline } from './running.ts';
import { createShop, ev, message, receive, CATALOG } from './fixtures.ts';
import { NOTIFIER_CHECKPOINT } from '../../src/reactors/notifier.ts';
import { waitForCatchUp } from '../../src/projector/catch-up.ts';
import { acceptReview } from '../../src/orders/review.ts';
import { readBusiness } from '../../src/businesses/business.ts';
import { orderIdForMessage } from '../../src/shared/ids.ts';

const { rt, ALL, settle: settleProjections } = await runningPipeline(t);
const settle = async () => {
  await settleProjections();
  await waitForCatchUp(rt, [NOTIFIER_CHECKPOINT, ...ALL]);
};

const orderOf = (orderId: string) =>
  rt.pool.maybeOne(sql.type(z.object({ status: z.string(), number: z.number(), items: z.array(z.object({ name: z.string(), sku: z.string().nullable(), quantity: z.coerce.number() })), review: z.any() }))`
    select status, number, items, review from orders where id = ${orderId}`);
const outbox = (businessId: string) =>
  rt.pool.anyFirst(sql.type(z.object({ text: z.string() }))`select text from whatsapp_outbox where business_id = ${businessId} order by created_at, text`);
const ownerOf = async (businessId: string) => {
  const b = await readBusiness(rt.store, businessId);
  if (b.kind !== 'registered') throw new Error('no business');
  return b.profile.ownerId;
};

t.test('hold: a low-confidence order waits for review with no message, then the merchant accepts and the confirmation goes', async (t) => {
  // The strictest threshold (1.0): every parsed order waits, whatever the parser's weights are.
  const shop = await createShop(rt.store, { review: { autoAcceptThreshold: 1, reviewMode: 'hold' } });
  // No address: the parser doubts it.
  const m = message(shop, 'sales', '3x Jollof Rice\n1 Chicken', { id: 'wamid.hold.1' });
  await receive(rt.store, m);
  await settle();
  const orderId = orderIdForMessage(shop.businessId, 'wamid.hold.1');
  const placed = await orderOf(orderId);
  t.equal(placed?.status, 'needs_review');
  t.match(placed?.review, { threshold: 1, ask: false, doubts: [{ field: 'address', reason: 'no_address' }] });
  t.same(await outbox(shop.businessId), [], 'no confirmation while the order waits for review');

  const owner = await ownerOf(shop.businessId);
  await acceptReview(rt.store, { orderId, businessId: shop.businessId, requestedBy: { userId: owner, role: 'merchant' }, actor: owner, correlationId: 'c-hold', source: 'dashboard', address: '14 Admiralty Way, Lekki' });
  await settle();
  t.equal((await orderOf(orderId))?.status, 'pending');
  const sent = await outbox(shop.businessId);
  t.equal(sent.length, 1);
  t.match(sent[0], /Order #1001 received: 3 x Jollof Rice, 1 x Chicken/);
  t.notMatch(sent[0], /delivery address/, 'the address the merchant added is not asked for again');
});

t.test('ask: the bot asks the specific question in the customer\'s language; another customer\'s "sí" does nothing, theirs accepts', async (t) => {
  // The strictest threshold (1.0): the order waits whatever the parser's weights are.
  const shop = await createShop(rt.store, { country: 'CO', currency: 'COP', review: { autoAcceptThreshold: 1, reviewMode: 'ask' } });
  const owner = await ownerOf(shop.businessId);
  await rt.store.append(`business-${shop.businessId}`, [
    ev('CatalogSet', { businessId: shop.businessId, products: [{ sku: 'BP', name: 'Bandeja Paisa', price: 32000, aliases: [] }, { sku: 'LM', name: 'Limonada', price: 6000, aliases: [] }] }, shop.businessId, owner),
  ]);
  await receive(rt.store, message(shop, 'sales', 'Quiero 2 bandejas', { id: 'wamid.ask.1' }));
  await settle();
  const orderId = orderIdForMessage(shop.businessId, 'wamid.ask.1');
  t.equal((await orderOf(orderId))?.status, 'needs_review');
  const asked = await outbox(shop.businessId);
  t.equal(asked.length, 1);
  t.match(asked[0], /^¿Quisiste decir 2 × Bandeja Paisa\? Responde "sí" para confirmar el pedido #1001\./);

  const stranger = message(shop, 'sales', 'sí', { id: 'wamid.ask.stranger' });
  (stranger.data as { sender: unknown }).sender = { id: '2348039999999@c.us', name: 'Otro', phone: '+2348039999999' };
  await receive(rt.store, stranger);
  await settle();
  t.equal((await orderOf(orderId))?.status, 'needs_review', "someone else's yes does not accept the order");

  await receive(rt.store, message(shop, 'sales', 'Sí, gracias', { id: 'wamid.ask.yes' }));
  await settle();
  t.equal((await orderOf(orderId))?.status, 'pending');
  const after = await outbox(shop.businessId);
  t.equal(after.length, 2);
  t.ok(after.some((x) => /^¡Gracias, Ada! Pedido #1001 recibido: 2 x Bandeja Paisa/.test(x)), 'the normal confirmation follows the yes');
});

t.test('an auto-accepted order behaves as before', async (t) => {
  const shop = await createShop(rt.store, { review: { autoAcceptThreshold: 0.9, reviewMode: 'hold' } });
  await receive(rt.store, message(shop, 'sales', '2x Jollof Rice\n1 Chicken\ndeliver to 12 Allen Avenue, Ikeja', { id: 'wamid.auto.1' }));
  await settle();
  t.equal((await orderOf(orderIdForMessage(shop.businessId, 'wamid.auto.1')))?.status, 'pending');
  t.match(await outbox(shop.businessId), [/Order #1001 received/]);
});

t.test('a correction to a catalog product is learned and changes the next parse of the same wording', async (t) => {
  const shop = await createShop(rt.store, { review: { autoAcceptThreshold: 0.9, reviewMode: 'hold' } });
  const owner = await ownerOf(shop.businessId);
  await receive(rt.store, message(shop, 'sales', '2 swallow pack\n1 chicken', { id: 'wamid.learn.1' }));
  await settle();
  const first = orderIdForMessage(shop.businessId, 'wamid.learn.1');
  const o = await orderOf(first);
  t.equal(o?.status, 'needs_review');
  t.same(o?.items.map((i) => [i.name, i.sku]), [['swallow pack', null], ['Chicken', 'CH']]);
  t.match(o?.review.doubts, [{ field: 'item', line: 0, reason: 'unmatched' }]);

  const plantain = CATALOG.find((c) => c.sku === 'PL')!;
  const { learned } = await acceptReview(rt.store, {
    orderId: first, businessId: shop.businessId, requestedBy: { userId: owner, role: 'merchant' }, actor: owner, correlationId: 'c-learn', source: 'dashboard',
    items: [{ name: plantain.name, sku: 'PL', quantity: 2, unitPrice: plantain.price }, { name: 'Chicken', sku: 'CH', quantity: 1, unitPrice: 2000 }],
  });
  t.same(learned, [{ alias: 'swallow pack', sku: 'PL' }]);
  const business = await readBusiness(rt.store, shop.businessId);
  t.same(business.kind === 'registered' ? business.learnedAliases : null, [{ alias: 'swallow pack', sku: 'PL' }]);

  await receive(rt.store, message(shop, 'sales', '3 swallow pack\n1 chicken', { id: 'wamid.learn.2' }));
  await settle();
  const next = await orderOf(orderIdForMessage(shop.businessId, 'wamid.learn.2'));
  t.same(next?.items.map((i) => [i.name, i.sku, i.quantity]), [['Plantain', 'PL', 3], ['Chicken', 'CH', 1]], 'the learned wording matches the product');
});
