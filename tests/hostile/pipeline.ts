// Random and adversarial message texts through the whole pipeline: simulator inbox → session child
// (supervisor) → MessageReceived → intake (parser) → projector. Used by
// tests/hostile/messages.int.test.ts (FAULTS_MESSAGES, default 2000) and the fault suite (20000).
import type { Test } from 'tap';
import fc from 'fast-check';
import { sql } from 'slonik';
import { z } from 'zod';
import { startIntakeReactor, INTAKE_CHECKPOINT } from '../../src/reactors/intake.ts';
import { startNotifier } from '../../src/reactors/notifier.ts';
import { startProjections } from '../../src/projector/role.ts';
import { waitForCatchUp } from '../../src/projector/catch-up.ts';
import { startSupervisor } from '../../src/whatsapp/supervisor.ts';
import { startSession } from '../../src/whatsapp/control.ts';
import { deliverToSimulator } from '../../src/whatsapp/transports/simulator.ts';
import { projections } from '../../projections/index.ts';
import { createShop } from '../pipeline/fixtures.ts';
import { FAST, testRuntime, waitFor } from '../whatsapp/helpers.ts';

const ADVERSARIAL = [
  "'; drop table orders; --", '<script>alert(1)</script> 2 jollof rice', '<img src=x onerror=alert(1)>', '\u202e\ufeff 3x chicken',
  '👩‍👩‍👧‍👦🇳🇬 2 jollof', '9'.repeat(4000), '2x '.repeat(1300), 'Name: \nPhone: \nAddress: \n', '#1001 delivered', 'cancel order 99999999999999',
  '0x jollof rice', '-5 chicken', '1e309 plantain', '999999999 jollof rice', 'NaN chicken', '#1 #2 #3 delivered cancelled', '\t\n\r',
  'Name: Ada\nPhone: 0803 555 0101\nAddress: 1 Way\n2x Jollof Rice', 'I want 3 plantain and 1 chicken, deliver to 5 Allen Avenue. Phone 08035550102',
  '%s%s%s%n', '{{7*7}}', '${process.exit(1)}', 'ｊｏｌｌｏｆ ２', 'Ĵöłłøf řîçé x2', 'ডাল ২', '２ x 鸡肉',
];

export async function messagesThroughPipeline(t: Test, count: number): Promise<void> {
  const started = Date.now();
  const { rt, done } = await testRuntime();
  const projector = await startProjections(rt, { pollMs: 100 });
  const stopIntake = await startIntakeReactor(rt);
  const stopNotifier = await startNotifier(rt);
  // eslint-disable-next-line prefer-const -- assigned after the teardown that must stop it is registered
  let supervisor: Awaited<ReturnType<typeof startSupervisor>> | undefined;
  t.teardown(async () => {
    await supervisor?.stop();
    await stopNotifier();
    await stopIntake();
    await projector.stop();
    await done();
  });
  const shops = [await createShop(rt.store), await createShop(rt.store, { country: 'BR', currency: 'BRL' })];
  await waitForCatchUp(rt, projections.map((p) => p.name));
  for (const shop of shops) {
    const s = await startSession(rt, { businessId: shop.businessId, transport: 'simulator', actor: 'test' });
    shop.sessionId = s.id;
  }
  supervisor = await startSupervisor(rt, FAST);
  await waitFor('sessions working', async () => supervisor!.status().filter((s) => s.state === 'WORKING').length === shops.length, 60_000);

  const random = fc.sample(fc.oneof(fc.string({ minLength: 1, maxLength: 200 }), fc.string({ unit: 'grapheme', minLength: 1, maxLength: 80 }), fc.constantFrom(...ADVERSARIAL)), count);
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const shop = shops[i % shops.length]!;
    const text = random[i]!.replace(/\u0000/g, '').slice(0, 4096) || '?';
    const group = i % 7 === 0 ? shop.delivery : shop.sales;
    const { messageId } = await deliverToSimulator(rt.pool, { businessId: shop.businessId, chatId: group.chatId, messageId: `H${i}`, fromId: '2348031234567@c.us', fromName: i % 3 ? 'Ada <b>' : null, text });
    ids.push(messageId);
  }
  const deliveredAt = Date.now();
  const tenants = shops.map((s) => s.businessId);
  const receivedCount = async () =>
    rt.pool.oneFirst(sql.type(z.object({ n: z.coerce.number() }))`
      select count(distinct data->>'messageId') as n from es_events where type = 'MessageReceived' and metadata->>'tenantId' = any(${sql.array(tenants, 'text')})`);
  await waitFor(`${count} messages received`, async () => (await receivedCount()) >= count, Math.max(60_000, count * 20), 250);
  const receivedAt = Date.now();
  await waitForCatchUp(rt, [INTAKE_CHECKPOINT], { timeoutMs: Math.max(60_000, count * 20) });
  await waitForCatchUp(rt, [INTAKE_CHECKPOINT, ...projections.map((p) => p.name)], { timeoutMs: Math.max(60_000, count * 10) });

  const accounted = new Set(
    await rt.pool.anyFirst(sql.type(z.object({ id: z.string() }))`
      select coalesce(data->'source'->>'messageId', data->>'messageId') as id from es_events
      where type in ('OrderPlaced', 'StatusChanged', 'MessageIgnored') and metadata->>'tenantId' = any(${sql.array(tenants, 'text')})`),
  );
  const dupReceived = await rt.pool.oneFirst(sql.type(z.object({ n: z.coerce.number() }))`
    select count(*) as n from (select data->>'messageId' from es_events where type = 'MessageReceived' group by 1 having count(*) > 1) d`);
  const missing = ids.filter((id) => !accounted.has(id));
  t.equal(await receivedCount(), count, `every one of ${count} messages is one MessageReceived`);
  t.equal(dupReceived, 0, 'none twice');
  t.same(missing.slice(0, 10), [], `every message accounted for: order, status or MessageIgnored (${missing.length} missing)`);
  const failed = await rt.pool.any(sql.type(z.object({ name: z.string(), error: z.string().nullable() }))`select name, error from projection_checkpoints where error is not null`);
  t.same(failed, [], 'no projection stopped on a poison event');
  const orders = await rt.pool.oneFirst(sql.type(z.object({ n: z.coerce.number() }))`select count(*) as n from orders`);
  t.ok(supervisor.status().every((s) => s.state === 'WORKING'), 'sessions still working');
  t.comment(`${count} hostile messages: ${orders} orders, ${accounted.size} accounted, ${((Date.now() - started) / 1000).toFixed(1)} s (delivered to the inbox ${((deliveredAt - started) / 1000).toFixed(1)} s, all received ${((receivedAt - deliveredAt) / 1000).toFixed(1)} s later, processed and projected ${((Date.now() - receivedAt) / 1000).toFixed(1)} s after that)`);
}
