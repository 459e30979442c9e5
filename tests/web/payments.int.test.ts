// Payments, receipts and manual orders over HTTP: charges and payments on the order page/API,
// bounds (400), stale writes (412), another tenant's ids (404), receipt and ticket contents,
// sending the receipt, and manual orders from the catalog picker or a JSON body.
import t from 'tap';
import { sql } from 'slonik';
import { z } from 'zod';
import { api, placeOrder, register, webEnv, type Merchant } from './harness.ts';
import { newId } from '../../src/shared/ids.ts';
import { handlePaymentCommand } from '../../src/payments/handle.ts';
import { waitForProjection } from '../../web/lib/projection.ts';

const env = await webEnv();
t.teardown(env.close);
const { app, rt } = env;

const ada = await register(app, 'ada_pay');
const eve = await register(app, 'eve_pay');
const biz = async (m: Merchant, name: string) => {
  const b = await api(app, m, 'POST', '/business', { name, country: 'NG', address: '5 Broad St, Lagos' });
  const businessId = b.json().business.id as string;
  const g = await api(app, m, 'POST', '/groups', { name: 'Sales', groupType: 'sales', businessId });
  await api(app, m, 'PUT', `/business/${businessId}/catalog`, {
    products: [
      { sku: 'JR', name: 'Jollof Rice', price: 2500, aliases: [] },
      { sku: 'CH', name: 'Chicken', price: 2000, aliases: [] },
    ],
  });
  return { businessId, groupId: g.json().group.id as string };
};
const A = await biz(ada, 'Ada Kitchen');
const E = await biz(eve, 'Eve Kitchen');
const orderId = await placeOrder(rt, { businessId: A.businessId, groupId: A.groupId, customerName: '<b>Bisi</b> Adeyemi' });
const eveOrder = await placeOrder(rt, { businessId: E.businessId, groupId: E.groupId });

async function formAs(m: Merchant) {
  const page = await app.inject({ method: 'GET', url: '/orders', headers: { cookie: m.cookie } });
  const csrf = page.cookies.find((c) => c.name === 'novi_csrf')?.value ?? '';
  const token = /name="csrf-token" content="([^"]+)"/.exec(page.body)?.[1] ?? '';
  const cookie = `${m.cookie}; novi_csrf=${csrf}`;
  return (url: string, fields: Array<[string, string]>, headers: Record<string, string> = {}) =>
    app.inject({ method: 'POST', url, headers: { cookie, 'content-type': 'application/x-www-form-urlencoded', ...headers }, payload: new URLSearchParams([['_csrf', token], ...fields]).toString() });
}

t.test('charges: total = items + fee − discount, bounded, never negative', async (t) => {
  const r = await api(app, ada, 'POST', `/orders/${orderId}/charges`, { deliveryFee: 1000, discount: 500 });
  t.equal(r.statusCode, 200, r.body);
  t.match(r.json().order, { totalAmount: 5500, deliveryFee: 1000, discount: 500, payment: { status: 'unpaid' } });
  t.equal(r.headers.etag, `"${r.json().order.revision}"`);
  for (const [body, field] of [
    [{ deliveryFee: 1e15, discount: 0 }, 'deliveryFee'],
    [{ deliveryFee: -1, discount: 0 }, 'deliveryFee'],
    [{ deliveryFee: 0, discount: 'lots' }, 'discount'],
    [{ deliveryFee: 0, discount: 6000 }, 'discount'],
  ] as const) {
    const bad = await api(app, ada, 'POST', `/orders/${orderId}/charges`, body);
    t.equal(bad.statusCode, 400, JSON.stringify(body));
    t.match(bad.json().message, field);
  }
  const stale = await api(app, ada, 'POST', `/orders/${orderId}/charges`, { deliveryFee: 0, discount: 0 }, { 'if-match': '"0"' });
  t.equal(stale.statusCode, 412);
  // Edited items keep the charges in the total.
  const edit = await api(app, ada, 'PUT', `/orders/${orderId}`, { items: [{ name: 'Jollof Rice', sku: 'JR', quantity: 3, unitPrice: 2500 }] });
  t.equal(edit.json().order.totalAmount, 7500 + 1000 - 500);
});

t.test('record, refuse twice, refund; bounded fields', async (t) => {
  for (const body of [{ method: 'bitcoin' }, { method: 'cash', reference: 'x'.repeat(101) }, { method: 'cash', amount: 1e15 }, { method: 'cash', proofMessageId: 'y'.repeat(301) }]) {
    t.equal((await api(app, ada, 'POST', `/orders/${orderId}/payment`, body)).statusCode, 400, JSON.stringify(body).slice(0, 60));
  }
  t.equal((await api(app, ada, 'POST', `/orders/${orderId}/payment`, { method: 'cash', proofMessageId: 'no-such-proof' })).statusCode, 404, 'a proof that is not on the order');
  t.equal((await api(app, ada, 'POST', `/orders/${orderId}/refund`, {})).statusCode, 409, 'nothing to refund');
  const paid = await api(app, ada, 'POST', `/orders/${orderId}/payment`, { method: 'transfer', reference: 'TRX-1' });
  t.equal(paid.statusCode, 200, paid.body);
  t.match(paid.json().order.payment, { status: 'paid', method: 'transfer', reference: 'TRX-1', amount: 8000 });
  t.equal((await api(app, ada, 'POST', `/orders/${orderId}/payment`, { method: 'cash' })).statusCode, 409, 'already paid');
  t.equal((await api(app, ada, 'POST', `/orders/${orderId}/charges`, { deliveryFee: 0, discount: 0 })).statusCode, 409, 'charges of a paid order');
  t.equal((await api(app, ada, 'POST', `/orders/${orderId}/refund`, { reason: 'r'.repeat(501) })).statusCode, 400);
  const refunded = await api(app, ada, 'POST', `/orders/${orderId}/refund`, { reason: 'returned' });
  t.equal(refunded.json().order.payment.status, 'refunded');
  const detail = (await api(app, ada, 'GET', `/orders/${orderId}`)).json().order;
  t.match(detail, { payment: { status: 'refunded' }, paymentProofs: [] });
});

t.test('the order page shows the payment card and the form posts back a fragment', async (t) => {
  const post = await formAs(ada);
  const hx = await post(`/orders/${orderId}/payment`, [['method', 'cash'], ['reference', ''], ['amount', '']], { 'hx-request': 'true' });
  t.equal(hx.statusCode, 200, hx.body.slice(0, 200));
  t.match(hx.body, /data-payment-status="paid"/);
  t.match(hx.body, /\/orders\/[0-9a-f-]+\/receipt/);
  t.equal(hx.body.split('<b>Bisi').length, hx.body.split('value="<b>Bisi').length, 'customer text escaped (only inside attribute values)');
  t.match(hx.body, /&lt;b>Bisi/);
  const plain = await post(`/orders/${orderId}/refund`, [['reason', '']]);
  t.equal(plain.statusCode, 303);
});

t.test('receipt and packing ticket', async (t) => {
  const r = await app.inject({ method: 'GET', url: `/orders/${orderId}/receipt`, headers: { cookie: ada.cookie } });
  t.equal(r.statusCode, 200);
  t.match(r.body, /Ada Kitchen/);
  t.match(r.body, /Receipt · Order #1001/);
  t.match(r.body, /3 × Jollof Rice/);
  t.match(r.body, /₦7,500\.00/, 'line total with Intl for NG/NGN');
  t.match(r.body, /Delivery<\/td><td class="num">₦1,000\.00/);
  t.match(r.body, /-₦500\.00/);
  t.match(r.body, /class="num receipt-total">₦8,000\.00/);
  t.match(r.body, /Payment: refunded, cash/);
  t.match(r.body, /class="paper w80"/);
  t.notOk(r.body.includes('<b>Bisi'), 'escaped');
  t.notOk(r.body.includes('href="/dashboard"'), 'no navigation chrome');
  t.match(r.body, /\/static\/receipt\.css/);
  const narrow = await app.inject({ method: 'GET', url: `/orders/${orderId}/receipt?width=58&lang=es`, headers: { cookie: ada.cookie } });
  t.match(narrow.body, /class="paper w58"/);
  t.match(narrow.body, /Recibo · Pedido #1001/);
  t.equal((await app.inject({ method: 'GET', url: `/orders/${orderId}/receipt?width=100`, headers: { cookie: ada.cookie } })).statusCode, 400);
  t.equal((await app.inject({ method: 'GET', url: `/orders/${orderId}/receipt?lang=fr`, headers: { cookie: ada.cookie } })).statusCode, 400);
  const ticket = await app.inject({ method: 'GET', url: `/orders/${orderId}/ticket`, headers: { cookie: ada.cookie } });
  t.equal(ticket.statusCode, 200);
  t.match(ticket.body, /#1001/);
  t.match(ticket.body, /<td class="qty">3<\/td><td>Jollof Rice \(JR\)<\/td>/);
  t.notOk(ticket.body.includes('₦'), 'no prices on the packing ticket');
  t.match(ticket.body, /14 Admiralty Way/);
  const css = await app.inject({ method: 'GET', url: '/static/receipt.css' });
  t.match(css.body, /@media print/);
});

t.test('send the receipt on WhatsApp: recorded for the notifier', async (t) => {
  const r = await api(app, ada, 'POST', `/orders/${orderId}/receipt/send`, {});
  t.equal(r.statusCode, 200, r.body);
  const events = await rt.store.readStream(`order-${orderId}`);
  t.ok(events.some((e) => e.type === 'ReceiptSendRequested' && e.metadata.actor === ada.id));
});

t.test('another tenant’s order ids are 404 on every route', async (t) => {
  const routes: Array<['GET' | 'POST', string, unknown?]> = [
    ['POST', `/orders/${orderId}/charges`, { deliveryFee: 1, discount: 0 }],
    ['POST', `/orders/${orderId}/payment`, { method: 'cash' }],
    ['POST', `/orders/${orderId}/refund`, {}],
    ['POST', `/orders/${orderId}/receipt/send`, {}],
    ['GET', `/orders/${orderId}/receipt`],
    ['GET', `/orders/${orderId}/ticket`],
    ['GET', `/orders/${newId()}/receipt`],
    ['GET', '/orders/not-a-uuid/ticket'],
  ];
  for (const [method, url, body] of routes) t.equal((await api(app, eve, method, url, body)).statusCode, 404, `${method} ${url}`);
  t.equal((await api(app, ada, 'GET', `/orders/${eveOrder}/receipt`)).statusCode, 404);
  const after = (await api(app, ada, 'GET', `/orders/${orderId}`)).json().order;
  t.equal(after.deliveryFee, 1000, 'unchanged by the other tenant');
});

t.test('a customer’s proof on the order page: shown escaped, confirmed with one click', async (t) => {
  const id = await placeOrder(rt, { businessId: A.businessId, groupId: A.groupId, customerName: '<b>Bisi</b> Adeyemi' });
  await handlePaymentCommand(rt.store, {
    type: 'AttachPaymentProof',
    data: { orderId: id, businessId: A.businessId, groupId: A.groupId, messageId: 'wamid.proof1', text: '<img src=x onerror=alert(1)> sent the money ref TRX-77', reference: 'TRX-77', method: 'transfer', hasMedia: true, receivedAt: new Date().toISOString() },
    actor: '2348035550101@c.us', correlationId: newId(),
  });
  await waitForProjection(rt, { table: 'orders', id, revision: 1n });
  const page = await app.inject({ method: 'GET', url: `/orders/${id}`, headers: { cookie: ada.cookie } });
  t.match(page.body, /data-confirm-proof="wamid.proof1"/);
  t.match(page.body, /&lt;img src=x/);
  t.notOk(page.body.includes('<img src=x'), 'WhatsApp text is never markup');
  t.equal((await api(app, eve, 'GET', `/orders/${id}`)).statusCode, 404);
  const post = await formAs(ada);
  const r = await post(`/orders/${id}/payment`, [['proofMessageId', 'wamid.proof1'], ['method', 'transfer'], ['reference', 'TRX-77']], { 'hx-request': 'true' });
  t.equal(r.statusCode, 200, r.body.slice(0, 200));
  t.match(r.body, /data-payment-status="paid"/);
  const after = (await api(app, ada, 'GET', `/orders/${id}`)).json().order;
  t.match(after, { payment: { status: 'paid', method: 'transfer', reference: 'TRX-77' }, paymentProofs: [{ messageId: 'wamid.proof1', hasMedia: true }] });
  t.ok(after.paymentProofs[0].confirmedAt, 'the proof is marked confirmed');
});

t.test('manual orders: catalog prices, customers from the list or new, bounds and tenancy', async (t) => {
  const page = await app.inject({ method: 'GET', url: '/orders/new', headers: { cookie: ada.cookie } });
  t.equal(page.statusCode, 200);
  t.match(page.body, /Jollof Rice/);
  t.match(page.body, /data-sku="CH"/);
  t.match(page.body, /Bisi/, 'the customers list is offered');

  const id = newId();
  const body = {
    orderId: id, businessId: A.businessId, customer: { name: 'Tunde Bakare', phone: '0803 555 0199', address: '3 Marina' },
    items: [{ sku: 'CH', quantity: 2 }, { name: 'Gift wrap', quantity: 1, unitPrice: 300 }], deliveryFee: 700, discount: 0, notifyCustomer: true,
  };
  const r = await api(app, ada, 'POST', '/orders/new', body);
  t.equal(r.statusCode, 201, r.body);
  t.match(r.json().order, {
    id, channel: 'manual', status: 'pending', customerName: 'Tunde Bakare', customerPhone: '+2348035550199', totalAmount: 4000 + 300 + 700, deliveryFee: 700,
    items: [{ name: 'Chicken', sku: 'CH', quantity: 2, unitPrice: 2000 }, { name: 'Gift wrap', sku: null, quantity: 1, unitPrice: 300 }],
  });
  const again = await api(app, ada, 'POST', '/orders/new', body);
  t.equal(again.json().order.number, r.json().order.number, 'a double submit places the order once');
  const placed = (await rt.store.readStream(`order-${id}`)).find((e) => e.type === 'OrderPlaced')!;
  t.equal(placed.metadata.actor, ada.id, 'the merchant is the actor');
  t.match(placed.data, { source: { channel: 'manual', notifyCustomer: true } });

  const listed = (await api(app, ada, 'GET', '/orders?q=tunde')).json();
  t.equal(listed.orders.length, 1, 'in the order list like any order');

  // A customer from the list: their name, phone and last address.
  const fromList = await api(app, ada, 'POST', '/orders/new', { businessId: A.businessId, customer: { key: '+2348035550101' }, items: [{ sku: 'JR', quantity: 1 }] });
  t.equal(fromList.statusCode, 201, fromList.body);
  t.match(fromList.json().order, { customerName: '<b>Bisi</b> Adeyemi', customerPhone: '+2348035550101', customerAddress: '14 Admiralty Way, Lekki', totalAmount: 2500 });

  const bad: Array<[string, unknown]> = [
    ['price with a sku', { ...body, orderId: undefined, items: [{ sku: 'JR', quantity: 1, unitPrice: 1 }] }],
    ['unknown sku', { ...body, orderId: undefined, items: [{ sku: 'NOPE', quantity: 1 }] }],
    ['no items', { ...body, orderId: undefined, items: [] }],
    ['zero quantity', { ...body, orderId: undefined, items: [{ sku: 'JR', quantity: 0 }] }],
    ['too many items', { ...body, orderId: undefined, items: Array.from({ length: 501 }, () => ({ sku: 'JR', quantity: 1 })) }],
    ['long name', { ...body, orderId: undefined, customer: { name: 'n'.repeat(201) } }],
    ['long address', { ...body, orderId: undefined, customer: { name: 'x', address: 'a'.repeat(501) } }],
    ['bad phone', { ...body, orderId: undefined, customer: { name: 'x', phone: 'not a phone' } }],
    ['no customer', { ...body, orderId: undefined, customer: {} }],
    ['long notes', { ...body, orderId: undefined, deliveryNotes: 'n'.repeat(1001) }],
    ['huge fee', { ...body, orderId: undefined, deliveryFee: 1e15 }],
    ['discount over total', { ...body, orderId: undefined, discount: 99999 }],
    ['huge price', { ...body, orderId: undefined, items: [{ name: 'x', quantity: 1, unitPrice: 1e15 }] }],
  ];
  for (const [what, b] of bad) t.equal((await api(app, ada, 'POST', '/orders/new', b)).statusCode, 400, what);

  t.equal((await api(app, eve, 'POST', '/orders/new', { ...body, orderId: newId() })).statusCode, 404, 'another tenant’s business');
  t.equal((await api(app, eve, 'POST', '/orders/new', { ...body, orderId: newId(), businessId: E.businessId, groupId: A.groupId })).statusCode, 404, 'another tenant’s group');
  t.equal((await api(app, eve, 'POST', '/orders/new', { businessId: E.businessId, customer: { key: '+2348035550199' }, items: [{ sku: 'JR', quantity: 1 }] })).statusCode, 404, 'another tenant’s customer');
  t.equal((await api(app, eve, 'POST', '/orders/new', { ...body, businessId: E.businessId })).statusCode, 404, 'reusing another tenant’s order id');
  t.equal((await api(app, eve, 'GET', `/orders/new?businessId=${A.businessId}`)).statusCode, 404);
  const count = await rt.pool.oneFirst(sql.type(z.object({ n: z.coerce.number() }))`select count(*) as n from orders where business_id = ${E.businessId}`);
  t.equal(count, 1, 'nothing placed for the other tenant');
});

t.test('manual order from the browser form (catalog picker)', async (t) => {
  const post = await formAs(ada);
  const id = newId();
  const r = await post('/orders/new', [
    ['orderId', id], ['businessId', A.businessId], ['groupId', A.groupId], ['customerKey', ''],
    ['customerName', 'Walk-in'], ['customerPhone', ''], ['customerAddress', ''],
    ['sku', 'JR'], ['qty', '2'], ['sku', 'CH'], ['qty', ''],
    ['itemName', ''], ['itemQty', ''], ['itemPrice', ''],
    ['deliveryFee', ''], ['discount', '500'], ['deliveryNotes', 'no pepper'],
  ]);
  t.equal(r.statusCode, 303, r.body.slice(0, 300));
  t.equal(r.headers.location, `/orders/${id}`);
  const o = (await api(app, ada, 'GET', `/orders/${id}`)).json().order;
  t.match(o, { channel: 'manual', totalAmount: 4500, discount: 500, deliveryNotes: 'no pepper', items: [{ sku: 'JR', quantity: 2 }] });
  t.equal(o.items.length, 1);
  const tooLong = await post('/orders/new', [['businessId', A.businessId], ['customerName', 'x'.repeat(201)], ['sku', 'JR'], ['qty', '1']]);
  t.equal(tooLong.statusCode, 400);
  const manyRows = await post('/orders/new', [['businessId', A.businessId], ['customerName', 'x'], ...Array.from({ length: 51 }, (): [string, string] => ['itemName', 'x'])]);
  t.equal(manyRows.statusCode, 400);
});
