// Review queue and learned aliases over HTTP (issue 11 §3, §4): the list shows orders waiting for
// review first, the order page highlights what the parser doubted, one action accepts (as is or
// corrected), corrections teach aliases the merchant can see and forget; other tenants get 404.
import t from 'tap';
import { handleCommand } from '../../src/shared/command-handler.ts';
import { decideOrder } from '../../src/orders/commands.ts';
import { evolveOrder, initialOrderState, orderStreamId } from '../../src/orders/order.ts';
import { reserveOrderNumber } from '../../src/orders/numbers.ts';
import { newId } from '../../src/shared/ids.ts';
import { waitForProjection } from '../../web/lib/projection.ts';
import type { FieldDoubt } from '../../src/events/catalog.ts';
import { api, placeOrder, register, webEnv } from './harness.ts';

const env = await webEnv();
t.teardown(env.close);
const { app, rt } = env;

const alice = await register(app, 'alice_review');
const bob = await register(app, 'bob_review');
const businessId = (await api(app, alice, 'POST', '/business', { name: 'Mama Put', country: 'NG' })).json().business.id as string;
const sales = (await api(app, alice, 'POST', '/groups', { name: 'Sales', groupType: 'sales', businessId })).json().group.id as string;
await api(app, alice, 'PUT', `/business/${businessId}/catalog`, { products: [{ sku: 'JR', name: 'Jollof Rice', price: 2500, aliases: [] }, { sku: 'PL', name: 'Plantain', price: 500, aliases: ['dodo'] }] });
const bobBusiness = (await api(app, bob, 'POST', '/business', { name: 'Bob Shop', country: 'NG' })).json().business.id as string;
const bobSales = (await api(app, bob, 'POST', '/groups', { name: 'Sales', groupType: 'sales', businessId: bobBusiness })).json().group.id as string;

/** An order the intake placed below the threshold: "2 swallow pack" not in the catalog, no address. */
async function placeForReview(biz: string, group: string, doubts: FieldDoubt[] = [{ field: 'item', line: 0, reason: 'unmatched' }, { field: 'address', line: null, reason: 'no_address' }]): Promise<string> {
  const orderId = newId();
  const metadata = { tenantId: biz, actor: 'bot', correlationId: newId(), causationId: null, occurredAt: new Date().toISOString() };
  const { number } = await reserveOrderNumber(rt.store, { businessId: biz, orderId, metadata });
  await handleCommand({
    store: rt.store, streamId: orderStreamId(orderId), evolve: evolveOrder, initialState: initialOrderState, decide: decideOrder, metadata,
    command: {
      type: 'PlaceOrder',
      data: {
        orderId, businessId: biz, groupId: group, number, customer: { name: 'Bisi', phone: '+2348035550101', address: null },
        items: [{ name: 'swallow pack', sku: null, quantity: 2, unitPrice: null }, { name: 'Jollof Rice', sku: 'JR', quantity: 1, unitPrice: 2500 }],
        totalAmount: null, currency: 'NGN', deliveryNotes: null,
        source: { messageId: `m-${orderId}`, text: '2 swallow pack\n1 jollof rice', sender: { name: 'Bisi', phone: '+2348035550101' }, receivedAt: new Date().toISOString() },
        parserVersion: 'test', missing: ['address'],
        review: { confidence: 0.57, threshold: 0.9, ask: false, doubts },
        itemTexts: ['swallow pack', 'jollof rice'],
      },
      metadata: { now: new Date(), actor: 'bot' },
    },
  });
  if (!(await waitForProjection(rt, { table: 'orders', id: orderId, revision: 0n }, 5000))) throw new Error('order was not projected');
  return orderId;
}

t.test('the orders list shows orders waiting for review first, in their own section', async (t) => {
  const older = await placeForReview(businessId, sales);
  const newer = await placeOrder(rt, { businessId, groupId: sales });
  const list = await api(app, alice, 'GET', '/orders');
  t.equal(list.statusCode, 200);
  const orders = list.json().orders as Array<{ id: string; status: string; review: unknown }>;
  t.equal(orders[0]?.id, older, 'the older order waiting for review comes before the newer pending one');
  t.equal(orders[0]?.status, 'needs_review');
  t.match(orders[0]?.review, { confidence: 0.57, doubts: [{ field: 'item', line: 0 }] });
  t.ok(orders.some((o) => o.id === newer && o.status === 'pending'));
  const html = await app.inject({ method: 'GET', url: '/orders', headers: { cookie: alice.cookie } });
  t.match(html.body, /id="review-queue"[\s\S]*Needs review \(1\)[\s\S]*#1001[\s\S]*id="orders-tbody"/);
  const dash = await api(app, alice, 'GET', '/dashboard');
  t.same(dash.json().needsReview.map((o: { id: string }) => o.id), [older]);
  t.same((await api(app, bob, 'GET', '/dashboard')).json().needsReview, [], "bob's dashboard does not show alice's queue");
  const page = await app.inject({ method: 'GET', url: `/orders/${older}`, headers: { cookie: alice.cookie } });
  t.match(page.body, /id="review-panel"/);
  t.match(page.body, /class="item-row doubt" data-line="0"[\s\S]*not found in your catalog/, 'the doubted item is highlighted');
  t.match(page.body, /no delivery address found/, 'the missing address is highlighted');
  t.notMatch(page.body, /Mark delivered/, 'no delivery moves while it waits for review');
});

t.test('accepting: as is, then not twice; status moves other than accept or cancel are refused', async (t) => {
  const orderId = await placeForReview(businessId, sales);
  t.equal((await api(app, alice, 'PUT', `/orders/${orderId}`, { status: 'delivered' })).statusCode, 409, 'a rider cannot deliver an order nobody accepted');
  const ok = await api(app, alice, 'POST', `/orders/${orderId}/review`, {});
  t.equal(ok.statusCode, 200, ok.body);
  t.match(ok.json().order, { status: 'pending', items: [{ name: 'swallow pack' }, { name: 'Jollof Rice' }] });
  t.match(ok.json().order.statusHistory, [{ status: 'needs_review' }, { status: 'pending' }]);
  t.equal((await api(app, alice, 'POST', `/orders/${orderId}/review`, {})).statusCode, 409, 'no longer waiting for review');
});

t.test('another tenant, a non-owner, a stranger: 404 / 401, and nothing changes', async (t) => {
  const alices = await placeForReview(businessId, sales);
  const bobs = await placeForReview(bobBusiness, bobSales);
  t.equal((await api(app, bob, 'POST', `/orders/${alices}/review`, {})).statusCode, 404, "bob cannot accept alice's order");
  t.equal((await api(app, alice, 'POST', `/orders/${bobs}/review`, { items: [{ name: 'Plantain', sku: 'PL', quantity: 1, unitPrice: 500 }] })).statusCode, 404, "alice cannot correct bob's");
  t.equal((await api(app, null, 'POST', `/orders/${alices}/review`, {})).statusCode, 401);
  t.equal((await api(app, alice, 'POST', `/orders/not-a-uuid/review`, {})).statusCode, 404);
  t.equal((await api(app, alice, 'GET', `/orders/${alices}`)).json().order.status, 'needs_review');
  t.equal((await api(app, bob, 'GET', `/business/${businessId}/review`)).statusCode, 404);
  t.equal((await api(app, bob, 'PUT', `/business/${businessId}/review-settings`, { autoAcceptThreshold: 0.6, reviewMode: 'ask' })).statusCode, 404);
  t.equal((await api(app, bob, 'DELETE', `/business/${businessId}/aliases?alias=anything`)).statusCode, 404);
  t.equal((await api(app, alice, 'GET', `/business/${businessId}/review`)).json().settings.reviewMode, 'hold', 'unchanged by bob');
});

t.test('correcting an item to a catalog product accepts the order and teaches the alias; the merchant sees and forgets it', async (t) => {
  const orderId = await placeForReview(businessId, sales);
  const corrected = await api(app, alice, 'POST', `/orders/${orderId}/review`, {
    to: 'confirmed',
    items: [{ name: 'Plantain', sku: 'PL', quantity: 2, unitPrice: 500 }, { name: 'Jollof Rice', sku: 'JR', quantity: 1, unitPrice: 2500 }],
    address: '14 Admiralty Way, Lekki',
  });
  t.equal(corrected.statusCode, 200, corrected.body);
  t.match(corrected.json().order, { status: 'confirmed', customerAddress: '14 Admiralty Way, Lekki', totalAmount: 3500, items: [{ sku: 'PL', quantity: 2 }, { sku: 'JR' }] });
  const learned = await api(app, alice, 'GET', `/business/${businessId}/review`);
  t.same(learned.json().aliases, [{ alias: 'swallow pack', sku: 'PL' }]);
  const page = await app.inject({ method: 'GET', url: `/business/${businessId}/review`, headers: { cookie: alice.cookie } });
  t.match(page.body, /“swallow pack” → Plantain \(PL\)/);

  t.equal((await api(app, alice, 'DELETE', `/business/${businessId}/aliases?alias=${encodeURIComponent('no such alias')}`)).statusCode, 404);
  const forgot = await api(app, alice, 'DELETE', `/business/${businessId}/aliases?alias=${encodeURIComponent('swallow pack')}`);
  t.equal(forgot.statusCode, 200, forgot.body);
  t.same(forgot.json().aliases, []);
});

t.test('the order editor teaches too: a pending order whose free-text item is set to a catalog sku', async (t) => {
  const orderId = await placeForReview(businessId, sales);
  await api(app, alice, 'POST', `/orders/${orderId}/review`, {});
  const edit = await api(app, alice, 'PUT', `/orders/${orderId}`, { items: [{ name: 'Plantain', sku: 'PL', quantity: 2, unitPrice: 500 }, { name: 'Jollof Rice', sku: 'JR', quantity: 1, unitPrice: 2500 }] });
  t.equal(edit.statusCode, 200, edit.body);
  t.same((await api(app, alice, 'GET', `/business/${businessId}/review`)).json().aliases, [{ alias: 'swallow pack', sku: 'PL' }]);
  t.equal((await api(app, alice, 'PUT', `/orders/${orderId}`, { items: [{ name: 'Ghost', sku: 'NOPE', quantity: 1, unitPrice: 1 }, { name: 'Jollof Rice', sku: 'JR', quantity: 1, unitPrice: 2500 }] })).statusCode, 200, 'a sku outside the catalog is an edit, not a lesson');
  t.same((await api(app, alice, 'GET', `/business/${businessId}/review`)).json().aliases, [{ alias: 'swallow pack', sku: 'PL' }]);
});

t.test('review settings are bounded and saved per business', async (t) => {
  for (const bad of [{ autoAcceptThreshold: 0.4, reviewMode: 'hold' }, { autoAcceptThreshold: 1.2, reviewMode: 'hold' }, { autoAcceptThreshold: 0.8, reviewMode: 'shout' }, {}]) {
    t.equal((await api(app, alice, 'PUT', `/business/${businessId}/review-settings`, bad)).statusCode, 400, JSON.stringify(bad));
  }
  const saved = await api(app, alice, 'PUT', `/business/${businessId}/review-settings`, { autoAcceptThreshold: 0.75, reviewMode: 'ask' });
  t.equal(saved.statusCode, 200, saved.body);
  t.same(saved.json().settings, { autoAcceptThreshold: 0.75, reviewMode: 'ask' });
  t.same((await api(app, bob, 'GET', `/business/${bobBusiness}/review`)).json().settings, { autoAcceptThreshold: 0.9, reviewMode: 'hold' }, "bob's business keeps the defaults");
});
