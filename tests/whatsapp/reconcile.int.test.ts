// Reconciliation compares the set of message ids in a chat's history with the set recorded over a
// window, so a message the live feed dropped in the MIDDLE of a chat is recovered (it used to look
// only after the last recorded message), and one message that cannot be recorded does not abandon
// the rest of the backlog.
import t from 'tap';
import { createLogger } from '../../src/logger.ts';
import { directChatGroupId, newId } from '../../src/shared/ids.ts';
import { Session } from '../../src/whatsapp/session.ts';
import { deliverToSimulator, SimulatorTransport } from '../../src/whatsapp/transports/simulator.ts';
import { simulatorChatId, type InboundMessage, type TransportHandlers } from '../../src/whatsapp/transport.ts';
import { received, seedBusiness, testRuntime, waitFor } from './helpers.ts';

const { rt, done } = await testRuntime();
t.teardown(done);

/** The simulator, except that its live feed drops some messages, as WhatsApp Web now and then does. */
class LossyTransport extends SimulatorTransport {
  extra: InboundMessage[] = [];
  override start(handlers: TransportHandlers): Promise<void> {
    return super.start({ ...handlers, message: (m) => (/DROP/.test(m.text) ? undefined : handlers.message(m)) });
  }
  override async fetchMessages(chatId: string, limit: number): Promise<InboundMessage[]> {
    const history = await super.fetchMessages(chatId, limit);
    return [...history, ...this.extra.filter((m) => m.chatId === chatId)].sort((a, b) => a.timestamp.getTime() - b.timestamp.getTime());
  }
}

async function runSession(businessId: string, transport: LossyTransport, reconcileEveryMs: number) {
  const session = new Session({ sessionId: newId(), businessId, pool: rt.pool, store: rt.store, transport, logger: createLogger('error', { pretty: false }), reconcileEveryMs });
  await session.start();
  await waitFor('session working', async () => session.state === 'WORKING');
  return session;
}

const texts = (events: Awaited<ReturnType<typeof received>>) => events.map((e) => (e.data as { text: string }).text);

t.test('a message dropped in the middle of a chat is recorded by the next reconciliation', async (t) => {
  const shop = await seedBusiness(rt);
  const transport = new LossyTransport({ pool: rt.pool, businessId: shop.businessId, pollMs: 50 });
  const session = await runSession(shop.businessId, transport, 700);
  t.teardown(() => session.stop({ logout: false }));
  const chatId = simulatorChatId(shop.groupId);
  let live = 0;
  for (const text of ['1 jollof rice', '2 chicken DROP', '3 plantain', '4 jollof rice']) {
    await deliverToSimulator(rt.pool, { businessId: shop.businessId, chatId, fromId: '2348035550101@c.us', fromName: 'Bisi', text });
    transport.poke();
    if (text.includes('DROP')) continue;
    live++;
    // One at a time, so the dropped message sits between recorded ones.
    await waitFor(`live feed has recorded "${text}"`, async () => texts(await received(rt, shop.groupId)).includes(text), 5000, 20);
  }
  t.equal(live, 3);
  const events = await waitFor('the dropped message recovered', async () => {
    const ev = await received(rt, shop.groupId);
    return ev.length === 4 ? ev : null;
  }, 10_000);
  t.same(texts(events).sort(), ['1 jollof rice', '2 chicken DROP', '3 plantain', '4 jollof rice'], 'all four, the middle one included');
  await new Promise((r) => setTimeout(r, 1500));
  t.equal((await received(rt, shop.groupId)).length, 4, 'and each once, however often reconciliation runs');
});

t.test('one message that cannot be recorded does not abandon the rest of the backlog', async (t) => {
  const shop = await seedBusiness(rt);
  const transport = new LossyTransport({ pool: rt.pool, businessId: shop.businessId, pollMs: 50 });
  const chatId = simulatorChatId(shop.groupId);
  const at = (s: number) => new Date(Date.now() - 60_000 + s * 1000);
  // A native cart with a zero quantity fails the event schema; the two after it are fine.
  transport.extra = [
    { id: 'BAD-1', chatId, senderId: '2348035550101@c.us', senderName: 'Bisi', text: '', timestamp: at(1), kind: 'order', nativeOrder: { items: [{ name: 'Jollof', sku: null, quantity: 0, unitPrice: null }], total: null, currency: null } },
    { id: 'OK-2', chatId, senderId: '2348035550101@c.us', senderName: 'Bisi', text: '2 chicken', timestamp: at(2), kind: 'text' },
    { id: 'OK-3', chatId, senderId: '2348035550101@c.us', senderName: 'Bisi', text: '3 plantain', timestamp: at(3), kind: 'text' },
  ];
  const session = await runSession(shop.businessId, transport, 60_000);
  t.teardown(() => session.stop({ logout: false }));
  const events = await waitFor('the good messages recorded', async () => {
    const ev = await received(rt, shop.groupId);
    return ev.length >= 2 ? ev : null;
  }, 10_000);
  t.same(texts(events), ['2 chicken', '3 plantain'], 'both messages after the bad one are recorded');
});

t.test('a direct message sent while the session was down is recorded when it starts (issue 14)', async (t) => {
  const shop = await seedBusiness(rt);
  const chatId = '2348035550101@c.us';
  await deliverToSimulator(rt.pool, { businessId: shop.businessId, chatId, fromId: chatId, fromName: 'Bisi', text: '2 jollof rice while you were away' });
  const transport = new LossyTransport({ pool: rt.pool, businessId: shop.businessId, pollMs: 50 });
  const session = await runSession(shop.businessId, transport, 60_000);
  t.teardown(() => session.stop({ logout: false }));
  const direct = await waitFor('recorded in her direct chat', async () => {
    const r = await received(rt, directChatGroupId(shop.businessId, chatId));
    return r.length ? r : null;
  }, 10_000);
  t.same(texts(direct), ['2 jollof rice while you were away']);
});
