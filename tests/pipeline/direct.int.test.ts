// Direct chats and customers who fix their own orders (issue 14), through the intake reactor, the
// notifier and the projector on real PostgreSQL: a customer's direct message becomes an order in
// that customer's chat stream and is answered privately; group orders are answered privately when
// the business says so; a customer adds to, changes, removes from and cancels their own open order
// within the business's window (en/es/pt), a stranger is refused, a late request goes to the
// merchant; "same as last time" offers the last delivered order back and places it on YES.
import t from 'tap';
import { sql } from 'slonik';
import { z } from 'zod';
import type { NewEvent } from '../../src/eventstore/types.ts';
import type { NoviEventData } from '../../src/events/catalog.ts';
import { directChatGroupId } from '../../src/shared/ids.ts';
import { runningPipeline } from './running.ts';
import { createShop, ev, message, receive, tick, type Shop } from './fixtures.ts';
import { waitFor } from '../whatsapp/helpers.ts';

const { rt, settle } = await runningPipeline(t);

const ADA = { id: '2348031234567@c.us', name: 'Ada', phone: '+2348031234567' };
const BOLA = { id: '2348039999999@c.us', name: 'Bola', phone: '+2348039999999' };
type Sender = { id: string; name: string | null; phone: string | null };

const CATALOG = [
  { sku: 'BR', name: 'Bread', price: 800, aliases: ['pan', 'pao'] },
  { sku: 'CH', name: 'Chicken', price: 2000, aliases: ['pollo', 'frango'] },
  { sku: 'JR', name: 'Jollof Rice', price: 2500, aliases: ['jollof'] },
];

async function shopWith(settings: { directOrders?: boolean; replyMode?: 'group' | 'private'; selfEditWindowMinutes?: number } = {}): Promise<Shop> {
  const shop = await createShop(rt.store);
  const events: NewEvent[] = [ev('CatalogSet', { businessId: shop.businessId, products: CATALOG }, shop.businessId)];
  if (Object.keys(settings).length > 0) {
    events.push(ev('BusinessSettingsSet', { businessId: shop.businessId, directOrders: true, replyMode: 'group', selfEditWindowMinutes: 30, ...settings }, shop.businessId));
  }
  await rt.store.append(`business-${shop.businessId}`, events);
  return shop;
}

let n = 0;
/** A message from `sender`: in their direct chat with the business, or in the shop's sales group. */
async function say(sender: Sender, shop: Shop, where: 'direct' | 'sales', text: string, opts: { laterMs?: number; nativeOrder?: NoviEventData<'MessageReceived'>['nativeOrder'] } = {}) {
  const messageId = `wamid.direct.${++n}`;
  const direct = where === 'direct' ? { chatId: sender.id, groupId: directChatGroupId(shop.businessId, sender.id) } : {};
  const e = message(shop, 'sales', text, { id: messageId, ...direct, ...(opts.nativeOrder ? { nativeOrder: opts.nativeOrder } : {}) });
  const occurredAt = opts.laterMs ? tick(opts.laterMs) : e.metadata.occurredAt;
  await receive(rt.store, { ...e, data: { ...(e.data as object), sender }, metadata: { ...e.metadata, actor: sender.id, occurredAt } });
  return messageId;
}

const orderOf = (businessId: string, number: number) =>
  rt.pool.maybeOne(sql.type(z.object({ status: z.string(), total_amount: z.coerce.number().nullable(), items: z.array(z.object({ name: z.string(), quantity: z.coerce.number() })), group_id: z.string(), change_request: z.string().nullable() }))`
    select status, total_amount, items, group_id, change_request from orders where business_id = ${businessId} and number = ${number}`);
const orderCount = (businessId: string) => rt.pool.oneFirst(sql.type(z.object({ n: z.coerce.number() }))`select count(*) as n from orders where business_id = ${businessId}`);
const outcome = (businessId: string, messageId: string) =>
  rt.pool.maybeOne(sql.type(z.object({ outcome: z.string().nullable(), outcome_reason: z.string().nullable() }))`
    select outcome, outcome_reason from messages where business_id = ${businessId} and message_id = ${messageId}`);
const replies = (businessId: string) =>
  rt.pool.any(sql.type(z.object({ text: z.string(), group_id: z.string(), chat_id: z.string().nullable() }))`
    select text, group_id, chat_id from whatsapp_outbox where business_id = ${businessId} order by created_at, text`);
/** The notifier runs beside the projector: wait (bounded) for a reply like `re`. */
const reply = (businessId: string, re: RegExp) =>
  waitFor(`a reply like ${re}`, async () => (await replies(businessId)).find((r) => re.test(r.text)) ?? null, 10_000);

const ORDER = 'Name: Ada Obi\nAddress: 14 Admiralty Way, Lekki\n2x Bread\n1x Chicken';

t.test('a direct message becomes an order in the customer\'s chat and is answered privately', async (t) => {
  const shop = await shopWith();
  await say(ADA, shop, 'direct', ORDER);
  await settle();
  const order = await orderOf(shop.businessId, 1001);
  t.match(order, { status: 'pending', total_amount: 3600, group_id: directChatGroupId(shop.businessId, ADA.id) });
  const r = await reply(shop.businessId, /Order #1001 received/);
  t.same({ chat: r.chat_id, group: r.group_id }, { chat: ADA.id, group: directChatGroupId(shop.businessId, ADA.id) }, 'the confirmation goes to her direct chat');
  const stream = await rt.store.readStream(`chat-${directChatGroupId(shop.businessId, ADA.id)}`);
  t.ok(stream.some((e) => e.type === 'MessageReceived'), "the message is in the customer's chat stream");
});

t.test('a native WhatsApp cart in a direct chat becomes an order without the parser', async (t) => {
  const shop = await shopWith();
  await say(ADA, shop, 'direct', '', { nativeOrder: { items: [{ name: 'Bread', sku: 'BR', quantity: 3, unitPrice: 800 }], total: 2400, currency: 'NGN' } });
  await settle();
  t.match(await orderOf(shop.businessId, 1001), { status: 'pending', total_amount: 2400, items: [{ name: 'Bread', quantity: 3 }] });
  const r = await reply(shop.businessId, /Order #1001 received: 3 x Bread/);
  t.equal(r.chat_id, ADA.id);
});

t.test('with direct orders turned off, a direct message places nothing', async (t) => {
  const shop = await shopWith({ directOrders: false });
  const id = await say(ADA, shop, 'direct', ORDER);
  await settle();
  t.equal(await orderCount(shop.businessId), 0);
  t.match(await outcome(shop.businessId, id), { outcome: 'ignored', outcome_reason: 'direct orders are turned off for this business' });
});

t.test('group orders are answered in the group, or privately when the business chose so', async (t) => {
  const inGroup = await shopWith();
  await say(ADA, inGroup, 'sales', ORDER);
  await settle();
  const g = await reply(inGroup.businessId, /Order #1001 received/);
  t.same({ chat: g.chat_id, group: g.group_id }, { chat: null, group: inGroup.sales.groupId }, 'replyMode group: the group');

  const priv = await shopWith({ replyMode: 'private' });
  await say(ADA, priv, 'sales', ORDER);
  await say(ADA, priv, 'sales', 'cancel my order');
  await settle();
  const p = await reply(priv.businessId, /Order #1001 received/);
  t.same({ chat: p.chat_id, group: p.group_id }, { chat: ADA.id, group: directChatGroupId(priv.businessId, ADA.id) }, 'replyMode private: her direct chat');
  const c = await reply(priv.businessId, /Order #1001 has been cancelled/);
  t.equal(c.chat_id, ADA.id, 'status replies too');
});

t.test('a customer adds to, changes and removes from their own order, told the new total (en, es, pt)', async (t) => {
  for (const [lang, add, replace, remove, changed] of [
    ['en', 'add 2 more bread', 'make it 3 instead of 4', 'remove the chicken', /^Order #1001 changed: /],
    ['es', 'agrega 2 pan más', 'que sean 3 en vez de 4', 'quita el pollo', /^Pedido #1001 cambiado: /],
    ['pt', 'adiciona mais 2 pao', 'faz 3 em vez de 4', 'tira o frango', /^Pedido #1001 alterado: /],
  ] as const) {
    const shop = await shopWith();
    await say(ADA, shop, 'direct', ORDER); // 2 bread, 1 chicken = 3600
    await settle();
    await say(ADA, shop, 'direct', add);
    await settle();
    t.match(await orderOf(shop.businessId, 1001), { total_amount: 5200, items: [{ name: 'Bread', quantity: 4 }, { name: 'Chicken', quantity: 1 }] }, `${lang}: added`);
    t.match((await reply(shop.businessId, new RegExp(`${changed.source}4 x Bread, 1 x Chicken\\. .*5[,.]?200`))).chat_id, ADA.id, `${lang}: told the new total, privately`);

    await say(ADA, shop, 'direct', replace);
    await settle();
    t.match(await orderOf(shop.businessId, 1001), { total_amount: 4400, items: [{ name: 'Bread', quantity: 3 }, { name: 'Chicken', quantity: 1 }] }, `${lang}: replaced`);
    await reply(shop.businessId, new RegExp(`${changed.source}3 x Bread, 1 x Chicken\\. .*4[,.]?400`));

    await say(ADA, shop, 'direct', remove);
    await settle();
    t.match(await orderOf(shop.businessId, 1001), { total_amount: 2400, items: [{ name: 'Bread', quantity: 3 }] }, `${lang}: removed`);
    await reply(shop.businessId, new RegExp(`${changed.source}3 x Bread\\. .*2[,.]?400`));
  }
});

t.test('"cancel my order" in a direct chat, en/es/pt; the customer is the actor', async (t) => {
  for (const [text, told] of [['cancel my order', /^Order #1001 has been cancelled\.$/], ['cancela mi pedido', /^El pedido #1001 fue cancelado\.$/], ['cancela o meu pedido', /^O pedido #1001 foi cancelado\.$/]] as const) {
    const shop = await shopWith();
    await say(ADA, shop, 'direct', ORDER);
    await settle();
    await say(ADA, shop, 'direct', text);
    await settle();
    t.match(await orderOf(shop.businessId, 1001), { status: 'cancelled' }, text);
    t.equal((await reply(shop.businessId, told)).chat_id, ADA.id);
    const history = await rt.pool.anyFirst(sql.type(z.object({ actor: z.string() }))`
      select h.actor from order_status_history h join orders o on o.id = h.order_id where o.business_id = ${shop.businessId} and h.status = 'cancelled'`);
    t.same(history, [ADA.id]);
  }
});

t.test("a stranger's change of someone else's order is refused and logged", async (t) => {
  const shop = await shopWith();
  await say(ADA, shop, 'sales', ORDER);
  await settle();
  const byNumber = await say(BOLA, shop, 'sales', 'add 2 bread to #1001');
  const latest = await say(BOLA, shop, 'sales', 'remove the chicken');
  await settle();
  t.match(await orderOf(shop.businessId, 1001), { total_amount: 3600, items: [{ name: 'Bread', quantity: 2 }, { name: 'Chicken', quantity: 1 }] }, 'unchanged');
  t.match(await outcome(shop.businessId, byNumber), { outcome: 'ignored', outcome_reason: 'only the customer who placed #1001 can change it' });
  t.match(await outcome(shop.businessId, latest), { outcome: 'ignored', outcome_reason: /no pending or confirmed order of this customer/ });
  await reply(shop.businessId, /only the customer who placed order #1001 can change it/);
});

t.test('after the window the request goes to the merchant, and the order shows it', async (t) => {
  const shop = await shopWith({ selfEditWindowMinutes: 5 });
  await say(ADA, shop, 'direct', ORDER);
  await settle();
  const late = await say(ADA, shop, 'direct', 'add 2 more bread', { laterMs: 6 * 60_000 });
  await settle();
  t.match(await orderOf(shop.businessId, 1001), { total_amount: 3600, change_request: 'add 2 more bread' }, 'unchanged, flagged for the merchant');
  t.match(await outcome(shop.businessId, late), { outcome: 'ignored', outcome_reason: /more than 5 minutes ago.*change requested/ });
  t.equal((await reply(shop.businessId, /more than 5 minutes ago, so we passed your request to the shop/)).chat_id, ADA.id);

  const lateCancel = await say(ADA, shop, 'direct', 'cancel my order');
  await settle();
  t.match(await orderOf(shop.businessId, 1001), { status: 'pending', change_request: 'cancel my order' }, 'a late cancel is a request too');
  t.match(await outcome(shop.businessId, lateCancel), { outcome: 'ignored', outcome_reason: /change requested/ });
});

t.test('"same as last time" offers the last delivered order back and places it on YES', async (t) => {
  for (const [ask, yes, offered] of [
    ['same as last time', 'YES', /^Same as last time \(order #1001\): 2 × Bread, 1 × Chicken\. Total: NGN 3,600\. Reply YES to place it\.$/],
    ['lo mismo de siempre', 'sí', /^Lo mismo de siempre \(pedido #1001\): 2 × Bread, 1 × Chicken\. Total: NGN 3600\. Responde SÍ/],
    ['o mesmo de sempre', 'sim', /^O mesmo de sempre \(pedido #1001\): 2 × Bread, 1 × Chicken\. Total: NGN 3\.600\. Responda SIM/],
  ] as const) {
    const shop = await shopWith();
    const none = await say(ADA, shop, 'direct', ask);
    await settle();
    t.match(await outcome(shop.businessId, none), { outcome: 'ignored', outcome_reason: /no delivered order/ }, 'nothing delivered yet');

    await say(ADA, shop, 'direct', ORDER);
    await settle();
    const orderId = await rt.pool.oneFirst(sql.type(z.object({ id: z.string() }))`select id from orders where business_id = ${shop.businessId} and number = 1001`);
    await rt.store.append(`order-${orderId}`, [
      ev('StatusChanged', { orderId, businessId: shop.businessId, from: 'pending', to: 'delivered', reason: null, source: 'dashboard', messageId: null, changedAt: tick(0) }, shop.businessId),
    ]);
    await say(ADA, shop, 'direct', ask);
    await settle();
    t.equal(await orderCount(shop.businessId), 1, 'nothing placed before the customer says yes');
    t.equal((await reply(shop.businessId, offered)).chat_id, ADA.id, `${ask}: offered back, privately`);

    await say(BOLA, shop, 'direct', yes);
    await say(ADA, shop, 'direct', yes);
    await say(ADA, shop, 'direct', yes);
    await settle();
    t.equal(await orderCount(shop.businessId), 2, "placed once, on the customer's own yes");
    t.match(await orderOf(shop.businessId, 1002), { status: 'pending', total_amount: 3600, items: [{ name: 'Bread', quantity: 2 }, { name: 'Chicken', quantity: 1 }] });
    await reply(shop.businessId, /#1002/);
  }
});

t.test('an unknown item is answered, the order kept', async (t) => {
  const shop = await shopWith();
  await say(ADA, shop, 'direct', ORDER);
  await settle();
  const id = await say(ADA, shop, 'direct', 'remove the pizza');
  await settle();
  t.match(await outcome(shop.businessId, id), { outcome: 'ignored', outcome_reason: /"pizza" is not on order #1001/ });
  await reply(shop.businessId, /We could not find "pizza" on order #1001/);

  // Someone with nothing open who writes "add 2 bread" is ordering, not editing.
  await say(BOLA, shop, 'direct', 'add 2 bread');
  await settle();
  t.match(await orderOf(shop.businessId, 1002), { status: 'pending', total_amount: 1600, group_id: directChatGroupId(shop.businessId, BOLA.id) });
  t.match(await orderOf(shop.businessId, 1001), { total_amount: 3600 }, "Ada's order untouched");
});
