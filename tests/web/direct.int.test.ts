// Direct chats through the web and the simulator (issue 14): the conversation settings of a
// business, a direct message posted with `businessId` (no `groupId`) becoming an order answered in
// that customer's chat (GET /api/simulator/outbox?businessId=…&phone=…), and another tenant's
// business answering 404 on every one of these endpoints.
import t from 'tap';
import { startWorker } from '../../src/whatsapp/role.ts';
import { waitFor } from '../admin/helpers.ts';
import { api, register, webEnv } from './harness.ts';

const env = await webEnv();
const { app, rt } = env;
const stopWorker = await startWorker(rt, { ready: () => undefined });
t.teardown(async () => {
  await stopWorker();
  await env.close();
});

const ADA = { name: 'Ada', phone: '+2348031234567' };

t.test('a direct message becomes an order confirmed in that chat; settings; another tenant gets 404', async (t) => {
  const merchant = await register(app, 'merchant_direct');
  const other = await register(app, 'other_direct');
  const businessId = (await api(app, merchant, 'POST', '/business', { name: 'Mama Put', country: 'NG' })).json().business.id as string;
  await api(app, merchant, 'PUT', `/business/${businessId}/catalog`, { products: [{ sku: 'BR', name: 'Bread', price: 800, aliases: [] }] });
  t.equal((await api(app, merchant, 'POST', `/business/${businessId}/whatsapp`, { transport: 'simulator' })).statusCode, 202);

  const settings = await api(app, merchant, 'GET', `/business/${businessId}/conversations`);
  t.same(settings.json(), { settings: { directOrders: true, replyMode: 'group', selfEditWindowMinutes: 30 } }, 'defaults: direct orders on, replies in the group, 30 minutes');
  const bad = await api(app, merchant, 'PUT', `/business/${businessId}/conversations`, { selfEditWindowMinutes: 5000 });
  t.equal(bad.statusCode, 400, 'the window is bounded');
  const saved = await api(app, merchant, 'PUT', `/business/${businessId}/conversations`, { replyMode: 'private', selfEditWindowMinutes: 45 });
  t.same(saved.json(), { settings: { directOrders: true, replyMode: 'private', selfEditWindowMinutes: 45 } });

  // Another tenant: every endpoint answers as if the business did not exist.
  t.equal((await api(app, other, 'GET', `/business/${businessId}/conversations`)).statusCode, 404);
  t.equal((await api(app, other, 'PUT', `/business/${businessId}/conversations`, { directOrders: false })).statusCode, 404);
  t.equal((await api(app, other, 'POST', '/api/simulator/messages', { businessId, from: ADA, text: '2 bread' })).statusCode, 404);
  t.equal((await api(app, other, 'GET', `/api/simulator/outbox?businessId=${businessId}&phone=%2B2348031234567`)).statusCode, 404);
  t.equal((await api(app, merchant, 'GET', `/api/simulator/outbox?businessId=${businessId}`)).statusCode, 400, 'a phone is required with a businessId');

  const posted = await api(app, merchant, 'POST', '/api/simulator/messages', { businessId, from: ADA, text: 'Name: Ada Obi\nAddress: 14 Admiralty Way\n2x Bread' });
  t.equal(posted.statusCode, 202, posted.body);
  const order = await waitFor('the order', async () => (await api(app, merchant, 'GET', `/orders?businessId=${businessId}`)).json().orders?.[0] as { number: number; totalAmount: number } | undefined, 60_000);
  t.match(order, { number: 1001, totalAmount: 1600 });
  const outbox = await waitFor('the private confirmation', async () => {
    const m = (await api(app, merchant, 'GET', `/api/simulator/outbox?businessId=${businessId}&phone=%2B2348031234567`)).json().messages as Array<{ to: string; text: string }>;
    return m.length ? m : null;
  }, 30_000);
  t.match(outbox, [{ text: /^Thank you, Ada! Order #1001 received: 2 x Bread\. Total: NGN 1,600\./ }]);
  t.same((await api(app, merchant, 'GET', `/api/simulator/outbox?businessId=${businessId}&phone=2348039999999`)).json(), { messages: [] }, "another customer's chat is empty");

  // Turned off: the simulator still delivers, the session does not take it.
  await api(app, merchant, 'PUT', `/business/${businessId}/conversations`, { directOrders: false });
  await new Promise((r) => setTimeout(r, 5_500)); // the session re-reads the setting within 5 s
  t.equal((await api(app, merchant, 'POST', '/api/simulator/messages', { businessId, from: ADA, text: 'Name: Ada Obi\nAddress: 14 Admiralty Way\n3x Bread' })).statusCode, 202);
  await new Promise((r) => setTimeout(r, 3_000));
  t.equal((await api(app, merchant, 'GET', `/orders?businessId=${businessId}`)).json().orders.length, 1, 'no second order');
});
