// Many concurrent clients posting order messages into the simulator, through the whole pipeline
// (simulator inbox → session child → MessageReceived → intake → projector): every accepted
// message must become exactly one MessageReceived and one order. Used by
// tests/whatsapp/concurrent-intake.int.test.ts (npm test size) and tests/faults/intake.test.ts.
import type { Test } from 'tap';
import { createPool, sql } from 'slonik';
import { z } from 'zod';
import { startIntakeReactor, INTAKE_CHECKPOINT } from '../../src/reactors/intake.ts';
import { startProjections } from '../../src/projector/role.ts';
import { waitForCatchUp } from '../../src/projector/catch-up.ts';
import { startSupervisor } from '../../src/whatsapp/supervisor.ts';
import { startSession } from '../../src/whatsapp/control.ts';
import { deliverToSimulator } from '../../src/whatsapp/transports/simulator.ts';
import { projections } from '../../projections/index.ts';
import { createShop, type Shop } from '../pipeline/fixtures.ts';
import { FAST, testRuntime, waitFor } from './helpers.ts';

export interface ConcurrentIntakeOptions {
  shops: number;
  /** Messages per shop. */
  messages: number;
  /** Requests in flight at once (each on its own connection, as web requests would be). */
  inFlight: number;
  /** Session reconciliation period; long by default so the live path alone is measured. */
  reconcileEveryMs?: number;
}

const count = z.object({ n: z.coerce.number() });

export async function concurrentIntake(t: Test, o: ConcurrentIntakeOptions): Promise<void> {
  const started = Date.now();
  const { rt, done } = await testRuntime();
  const clients = await createPool(rt.database.url, { maximumPoolSize: o.inFlight });
  const projector = await startProjections(rt, { pollMs: 100 });
  const stopIntake = await startIntakeReactor(rt);
  // eslint-disable-next-line prefer-const -- assigned after the teardown that must stop it is registered
  let supervisor: Awaited<ReturnType<typeof startSupervisor>> | undefined;
  t.teardown(async () => {
    await supervisor?.stop();
    await stopIntake();
    await projector.stop();
    await clients.end();
    await done();
  });
  const shops: Shop[] = [];
  for (let i = 0; i < o.shops; i++) shops.push(await createShop(rt.store));
  await waitForCatchUp(rt, projections.map((p) => p.name));
  for (const shop of shops) shop.sessionId = (await startSession(rt, { businessId: shop.businessId, transport: 'simulator', actor: 'test' })).id;
  supervisor = await startSupervisor(rt, { ...FAST, reconcileEveryMs: o.reconcileEveryMs ?? 10 * 60_000 });
  await waitFor('sessions working', async () => supervisor!.status().filter((s) => s.state === 'WORKING').length === shops.length, 60_000);

  // Interleave the shops, then post with `inFlight` requests at a time.
  const jobs: Array<{ shop: Shop; i: number }> = [];
  for (let i = 0; i < o.messages; i++) for (const shop of shops) jobs.push({ shop, i });
  const accepted = new Map<string, string[]>(shops.map((s) => [s.businessId, []]));
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const { shop, i } = jobs[next++]!;
      const phone = `23480${String(30_000_000 + i).padStart(8, '0')}`;
      const { messageId } = await deliverToSimulator(clients, {
        businessId: shop.businessId,
        chatId: shop.sales.chatId,
        fromId: `${phone}@c.us`,
        fromName: `Customer ${i}`,
        text: `Name: Customer ${i}\n${(i % 5) + 1}x Jollof rice\ndeliver to ${i} Allen Avenue, Ikeja`,
      });
      accepted.get(shop.businessId)!.push(messageId);
    }
  };
  await Promise.all(Array.from({ length: o.inFlight }, worker));
  const postedAt = Date.now();
  const total = jobs.length;

  const tenants = shops.map((s) => s.businessId);
  const receivedCount = () =>
    rt.pool.oneFirst(sql.type(count)`
      select count(*) as n from es_events where type = 'MessageReceived' and metadata->>'tenantId' = any(${sql.array(tenants, 'text')})`);
  // Wait for every message, or for the count to stop moving (a lost message never arrives).
  let last = -1;
  let still = 0;
  await waitFor(
    `${total} messages received`,
    async () => {
      const n = await receivedCount();
      still = n === last ? still + 1 : 0;
      last = n;
      return n >= total || still >= 40; // 10 s without progress
    },
    Math.max(60_000, total * 60),
    250,
  );
  await waitForCatchUp(rt, [INTAKE_CHECKPOINT, ...projections.map((p) => p.name)], { timeoutMs: Math.max(60_000, total * 20) });

  for (const shop of shops) {
    const ids = accepted.get(shop.businessId)!;
    const perMessage = await rt.pool.any(sql.type(z.object({ id: z.string(), received: z.coerce.number(), placed: z.coerce.number() }))`
      select m.id,
        (select count(*) from es_events e where e.type = 'MessageReceived' and e.stream_id = ${`chat-${shop.sales.groupId}`} and e.data->>'messageId' = m.id) as received,
        (select count(*) from es_events e where e.type = 'OrderPlaced' and e.metadata->>'tenantId' = ${shop.businessId} and e.data->'source'->>'messageId' = m.id) as placed
      from unnest(${sql.array(ids, 'text')}) as m(id)`);
    const lost = perMessage.filter((r) => r.received === 0).map((r) => r.id);
    t.equal(ids.length, o.messages, 'every post accepted');
    t.same(lost.slice(0, 5), [], `shop ${shops.indexOf(shop) + 1}: no accepted message lost (${lost.length} of ${ids.length} never became MessageReceived)`);
    t.equal(perMessage.filter((r) => r.received > 1).length, 0, 'none received twice');
    t.equal(perMessage.filter((r) => r.placed !== 1).length, 0, 'each is exactly one OrderPlaced');
    const rows = await rt.pool.oneFirst(sql.type(count)`select count(*) as n from orders where business_id = ${shop.businessId}`);
    t.equal(rows, o.messages, `shop ${shops.indexOf(shop) + 1}: ${o.messages} order rows`);
  }
  t.comment(
    `${total} messages from ${o.inFlight} concurrent clients into ${o.shops} shop(s): posted in ${((postedAt - started) / 1000).toFixed(1)} s, ` +
      `all received and projected ${((Date.now() - postedAt) / 1000).toFixed(1)} s later`,
  );
}
