// Direct (1:1) chats through the whatsapp-web.js adapter and a real Session on PostgreSQL, over the
// fake client that behaves like whatsapp-web.js 1.34.7: a customer's `@c.us` or `@lid` private
// message is recorded in that customer's chat stream when the business takes direct orders (and not
// when it does not), a status update is never recorded, and a reply to a direct chat goes to it.
import t from 'tap';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'slonik';
import { z } from 'zod';
import { makeMetadata } from '../../src/events/catalog.ts';
import { createLogger } from '../../src/logger.ts';
import { directChatGroupId, newId } from '../../src/shared/ids.ts';
import { Session } from '../../src/whatsapp/session.ts';
import { WwebjsTransport } from '../../src/whatsapp/transports/wwebjs.ts';
import { directMessage, FakeWaClient, GROUP, groupMessage } from './fake-wwebjs.ts';
import { received, seedBusiness, testRuntime, waitFor } from './helpers.ts';

const { rt, done } = await testRuntime();
t.teardown(done);

async function session(businessId: string, client: FakeWaClient) {
  const dir = mkdtempSync(join(tmpdir(), 'novi-wwebjs-direct-'));
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

async function directOrders(businessId: string, on: boolean) {
  const id = newId();
  await rt.store.append(`business-${businessId}`, [
    {
      id, type: 'BusinessSettingsSet', data: { businessId, directOrders: on, replyMode: 'group', selfEditWindowMinutes: 30 },
      metadata: makeMetadata({ tenantId: businessId, actor: 'test', correlationId: id, now: new Date(), type: 'BusinessSettingsSet' }),
    },
  ]);
}

const ADA = '2348031234567@c.us';
const HIDDEN = '98765432101234@lid';

t.test('private messages from @c.us and @lid chats are recorded in each customer\'s chat; status updates are not', async (t) => {
  const shop = await seedBusiness(rt, { whatsappId: GROUP });
  const client = new FakeWaClient();
  client.lids.set(HIDDEN, '2348035550101@c.us');
  const s = await session(shop.businessId, client);
  t.teardown(() => s.stop({ logout: false }));

  client.receive(directMessage({ from: 'status@broadcast', author: ADA, body: 'my new status: 2 jollof rice' }));
  client.receive(directMessage({ id: '3EB0DIRECT01', from: ADA, body: '2 jollof rice to 14 Allen Avenue', name: 'Ada' }));
  client.receive(directMessage({ id: '3EB0DIRECT02', from: HIDDEN, body: '1 chicken please', name: 'Bisi' }));

  const ada = await waitFor('Ada recorded', async () => (await received(rt, directChatGroupId(shop.businessId, ADA)))[0]);
  t.match(ada.data, { messageId: `${ADA}_3EB0DIRECT01`, chatId: ADA, groupId: directChatGroupId(shop.businessId, ADA), sender: { id: ADA, phone: '+2348031234567', name: 'Ada' } });
  const bisi = await waitFor('the @lid customer recorded', async () => (await received(rt, directChatGroupId(shop.businessId, HIDDEN)))[0]);
  t.match(bisi.data, { chatId: HIDDEN, sender: { id: HIDDEN, phone: '+2348035550101' } }, 'the LID resolved to a phone');

  const all = await rt.pool.oneFirst(sql.type(z.object({ n: z.coerce.number() }))`
    select count(*) as n from es_events where type = 'MessageReceived' and data->>'businessId' = ${shop.businessId}`);
  t.equal(all, 2, 'the status update is not recorded');

  // A reply to Ada's direct chat goes to that chat.
  const id = newId();
  await rt.pool.query(sql.type(z.object({}))`
    insert into whatsapp_outbox (id, business_id, group_id, chat_id, kind, recipient, text, cause_event_id)
    values (${id}, ${shop.businessId}, ${directChatGroupId(shop.businessId, ADA)}, ${ADA}, 'confirmation', '+2348031234567', 'Order #1001 received', ${newId()})`);
  await waitFor('sent', async () => (await rt.pool.oneFirst(sql.type(z.object({ status: z.string() }))`select status from whatsapp_outbox where id = ${id}`)) === 'sent', 15_000);
  t.ok(client.chats.get(ADA)?.some((m) => m.fromMe && m.body === 'Order #1001 received'), 'sent in her private chat');
  const sent = (await rt.store.readStream(`chat-${directChatGroupId(shop.businessId, ADA)}`)).filter((e) => e.type === 'MessageSent');
  t.match(sent.map((e) => e.data), [{ chatId: ADA, text: 'Order #1001 received' }], 'recorded in her chat stream');
  t.equal(client.sendOptions.at(-1)?.['quotedMessageId'], undefined);

  // A private reply to her group order: sent to her chat, and it cannot quote the group's message.
  client.receive(groupMessage({ id: '3EB0GROUP01', author: ADA, body: '2 bread', name: 'Ada' }));
  await waitFor('group message recorded', async () => (await received(rt, shop.groupId)).length === 1);
  const privateId = newId();
  await rt.pool.query(sql.type(z.object({}))`
    insert into whatsapp_outbox (id, business_id, group_id, chat_id, kind, recipient, text, in_reply_to, cause_event_id)
    values (${privateId}, ${shop.businessId}, ${directChatGroupId(shop.businessId, ADA)}, ${ADA}, 'confirmation', '+2348031234567', 'Order #1002 received',
      ${`${GROUP}_3EB0GROUP01`}, ${newId()})`);
  await waitFor('private reply sent', async () => (await rt.pool.oneFirst(sql.type(z.object({ status: z.string() }))`select status from whatsapp_outbox where id = ${privateId}`)) === 'sent', 15_000);
  t.ok(client.chats.get(ADA)?.some((m) => m.fromMe && m.body === 'Order #1002 received'), 'sent privately');
  t.notOk(client.chats.get(GROUP)?.some((m) => m.fromMe), 'nothing in the group');
  t.equal(client.sendOptions.at(-1)?.['quotedMessageId'], undefined, 'no quote across chats');
});

t.test('with direct orders turned off, private messages are not stored', async (t) => {
  const shop = await seedBusiness(rt, { whatsappId: '120363041234567899@g.us' });
  await directOrders(shop.businessId, false);
  const client = new FakeWaClient();
  const s = await session(shop.businessId, client);
  t.teardown(() => s.stop({ logout: false }));
  client.receive(directMessage({ id: '3EB0DIRECT03', from: ADA, body: '2 jollof rice' }));
  await new Promise((r) => setTimeout(r, 500));
  t.same(await received(rt, directChatGroupId(shop.businessId, ADA)), []);
});
