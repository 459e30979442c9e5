// Who may change an order, end to end through the simulator (issue 17 §2): customers post in the
// "Try it" sales group over POST /api/simulator/messages, the session child hands the messages to
// the intake, and the merchant reads why a message was ignored in the message log and undoes a
// wrong change from the API.
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
const BOLA = { name: 'Bola', phone: '+2348039999999' };

t.test('a stranger cannot cancel an order from the sales group; its customer can; the merchant can undo', async (t) => {
  const merchant = await register(app, 'merchant_auth');
  const businessId = (await api(app, merchant, 'POST', '/business', { name: 'Mama Put', country: 'NG' })).json().business.id as string;
  await api(app, merchant, 'PUT', `/business/${businessId}/catalog`, { products: [{ sku: 'JR', name: 'Jollof Rice', price: 2500, aliases: ['jollof'] }] });
  const groupId = (await api(app, merchant, 'POST', '/groups', { name: 'Sales', groupType: 'sales', businessId })).json().group.id as string;
  t.equal((await api(app, merchant, 'POST', `/business/${businessId}/whatsapp`, { transport: 'simulator' })).statusCode, 202);

  const post = async (from: { name: string; phone: string }, text: string) => {
    const r = await api(app, merchant, 'POST', '/api/simulator/messages', { groupId, from, text });
    if (r.statusCode !== 202) throw new Error(`simulator message: ${r.statusCode} ${r.body}`);
    return r.json().messageId as string;
  };
  const order = async () => (await api(app, merchant, 'GET', `/orders?businessId=${businessId}`)).json().orders?.[0] as { id: string; number: number; status: string } | undefined;
  const feed = async () => (await app.inject({ method: 'GET', url: `/business/${businessId}/simulator/feed`, headers: { cookie: merchant.cookie } })).body;
  const outbox = async () => ((await api(app, merchant, 'GET', `/api/simulator/outbox?groupId=${groupId}`)).json().messages ?? []) as Array<{ to: string; text: string }>;

  await post(ADA, 'Name: Ada Obi\nPhone: 0803 123 4567\nAddress: 12 Allen Avenue, Ikeja\n2x Jollof Rice');
  const placed = await waitFor('the order', order, 60_000);
  t.match(placed, { number: 1001, status: 'pending' });

  await post(BOLA, '#1001 cancelled');
  const log = await waitFor('the refusal in the message log', async () => {
    const body = await feed();
    return body.includes('only the customer who placed #1001 can cancel it') ? body : null;
  }, 60_000);
  t.match(log, /Bola<\/strong>: <span class="text">#1001 cancelled<\/span> <span class="muted">ignored<\/span><span class="muted outcome-reason ignored"> — only the customer who placed #1001 can cancel it<\/span>/);
  t.equal((await order())?.status, 'pending', "the stranger's message changed nothing");
  const told = await waitFor('the bot tells the stranger why', async () => (await outbox()).find((m) => /only the customer who placed order #1001/.test(m.text)), 30_000);
  t.equal(told.to, '2348039999999@c.us');

  await post(ADA, 'cancel my order');
  await waitFor('the cancellation', async () => (await order())?.status === 'cancelled', 60_000);
  t.ok(await waitFor('the status reply', async () => (await outbox()).some((m) => m.text === 'Order #1001 has been cancelled.'), 30_000));

  const undo = await api(app, merchant, 'POST', `/orders/${placed.id}/undo`, { reason: 'customer changed her mind' });
  t.equal(undo.statusCode, 200, undo.body);
  t.match(undo.json().order, { status: 'pending', statusHistory: [{ status: 'pending' }, { status: 'cancelled', actor: '2348031234567@c.us' }, { status: 'pending', actor: merchant.id, undoneFrom: 'cancelled' }] });
});
