// WhatsApp setup without typing ids (issue 14), through the HTTP API with the worker running the
// simulator: groups renamed, retyped, relinked and unlinked (history stays, nothing new taken);
// reply templates checked on save and used in the next reply; the account's chat list answered by
// the session child; delivery-group summaries a rider answers by quoting; admin-group alerts.
// Every endpoint answers another tenant's ids with 404.
import t from 'tap';
import { startWorker } from '../../src/whatsapp/role.ts';
import { waitFor } from '../admin/helpers.ts';
import { api, placeOrder, register, webEnv, type Merchant } from './harness.ts';

const env = await webEnv();
const { app, rt } = env;
const stopWorker = await startWorker(rt, { ready: () => undefined });
t.teardown(async () => {
  await stopWorker();
  await env.close();
});

const ADA = { name: 'Ada', phone: '+2348031234567' };
const RIDER = { name: 'Rider Tunde', phone: '+2348090000001' };

async function shop(m: Merchant, name: string) {
  const businessId = (await api(app, m, 'POST', '/business', { name, country: 'NG' })).json().business.id as string;
  await api(app, m, 'PUT', `/business/${businessId}/catalog`, { products: [{ sku: 'JR', name: 'Jollof Rice', price: 2500, aliases: ['jollof'] }] });
  const group = async (groupName: string, groupType: string, whatsappId?: string) => {
    const r = await api(app, m, 'POST', '/groups', { name: groupName, groupType, businessId, ...(whatsappId ? { whatsappId } : {}) });
    if (r.statusCode !== 201) throw new Error(`group: ${r.statusCode} ${r.body}`);
    return r.json().group.id as string;
  };
  return { businessId, group };
}

const owner = await register(app, 'setup_owner');
const stranger = await register(app, 'setup_stranger');

t.test('groups: rename, retype, relink, unlink; history stays; another tenant gets 404', async (t) => {
  const { businessId, group } = await shop(owner, 'Groups Shop');
  const groupId = await group('Sales', 'sales', '120363000000000001@g.us');
  const orderId = await placeOrder(rt, { businessId, groupId });

  const renamed = await api(app, owner, 'PUT', `/groups/${groupId}`, { name: 'Riders', groupType: 'delivery', whatsappId: '120363000000000002@g.us' });
  t.equal(renamed.statusCode, 200, renamed.body);
  t.match(renamed.json().group, { id: groupId, name: 'Riders', groupType: 'delivery', whatsappId: '120363000000000002@g.us' });
  const events = (await rt.store.readStream(`group-${groupId}`)).map((e) => e.type);
  t.same(events, ['GroupLinked', 'GroupUpdated'], 'recorded as an event');

  t.equal((await api(app, owner, 'PUT', `/groups/${groupId}`, { name: 'x'.repeat(121) })).statusCode, 400, 'names are bounded');
  t.equal((await api(app, owner, 'PUT', `/groups/${groupId}`, { groupType: 'vip' })).statusCode, 400);
  const other = await group('Other', 'sales', '120363000000000003@g.us');
  t.equal((await api(app, owner, 'PUT', `/groups/${other}`, { whatsappId: '120363000000000002@g.us' })).statusCode, 409, 'a chat belongs to one group');

  t.equal((await api(app, stranger, 'PUT', `/groups/${groupId}`, { name: 'Mine now' })).statusCode, 404, "another tenant's group: PUT 404");
  t.equal((await api(app, stranger, 'DELETE', `/groups/${groupId}`)).statusCode, 404, "another tenant's group: DELETE 404");

  const unlinked = await api(app, owner, 'DELETE', `/groups/${groupId}`);
  t.equal(unlinked.statusCode, 200, unlinked.body);
  t.same((await rt.store.readStream(`group-${groupId}`)).map((e) => e.type), ['GroupLinked', 'GroupUpdated', 'GroupUnlinked']);
  const groups = (await api(app, owner, 'GET', `/groups?businessId=${businessId}`)).json().groups as Array<{ id: string }>;
  t.notOk(groups.some((g) => g.id === groupId), 'an unlinked group leaves the list');
  t.equal((await api(app, owner, 'GET', `/orders/${orderId}`)).statusCode, 200, 'its orders stay');
  t.equal((await api(app, owner, 'DELETE', `/groups/${groupId}`)).statusCode, 404, 'unlinking twice finds nothing');
  t.equal((await api(app, owner, 'PUT', `/groups/${groupId}`, { name: 'Back' })).statusCode, 404);
  // Its chat is free again for another group.
  t.equal((await api(app, owner, 'PUT', `/groups/${other}`, { whatsappId: '120363000000000002@g.us' })).statusCode, 200);
});

t.test('an unlinked group: its messages are no longer taken', async (t) => {
  const { businessId, group } = await shop(owner, 'Unlink Shop');
  const sales = await group('Sales', 'sales');
  t.equal((await api(app, owner, 'POST', `/business/${businessId}/whatsapp`, { transport: 'simulator' })).statusCode, 202);
  await waitFor('simulator working', async () => (await api(app, owner, 'GET', `/business/${businessId}/whatsapp`)).json().session.state === 'WORKING', 60_000);
  t.equal((await api(app, owner, 'DELETE', `/groups/${sales}`)).statusCode, 200);
  const r = await api(app, owner, 'POST', '/api/simulator/messages', { groupId: sales, from: ADA, text: '2 jollof rice to 12 Allen Avenue' });
  t.equal(r.statusCode, 404, 'the simulator no longer posts into it');
  await api(app, owner, 'DELETE', `/business/${businessId}/whatsapp`);
});

t.test('templates: checked on save, tenant-scoped, used in the next reply', async (t) => {
  const { businessId, group } = await shop(owner, 'Template Shop');
  const sales = await group('Sales', 'sales');

  const got = await api(app, owner, 'GET', `/business/${businessId}/templates`);
  t.equal(got.statusCode, 200);
  t.match(got.json().templates.find((x: { language: string; key: string }) => x.language === 'en' && x.key === 'order.confirmation'), {
    text: 'Thank you{name}! Order #{number} received: {items}. Total: {total}.', custom: false, placeholders: ['number', 'name', 'items', 'total'],
  });

  const bad = await api(app, owner, 'PUT', `/business/${businessId}/templates`, { templates: [{ language: 'en', key: 'order.confirmation', text: 'Hi {customer}, #{number}' }] });
  t.equal(bad.statusCode, 400);
  t.match(bad.json().message, /unknown placeholder \{customer\}/);
  const badStatus = await api(app, owner, 'PUT', `/business/${businessId}/templates`, { templates: [{ language: 'es', key: 'order.status.delivered', text: 'Entregado {total}' }] });
  t.match(badStatus.json().message, /order\.status\.delivered \(es\): unknown placeholder \{total\}/, 'a placeholder another reply has is still unknown here');
  t.equal((await api(app, owner, 'PUT', `/business/${businessId}/templates`, { templates: [{ language: 'en', key: 'order.nope', text: 'x' }] })).statusCode, 400, 'unknown template key');
  t.equal((await api(app, owner, 'PUT', `/business/${businessId}/templates`, { templates: [{ language: 'en', key: 'order.confirmation', text: 'x'.repeat(1001) }] })).statusCode, 400, 'bounded length');
  t.equal((await api(app, owner, 'PUT', `/business/${businessId}/templates`, { templates: [{ language: 'xx', key: 'order.confirmation', text: 'x' }] })).statusCode, 400);

  t.equal((await api(app, stranger, 'GET', `/business/${businessId}/templates`)).statusCode, 404, "another tenant's templates: GET 404");
  t.equal((await api(app, stranger, 'PUT', `/business/${businessId}/templates`, { templates: [] })).statusCode, 404, 'PUT 404');
  t.equal((await app.inject({ method: 'POST', url: `/business/${businessId}/templates/preview`, headers: { cookie: stranger.cookie, 'content-type': 'application/json' }, payload: { language: 'en' } })).statusCode, 404, 'preview 404');

  const preview = await app.inject({
    method: 'POST', url: `/business/${businessId}/templates/preview`, headers: { cookie: owner.cookie, 'content-type': 'application/json' },
    payload: { language: 'en', 'tpl:order.confirmation': 'Hey{name}, <b>#{number}</b> = {total}', 'tpl:order.status.delivered': 'Done {oops}' },
  });
  t.equal(preview.statusCode, 200);
  t.match(preview.body, 'Hey, Ada, &lt;b>#1001&lt;/b> = NGN 5,500', 'the preview fills sample values and escapes markup');
  t.match(preview.body, 'Unknown placeholder {oops}');

  const saved = await api(app, owner, 'PUT', `/business/${businessId}/templates`, {
    templates: [{ language: 'en', key: 'order.confirmation', text: 'Got it{name}! #{number}: {items} = {total}' }],
  });
  t.equal(saved.statusCode, 200, saved.body);
  t.match(saved.json().templates.find((x: { language: string; key: string }) => x.language === 'en' && x.key === 'order.confirmation'), { custom: true });

  t.equal((await api(app, owner, 'POST', `/business/${businessId}/whatsapp`, { transport: 'simulator' })).statusCode, 202);
  await waitFor('simulator working', async () => (await api(app, owner, 'GET', `/business/${businessId}/whatsapp`)).json().session.state === 'WORKING', 60_000);
  await api(app, owner, 'POST', '/api/simulator/messages', { groupId: sales, from: ADA, text: 'Name: Ada Obi\nPhone: 0803 123 4567\n2x Jollof Rice\ndeliver to 12 Allen Avenue, Ikeja' });
  const reply = await waitFor('the confirmation', async () => ((await api(app, owner, 'GET', `/api/simulator/outbox?groupId=${sales}`)).json().messages as Array<{ text: string }>)[0], 60_000);
  t.equal(reply.text, 'Got it, Ada! #1001: 2 x Jollof Rice = NGN 5,000', 'the next reply uses the saved template');
  await api(app, owner, 'DELETE', `/business/${businessId}/whatsapp`);
});

t.test('chat list: answered by the session child; simulated groups; another tenant gets 404', async (t) => {
  const { businessId, group } = await shop(owner, 'Chats Shop');
  const notLinked = await api(app, owner, 'GET', `/business/${businessId}/whatsapp/chats`);
  t.equal(notLinked.statusCode, 409, 'nothing to list before WhatsApp is linked');
  t.match(notLinked.json().message, /not linked yet/);

  t.equal((await api(app, owner, 'POST', `/business/${businessId}/whatsapp`, { transport: 'simulator' })).statusCode, 202);
  await waitFor('simulator working', async () => (await api(app, owner, 'GET', `/business/${businessId}/whatsapp`)).json().session.state === 'WORKING', 60_000);
  const created = await api(app, owner, 'POST', '/api/simulator/groups', { businessId, name: 'Lagos <buyers>' });
  t.equal(created.statusCode, 201, created.body);
  const chatId = created.json().chat.id as string;
  t.match(chatId, /^sim-[0-9a-f]{20}@g\.us$/);
  t.equal((await api(app, stranger, 'POST', '/api/simulator/groups', { businessId, name: 'Mine' })).statusCode, 404, "another tenant's business: 404");
  t.equal((await api(app, owner, 'POST', '/api/simulator/groups', { businessId, name: '' })).statusCode, 400);

  const sales = await group('Old sales', 'sales');
  await api(app, owner, 'POST', '/api/simulator/messages', { groupId: sales, from: ADA, text: 'hello' });
  await new Promise((r) => setTimeout(r, 300));

  const list = await api(app, owner, 'GET', `/business/${businessId}/whatsapp/chats`);
  t.equal(list.statusCode, 200, list.body);
  const chats = list.json().chats as Array<{ id: string; name: string; isGroup: boolean; participants: number | null; lastMessageAt: string | null; linkedGroup: { id: string } | null }>;
  t.match(chats.find((c) => c.id === chatId), { name: 'Lagos <buyers>', isGroup: true, participants: 0, lastMessageAt: null, linkedGroup: null });
  t.match(chats.find((c) => c.id === `sim-${sales}@g.us`), { isGroup: true, participants: 1, linkedGroup: { id: sales } }, 'a chat that received messages is listed with who wrote there');
  t.ok(chats.findIndex((c) => c.id === `sim-${sales}@g.us`) < chats.findIndex((c) => c.id === chatId), 'most recent first');
  t.equal((await api(app, stranger, 'GET', `/business/${businessId}/whatsapp/chats`)).statusCode, 404, "another tenant's chats: 404");

  // Picking it links a group to that chat; the list then says so.
  const linked = await group('Lagos buyers', 'sales', chatId);
  const again = (await api(app, owner, 'GET', `/business/${businessId}/whatsapp/chats`)).json().chats as typeof chats;
  t.match(again.find((c) => c.id === chatId), { linkedGroup: { id: linked } });
  const html = await app.inject({ method: 'GET', url: `/business/${businessId}/whatsapp/chats`, headers: { cookie: owner.cookie } });
  t.match(html.body, '<strong>Lagos &lt;buyers></strong>', 'chat names are text');
  await api(app, owner, 'DELETE', `/business/${businessId}/whatsapp`);
});

t.test('delivery summary a rider answers by quoting it; admin alert; settings are tenant-scoped', async (t) => {
  const { businessId, group } = await shop(owner, 'Delivery Shop');
  const sales = await group('Sales', 'sales');
  const delivery = await group('Riders', 'delivery');
  const admin = await group('Staff', 'admin');

  t.same((await api(app, owner, 'GET', `/business/${businessId}/notifications`)).json().notifications, { deliverySummary: false, adminAlerts: false, reviewQuestion: false });
  t.equal((await api(app, stranger, 'PUT', `/business/${businessId}/notifications`, { deliverySummary: true })).statusCode, 404, "another tenant's settings: PUT 404");
  t.equal((await api(app, stranger, 'GET', `/business/${businessId}/notifications`)).statusCode, 404, 'GET 404');
  const set = await api(app, owner, 'PUT', `/business/${businessId}/notifications`, { deliverySummary: true, adminAlerts: true, reviewQuestion: true });
  t.same(set.json().notifications, { deliverySummary: true, adminAlerts: true, reviewQuestion: true });
  t.equal((await api(app, owner, 'PUT', `/business/${businessId}/notifications`, { deliverySummary: 'yes' })).statusCode, 400);

  t.equal((await api(app, owner, 'POST', `/business/${businessId}/whatsapp`, { transport: 'simulator' })).statusCode, 202);
  await waitFor('simulator working', async () => (await api(app, owner, 'GET', `/business/${businessId}/whatsapp`)).json().session.state === 'WORKING', 60_000);
  const outbox = async (groupId: string) => (await api(app, owner, 'GET', `/api/simulator/outbox?groupId=${groupId}`)).json().messages as Array<{ id: string; to: string; text: string }>;
  await api(app, owner, 'POST', '/api/simulator/messages', { groupId: sales, from: ADA, text: 'Name: Ada Obi\nPhone: 0803 123 4567\n2x Jollof Rice\ndeliver to 12 Allen Avenue, Ikeja' });
  const order = await waitFor('the order', async () => (await api(app, owner, 'GET', `/orders?businessId=${businessId}`)).json().orders?.[0] as { id: string } | undefined, 60_000);
  const alert = await waitFor('the admin alert', async () => (await outbox(admin))[0], 30_000);
  t.equal(alert.text, 'New order #1001, Ada: 2 x Jollof Rice. Total: NGN 5,000.');

  t.equal((await api(app, owner, 'POST', `/orders/${order.id}/status`, { status: 'confirmed' })).statusCode, 200);
  const summary = await waitFor('the delivery summary', async () => (await outbox(delivery))[0], 30_000);
  t.equal(summary.to, 'riders');
  t.match(summary.text, /^Order #1001 confirmed\nItems: 2 x Jollof Rice\nTotal: NGN 5,000\nAddress: 12 Allen Avenue, Ikeja\nCustomer: Ada Obi \+2348031234567\n/);

  // The rider answers the summary by quoting it, without the number.
  await api(app, owner, 'POST', '/api/simulator/messages', { groupId: delivery, from: RIDER, text: 'delivered', replyTo: summary.id });
  await waitFor('delivered by the rider', async () => (await api(app, owner, 'GET', `/orders/${order.id}`)).json().order?.status === 'delivered', 60_000);
  const replies = await waitFor('status and review question', async () => {
    const out = await outbox(sales);
    // Both replies of the delivery are sent, in whichever order the outbox sends them.
    return out.some((m) => /How was order #1001/.test(m.text)) && out.some((m) => /^Order #1001 has been delivered/.test(m.text)) ? out : null;
  }, 30_000);
  t.ok(replies.some((m) => m.text === 'Order #1001 has been delivered. Thank you!'));
  t.ok(replies.some((m) => m.text === 'How was order #1001, Ada? Reply with a number from 1 (bad) to 5 (great).'), 'the review question follows');
  await api(app, owner, 'DELETE', `/business/${businessId}/whatsapp`);
});
