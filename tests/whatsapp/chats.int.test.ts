// The account's chat list as the session child answers it over whatsapp-web.js's getChats()
// (the fake client of 1.34.7): groups first, most recent first, bounded to 200, names cut,
// participants from group metadata; a quoted message reaches the chat stream with its text.
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
import { FakeWaClient, GROUP, groupMessage } from './fake-wwebjs.ts';
import { seedBusiness, testRuntime, waitFor } from './helpers.ts';

const { rt, done } = await testRuntime();
t.teardown(done);

async function session(businessId: string, client: FakeWaClient) {
  const dir = mkdtempSync(join(tmpdir(), 'novi-chats-'));
  const transport = new WwebjsTransport({ sessionId: 's', sessionPath: dir, chromiumPath: '/nope', dataDir: dir, createClient: async () => client });
  const s = new Session({ sessionId: newId(), businessId, pool: rt.pool, store: rt.store, transport, logger: createLogger('error', { pretty: false }) });
  await s.start();
  client.emit('ready');
  await waitFor('working', async () => s.state === 'WORKING');
  return s;
}

const listed = (businessId: string) =>
  rt.pool.maybeOne(sql.type(z.object({ chats: z.array(z.object({ id: z.string(), name: z.string(), isGroup: z.boolean(), participants: z.number().nullable(), lastMessageAt: z.string().nullable() })), error: z.string().nullable(), answered: z.boolean() }))`
    select chats, error, listed_at >= requested_at as answered from whatsapp_chat_lists where business_id = ${businessId}`);

t.test('getChats() answers the chat list: groups first, most recent first, at most 200', async (t) => {
  const shop = await seedBusiness(rt, { whatsappId: GROUP });
  const client = new FakeWaClient();
  const now = Math.floor(Date.now() / 1000);
  client.chatNames.set(GROUP, { name: 'Mama Put buyers', participants: 42, t: now - 60 });
  client.chats.set('120363000000000777@g.us', []);
  client.chatNames.set('120363000000000777@g.us', { name: 'Riders <b>', participants: 3, t: now - 5 });
  client.chats.set('120363000000000778@g.us', []); // no metadata loaded, never written in
  client.chats.set('2348031234567@c.us', []);
  client.chatNames.set('2348031234567@c.us', { name: 'Ada', t: now });
  client.chats.set('status@broadcast', []);
  for (let i = 0; i < 250; i++) client.chats.set(`23480000${String(i).padStart(5, '0')}@c.us`, []);
  client.chatNames.set('120363000000000779@g.us', { name: 'x'.repeat(300) });
  client.chats.set('120363000000000779@g.us', []);

  const s = await session(shop.businessId, client);
  t.teardown(() => s.stop({ logout: false }));
  await rt.pool.query(sql.type(z.object({}))`insert into whatsapp_chat_lists (business_id) values (${shop.businessId})`);
  await s.answerChatList();
  const row = await waitFor('answered', async () => ((await listed(shop.businessId))?.answered ? listed(shop.businessId) : null));
  t.equal(row!.error, null);
  const chats = row!.chats;
  t.equal(chats.length, 200, 'bounded');
  t.same(chats.slice(0, 4).map((c) => c.id), ['120363000000000777@g.us', GROUP, '120363000000000778@g.us', '120363000000000779@g.us'], 'groups first, most recent first');
  t.match(chats[0], { name: 'Riders <b>', isGroup: true, participants: 3 });
  t.match(chats[1], { name: 'Mama Put buyers', participants: 42 });
  t.match(chats[2], { participants: null, lastMessageAt: null }, 'a group whose metadata is not loaded');
  t.equal(chats[3]!.name.length, 200, 'names are cut');
  t.match(chats[4], { id: '2348031234567@c.us', name: 'Ada', isGroup: false, participants: null });
  t.notOk(chats.some((c) => c.id === 'status@broadcast'), 'no status broadcast');
});

t.test('a reply quoting a message reaches the chat stream with the quoted text', async (t) => {
  const shop = await seedBusiness(rt, { whatsappId: '120363000000000880@g.us' });
  const client = new FakeWaClient();
  client.chats.set('120363000000000880@g.us', []);
  const s = await session(shop.businessId, client);
  t.teardown(() => s.stop({ logout: false }));
  const m = groupMessage({ chat: '120363000000000880@g.us', author: '2348090000001@c.us', body: 'delivered' });
  m._data = { notifyName: 'Rider', quotedMsg: { body: 'Order #1001 confirmed\nItems: 2 x Jollof Rice' }, quotedStanzaID: '3EB0SUMMARY' };
  client.receive(m);
  const e = await waitFor('recorded', async () => (await rt.store.readStream(`chat-${shop.groupId}`)).find((x) => x.type === 'MessageReceived'));
  t.match(e.data, { text: 'delivered', quoted: { messageId: '120363000000000880@g.us_3EB0SUMMARY', text: 'Order #1001 confirmed\nItems: 2 x Jollof Rice' } });
});
