// A burst of orders from three businesses with poison in the middle (issue 17 §1): an absurd price
// is refused with a reason, a stored event that fails its schema is parked with its reason, and
// every other order is placed, projected and confirmed; nothing is lost.
import t from 'tap';
import { randomUUID } from 'node:crypto';
import { sql } from 'slonik';
import { z } from 'zod';
import { createTestRuntime } from '../helpers/runtime.ts';
import { startIntakeReactor, INTAKE_CHECKPOINT } from '../../src/reactors/intake.ts';
import { startNotifier, NOTIFIER_CHECKPOINT } from '../../src/reactors/notifier.ts';
import { startProjections } from '../../src/projector/role.ts';
import { waitForCatchUp } from '../../src/projector/catch-up.ts';
import { projections } from '../../projections/index.ts';
import { messageReceivedEventId } from '../../src/shared/ids.ts';
import { createShop, message, receive } from './fixtures.ts';

const rt = await createTestRuntime();
const projector = await startProjections(rt, { pollMs: 100, standbyMs: 100 });
const stopIntake = await startIntakeReactor(rt, { pollMs: 100, standbyMs: 100, parserThreads: 0 });
const stopNotifier = await startNotifier(rt, { pollMs: 100, standbyMs: 100 });
t.teardown(async () => {
  await stopNotifier();
  await stopIntake();
  await projector.stop();
  await rt.close();
});

t.test('three businesses, 30 orders, two poisons in the middle', async (t) => {
  const shops = [await createShop(rt.store), await createShop(rt.store), await createShop(rt.store)];
  const orderIds: Array<{ businessId: string; messageId: string }> = [];
  const absurd = { businessId: shops[1]!.businessId, messageId: `wamid.absurd.${randomUUID().slice(0, 8)}` };
  const broken = { shop: shops[2]!, messageId: `wamid.broken.${randomUUID().slice(0, 8)}` };
  const sends: Array<Promise<void>> = [];
  for (let i = 0; i < 30; i++) {
    const shop = shops[i % 3]!;
    const messageId = `wamid.burst.${i}.${randomUUID().slice(0, 8)}`;
    orderIds.push({ businessId: shop.businessId, messageId });
    sends.push(receive(rt.store, message(shop, 'sales', `Name: Customer ${i}\nPhone: 0803 555 ${String(1000 + i)}\n${1 + (i % 4)}x Jollof Rice\ndeliver to ${i} Admiralty Way`, { id: messageId })));
    if (i === 14) {
      sends.push(receive(rt.store, message(shops[1]!, 'sales', 'Name: Greedy\n3 suya @ ₦5,000,000,000,000 each\ndeliver to 12 Allen Avenue', { id: absurd.messageId })));
      // A MessageReceived the catalog refuses (as an older writer or a bad import could have stored it).
      sends.push(rt.store.append(`chat-${broken.shop.sales.groupId}`, [{
        id: messageReceivedEventId(broken.shop.businessId, broken.messageId), type: 'MessageReceived',
        data: { messageId: broken.messageId, businessId: broken.shop.businessId, groupId: broken.shop.sales.groupId, text: 42 },
        metadata: { tenantId: broken.shop.businessId, actor: 'test', correlationId: randomUUID(), causationId: null, occurredAt: new Date().toISOString(), schemaVersion: 1 },
      }]).then(() => undefined));
    }
  }
  await Promise.all(sends);
  await waitForCatchUp(rt, [INTAKE_CHECKPOINT]);
  await waitForCatchUp(rt, [INTAKE_CHECKPOINT, NOTIFIER_CHECKPOINT, ...projections.map((p) => p.name)]);

  const placed = await rt.pool.anyFirst(sql.type(z.object({ id: z.string() }))`
    select source->>'messageId' as id from orders where business_id = any(${sql.array(shops.map((s) => s.businessId), 'uuid')})`);
  t.same([...placed].sort(), orderIds.map((o) => o.messageId).sort(), 'every other order is in the read model, once');
  for (const s of shops) {
    const numbers = await rt.pool.anyFirst(sql.type(z.object({ number: z.number() }))`select number from orders where business_id = ${s.businessId} order by number`);
    t.same(numbers, Array.from({ length: 10 }, (_, i) => 1001 + i), 'numbers without gaps: the poison took none');
  }
  const confirmations = await rt.pool.oneFirst(sql.type(z.object({ n: z.coerce.number() }))`
    select count(*) as n from whatsapp_outbox where kind = 'confirmation' and business_id = any(${sql.array(shops.map((s) => s.businessId), 'uuid')})`);
  t.equal(confirmations, 30, 'a confirmation per order');

  const refused = await rt.pool.maybeOne(sql.type(z.object({ outcome: z.string().nullable(), outcome_reason: z.string().nullable() }))`
    select outcome, outcome_reason from messages where business_id = ${absurd.businessId} and message_id = ${absurd.messageId}`);
  t.equal(refused?.outcome, 'ignored', 'the absurd price is refused');
  t.match(refused?.outcome_reason, /unitPrice: must be at most 999,999,999,999\.99/);

  const parked = await rt.pool.any(sql.type(z.object({ subscriber: z.string(), status: z.string(), error: z.string(), tenant_id: z.string().nullable() }))`
    select subscriber, status, error, tenant_id from parked_events where event_id = ${messageReceivedEventId(broken.shop.businessId, broken.messageId)} order by subscriber`);
  const bySubscriber = new Map(parked.map((p) => [p.subscriber, p]));
  t.equal(bySubscriber.get(INTAKE_CHECKPOINT)?.status, 'parked', 'the broken message is parked by the intake');
  t.match(bySubscriber.get(INTAKE_CHECKPOINT)?.error, /fails its schema: .*text/);
  t.equal(bySubscriber.get('messages')?.status, 'parked', 'and by the message log');
  t.equal(bySubscriber.get(INTAKE_CHECKPOINT)?.tenant_id, broken.shop.businessId, 'with its tenant');
  // Only that message waits: the rest of its group's message log goes on.
  const logged = await rt.pool.oneFirst(sql.type(z.object({ n: z.coerce.number() }))`
    select count(*) as n from messages where business_id = ${broken.shop.businessId} and outcome = 'order'`);
  t.equal(logged, 10, 'the later messages of that group are in its message log');
  const behind = await rt.pool.oneFirst(sql.type(z.object({ n: z.coerce.number() }))`select count(*) as n from parked_events where status = 'behind'`);
  t.equal(behind, 0, 'nothing of another message waits behind it');
});
