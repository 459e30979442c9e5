// Reply outbox under a failing transport: retries wait with a growing backoff instead of using up
// every attempt in a few seconds, other replies go on meanwhile, and a row left 'sending' by a
// crashed sender is taken again only after its visibility timeout — each reply sent once.
import t from 'tap';
import { sql } from 'slonik';
import { z } from 'zod';
import { createLogger } from '../../src/logger.ts';
import { newId } from '../../src/shared/ids.ts';
import { Session } from '../../src/whatsapp/session.ts';
import { SimulatorTransport } from '../../src/whatsapp/transports/simulator.ts';
import type { OutgoingMessage } from '../../src/whatsapp/transport.ts';
import { readSimulatorOutbox } from '../../src/whatsapp/control.ts';
import { seedBusiness, testRuntime, waitFor } from './helpers.ts';

const { rt, done } = await testRuntime();
t.teardown(done);

/** The simulator, down for `downMs` after the first send attempt. */
class FlakyTransport extends SimulatorTransport {
  attempts: number[] = [];
  downUntil = 0;
  constructor(pool: typeof rt.pool, businessId: string, private readonly downMs: number) {
    super({ pool, businessId, pollMs: 100 });
  }
  override async send(m: OutgoingMessage) {
    const now = Date.now();
    if (m.text.startsWith('flaky')) {
      if (this.attempts.length === 0) this.downUntil = now + this.downMs;
      this.attempts.push(now);
      if (now < this.downUntil) throw new Error('WhatsApp unreachable');
    }
    return super.send(m);
  }
}

const row = z.object({ status: z.string(), attempts: z.number(), last_error: z.string().nullable() });
async function enqueue(businessId: string, groupId: string, text: string, extra: { status?: string; attempts?: number; nextInMs?: number } = {}) {
  const id = newId();
  await rt.pool.query(sql.type(z.object({}))`
    insert into whatsapp_outbox (id, business_id, group_id, kind, recipient, text, cause_event_id, status, attempts, last_attempt_at, next_attempt_at)
    values (${id}, ${businessId}, ${groupId}, 'other', '+2348035550101', ${text}, ${newId()}, ${extra.status ?? 'pending'}, ${extra.attempts ?? 0},
            ${extra.status === 'sending' ? sql.fragment`now() - interval '2 seconds'` : null}, now() + ${extra.nextInMs ?? 0} * interval '1 millisecond')`);
  return id;
}
const outboxRow = (id: string) => rt.pool.one(sql.type(row)`select status, attempts, last_error from whatsapp_outbox where id = ${id}`);

async function session(businessId: string, transport: SimulatorTransport) {
  const s = new Session({
    sessionId: newId(), businessId, pool: rt.pool, store: rt.store, transport, logger: createLogger('error', { pretty: false }),
    outboxPollMs: 100, outboxRetry: { baseMs: 1000, maxMs: 4000, attempts: 6, visibilityMs: 1500 },
  });
  await s.start();
  s.startOutbox();
  await waitFor('session working', async () => s.state === 'WORKING');
  return s;
}

t.test('a reply survives an outage of several seconds and is sent once; the others are not held up', async (t) => {
  const shop = await seedBusiness(rt);
  const transport = new FlakyTransport(rt.pool, shop.businessId, 4500);
  const flaky = await enqueue(shop.businessId, shop.groupId, 'flaky: your order #1001 is confirmed');
  const s = await session(shop.businessId, transport);
  t.teardown(() => s.stop({ logout: false }));
  await waitFor('first attempt failed', async () => (await outboxRow(flaky)).last_error !== null, 5000, 50);
  const other = await enqueue(shop.businessId, shop.groupId, 'steady: thank you');
  await waitFor('the other reply sent meanwhile', async () => (await outboxRow(other)).status === 'sent', 5000, 50);
  t.not((await outboxRow(flaky)).status, 'sent', 'the failing one still waits');
  await new Promise((r) => setTimeout(r, 1500));
  t.ok((await outboxRow(flaky)).attempts <= 2, `no retry storm: ${(await outboxRow(flaky)).attempts} attempts in the first ~2 s`);
  await waitFor('sent after the outage', async () => (await outboxRow(flaky)).status === 'sent', 15_000, 100);
  const sent = (await readSimulatorOutbox(rt, shop.groupId)).filter((m) => m.text.startsWith('flaky'));
  t.equal(sent.length, 1, 'sent exactly once');
  const gaps = transport.attempts.slice(1).map((at, i) => at - transport.attempts[i]!);
  t.ok(gaps.length >= 2 && gaps.every((g, i) => i === 0 || g >= gaps[i - 1]! * 0.9), `waits grow between attempts (${gaps.join(', ')} ms)`);
  const sentEvents = (await rt.store.readStream(`chat-${shop.groupId}`)).filter((e) => e.type === 'MessageSent');
  t.equal(sentEvents.length, 2, 'one MessageSent per reply');
});

t.test('a row left sending by a crashed sender is taken again after its visibility timeout, not before', async (t) => {
  const shop = await seedBusiness(rt);
  const transport = new FlakyTransport(rt.pool, shop.businessId, 0);
  // As a claim by a sender that then died leaves it: 'sending', invisible for a while.
  const stuck = await enqueue(shop.businessId, shop.groupId, 'stuck: your order #1002', { status: 'sending', attempts: 1, nextInMs: 1500 });
  const s = await session(shop.businessId, transport);
  t.teardown(() => s.stop({ logout: false }));
  await new Promise((r) => setTimeout(r, 700));
  t.equal((await outboxRow(stuck)).status, 'sending', 'not taken while another sender may still hold it');
  await waitFor('taken again and sent', async () => (await outboxRow(stuck)).status === 'sent', 6000, 50);
  t.equal((await readSimulatorOutbox(rt, shop.groupId)).length, 1, 'sent once');
});

t.test('a reply that keeps failing is given up after its attempts, with the reason', async (t) => {
  const shop = await seedBusiness(rt);
  const transport = new FlakyTransport(rt.pool, shop.businessId, 60_000);
  const s = new Session({
    sessionId: newId(), businessId: shop.businessId, pool: rt.pool, store: rt.store, transport, logger: createLogger('error', { pretty: false }),
    outboxPollMs: 50, outboxRetry: { baseMs: 50, maxMs: 100, attempts: 3, visibilityMs: 1000 },
  });
  const id = await enqueue(shop.businessId, shop.groupId, 'flaky: never goes through');
  await s.start();
  s.startOutbox();
  t.teardown(() => s.stop({ logout: false }));
  const r = await waitFor('given up', async () => {
    const x = await outboxRow(id);
    return x.status === 'failed' ? x : null;
  }, 5000, 50);
  t.equal(r.attempts, 3);
  t.match(r.last_error, /WhatsApp unreachable/);
});
