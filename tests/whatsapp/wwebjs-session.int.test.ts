// The whatsapp-web.js adapter inside a real Session on PostgreSQL, over the fake client that
// behaves like whatsapp-web.js 1.34.7: a `@lid` customer's order carries their phone, an edit and
// a deletion land on the chat stream, a message seen twice through different id forms is stored
// once, a send WhatsApp rejects (ack -1) is retried and then goes out once, and a device unlinked
// from the phone fails the session with a reason instead of restarting.
import t from 'tap';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'slonik';
import { z } from 'zod';
import { createLogger } from '../../src/logger.ts';
import { newId } from '../../src/shared/ids.ts';
import { Session } from '../../src/whatsapp/session.ts';
import { WwebjsTransport } from '../../src/whatsapp/transports/wwebjs.ts';
import { asSeenWithPhone, FakeWaClient, GROUP, groupMessage } from './fake-wwebjs.ts';
import { seedBusiness, testRuntime, waitFor } from './helpers.ts';

const { rt, done } = await testRuntime();
t.teardown(done);

async function session(businessId: string, client: FakeWaClient) {
  const dir = mkdtempSync(join(tmpdir(), 'novi-wwebjs-'));
  const transport = new WwebjsTransport({ sessionId: 's', sessionPath: dir, chromiumPath: '/nope', dataDir: dir, ackTimeoutMs: 500, createClient: async () => client });
  const s = new Session({
    sessionId: newId(), businessId, pool: rt.pool, store: rt.store, transport, logger: createLogger('error', { pretty: false }),
    outboxPollMs: 100, outboxRetry: { baseMs: 300, maxMs: 600, attempts: 5, visibilityMs: 2000 },
  });
  await s.start();
  s.startOutbox();
  client.emit('ready');
  await waitFor('working', async () => s.state === 'WORKING');
  return s;
}

const chat = async (groupId: string) => rt.store.readStream(`chat-${groupId}`);

t.test('LID senders, edits, deletions and dedupe through the session', async (t) => {
  const shop = await seedBusiness(rt, { whatsappId: GROUP });
  const client = new FakeWaClient();
  client.lids.set('123456789012345@lid', '2348031234567@c.us');
  const s = await session(shop.businessId, client);
  t.teardown(() => s.stop({ logout: false }));
  const m = groupMessage({ id: '3EB0SESSION01', author: '123456789012345@lid', body: '2 jollof rice, deliver to 14 Allen Avenue', name: 'Ada' });
  client.receive(m);
  client.receive(asSeenWithPhone(m, '2348031234567@c.us'));
  const received = await waitFor('recorded', async () => {
    const r = (await chat(shop.groupId)).filter((e) => e.type === 'MessageReceived');
    return r.length ? r : null;
  });
  await new Promise((r) => setTimeout(r, 200));
  t.equal((await chat(shop.groupId)).filter((e) => e.type === 'MessageReceived').length, 1, 'stored once');
  t.match(received[0]!.data, { sender: { id: '123456789012345@lid', phone: '+2348031234567', name: 'Ada' } });
  client.edit(m, '3 jollof rice, deliver to 14 Allen Avenue');
  client.revoke(m);
  const changes = await waitFor('edit and deletion recorded', async () => {
    const c = (await chat(shop.groupId)).filter((e) => e.type === 'MessageEdited' || e.type === 'MessageRevoked');
    return c.length === 2 ? c : null;
  });
  t.match(changes.map((e) => [e.type, e.data]), [
    ['MessageEdited', { messageId: `${GROUP}_3EB0SESSION01`, text: '3 jollof rice, deliver to 14 Allen Avenue', senderId: '123456789012345@lid' }],
    ['MessageRevoked', { messageId: `${GROUP}_3EB0SESSION01` }],
  ]);
});

t.test('a reply WhatsApp rejects (ack -1) is retried, then sent once', async (t) => {
  const CHAT = '120363041234567891@g.us';
  const shop = await seedBusiness(rt, { whatsappId: CHAT });
  const client = new FakeWaClient();
  client.chats.set(CHAT, []);
  client.nextAck = -1;
  const s = await session(shop.businessId, client);
  t.teardown(() => s.stop({ logout: false }));
  const id = newId();
  await rt.pool.query(sql.type(z.object({}))`
    insert into whatsapp_outbox (id, business_id, group_id, kind, recipient, text, cause_event_id)
    values (${id}, ${shop.businessId}, ${shop.groupId}, 'other', '+2348035550101', 'Order #1001 received', ${newId()})`);
  const row = () => rt.pool.one(sql.type(z.object({ status: z.string(), attempts: z.number(), last_error: z.string().nullable() }))`
    select status, attempts, last_error from whatsapp_outbox where id = ${id}`);
  await waitFor('first attempt failed', async () => (await row()).last_error !== null, 15_000, 50);
  t.match((await row()).last_error, /rejected by WhatsApp/);
  t.not((await row()).status, 'sent');
  client.nextAck = 1;
  await waitFor('sent', async () => (await row()).status === 'sent', 15_000, 50);
  const accepted = client.chats.get(CHAT)!.filter((x) => x.id.fromMe && x.ack === 1);
  t.equal(accepted.length, 1, 'one accepted copy in the chat');
  t.equal((await chat(shop.groupId)).filter((e) => e.type === 'MessageSent').length, 1);
  t.notOk(client.seen.has(CHAT), 'never marked the chat read');
});

t.test('a device unlinked from the phone fails the session with the reason', async (t) => {
  const shop = await seedBusiness(rt, { whatsappId: '120363041234567892@g.us' });
  const client = new FakeWaClient();
  const s = await session(shop.businessId, client);
  client.changeState('UNPAIRED');
  const outcome = await s.done;
  t.equal(outcome.kind, 'failed');
  t.match(outcome, { reason: /unlinked from the phone/ });
});

t.test('messages recorded under their old serialized id are not imported again by reconciliation', async (t) => {
  const CHAT = '120363041234567893@g.us';
  const shop = await seedBusiness(rt, { whatsappId: CHAT });
  const client = new FakeWaClient();
  const m = groupMessage({ id: '3EB0LEGACY01', author: '2348031234567@c.us', body: '2 jollof rice', chat: CHAT });
  client.chats.set(CHAT, [m]);
  // As the adapter recorded it before messages were keyed on chat + msg.id.id.
  await rt.store.append(`chat-${shop.groupId}`, [
    {
      id: newId(),
      type: 'MessageReceived',
      data: {
        messageId: m.id._serialized, businessId: shop.businessId, groupId: shop.groupId, chatId: CHAT, sessionId: newId(),
        sender: { id: '2348031234567@c.us', name: 'Ada', phone: '+2348031234567' }, text: m.body, timestamp: new Date(m.timestamp * 1000).toISOString(), kind: 'text',
      },
      metadata: { tenantId: shop.businessId, actor: 'test', correlationId: newId(), causationId: null, occurredAt: new Date().toISOString(), schemaVersion: 1 },
    },
  ]);
  const s = await session(shop.businessId, client);
  t.teardown(() => s.stop({ logout: false }));
  await s.reconcile();
  t.equal((await chat(shop.groupId)).filter((e) => e.type === 'MessageReceived').length, 1, 'no second copy, so no second order');
});
