// Customers API and pages: list with search, a buyer's page with orders, totals and a repeat flag,
// the merchant's note (an event, then the read model), the link from an order, escaping, tenancy.
import t from 'tap';
import { api, placeOrder, register, webEnv } from './harness.ts';

const env = await webEnv();
t.teardown(env.close);
const { app, rt } = env;

const ada = await register(app, 'ada_cust');
const eve = await register(app, 'eve_cust');
const biz = async (m: typeof ada, name: string) => {
  const b = await api(app, m, 'POST', '/business', { name, country: 'NG' });
  const businessId = b.json().business.id as string;
  const g = await api(app, m, 'POST', '/groups', { name: 'Sales', groupType: 'sales', businessId });
  return { businessId, groupId: g.json().group.id as string };
};
const A = await biz(ada, 'Ada Kitchen');
const E = await biz(eve, 'Eve Kitchen');
const first = await placeOrder(rt, { businessId: A.businessId, groupId: A.groupId, customerName: '<b>Bisi</b> Adeyemi' });
await placeOrder(rt, { businessId: A.businessId, groupId: A.groupId, customerName: '<b>Bisi</b> Adeyemi' });
await placeOrder(rt, { businessId: E.businessId, groupId: E.groupId, customerName: 'Eve buyer' });
const KEY = '+2348035550101';
const wait = async (fn: () => Promise<boolean>) => {
  for (let i = 0; i < 50 && !(await fn()); i++) await new Promise((r) => setTimeout(r, 100));
};
await wait(async () => (await api(app, ada, 'GET', '/customers')).json().customers?.[0]?.orderCount === 2);

t.test('list, search and detail', async (t) => {
  const list = (await api(app, ada, 'GET', '/customers')).json();
  t.equal(list.customers.length, 1);
  t.match(list.customers[0], { key: KEY, businessId: A.businessId, orderCount: 2, totalSpent: { amount: 10000, currency: 'NGN' }, repeat: true, note: '' });
  t.equal((await api(app, ada, 'GET', '/customers?q=bisi')).json().customers.length, 1, 'by name');
  t.equal((await api(app, ada, 'GET', '/customers?q=0803%20555%200101')).json().customers.length, 1, 'by local phone');
  t.equal((await api(app, ada, 'GET', '/customers?q=nobody')).json().customers.length, 0);
  t.equal((await api(app, ada, 'GET', `/customers?q=${'x'.repeat(101)}`)).statusCode, 400, 'bounded query');
  const d = (await api(app, ada, 'GET', `/customers/${encodeURIComponent(KEY)}`)).json().customer;
  t.match(d, { key: KEY, orderCount: 2, repeat: true, totalSpent: [{ currency: 'NGN', amount: 10000 }] });
  t.equal(d.orders.length, 2);
  t.ok(d.orders.some((o: { id: string }) => o.id === first));
});

t.test('a note: saved as an event, shown, escaped', async (t) => {
  const r = await api(app, ada, 'POST', `/customers/${encodeURIComponent(KEY)}/note`, { businessId: A.businessId, note: 'Prefers <script>alert(1)</script> evening delivery' });
  t.equal(r.statusCode, 200, r.body);
  t.equal(r.json().customer.businesses[0].note, 'Prefers <script>alert(1)</script> evening delivery');
  const page = await app.inject({ method: 'GET', url: `/customers/${encodeURIComponent(KEY)}`, headers: { cookie: ada.cookie } });
  t.equal(page.statusCode, 200);
  t.notOk(page.body.includes('<script>alert(1)'), 'the note is escaped');
  t.notOk(page.body.includes('<b>Bisi'), 'the WhatsApp name is escaped');
  const tooLong = await api(app, ada, 'POST', `/customers/${encodeURIComponent(KEY)}/note`, { businessId: A.businessId, note: 'x'.repeat(2001) });
  t.ok(tooLong.statusCode >= 400, `an over-long note is refused (${tooLong.statusCode} ${tooLong.body.slice(0, 80)})`);
  const list = await app.inject({ method: 'GET', url: '/customers', headers: { cookie: ada.cookie } });
  t.ok(list.body.includes('evening delivery'));
});

t.test('the order page links to its customer', async (t) => {
  const page = await app.inject({ method: 'GET', url: `/orders/${first}`, headers: { cookie: ada.cookie } });
  t.ok(page.body.includes(`/customers/${encodeURIComponent(KEY)}?businessId=${A.businessId}`));
});

t.test('tenancy: the same phone at another merchant shows only their own', async (t) => {
  const d = (await api(app, eve, 'GET', `/customers/${encodeURIComponent(KEY)}`)).json().customer;
  t.same(d.businesses.map((b: { businessId: string }) => b.businessId), [E.businessId]);
  t.equal(d.orders.length, 1);
  t.notOk(JSON.stringify(d).includes('evening delivery'));
  t.equal((await api(app, eve, 'GET', `/customers/${encodeURIComponent(KEY)}?businessId=${A.businessId}`)).statusCode, 404);
  t.equal((await api(app, eve, 'POST', `/customers/${encodeURIComponent(KEY)}/note`, { businessId: A.businessId, note: 'hacked' })).statusCode, 404);
  t.equal((await api(app, eve, 'GET', `/customers?businessId=${A.businessId}`)).statusCode, 404);
  const long = (await api(app, eve, 'GET', `/customers/${'k'.repeat(201)}`)).statusCode;
  t.ok(long === 404 || long === 400 || long === 414, `an over-long key is refused (${long})`);
});
