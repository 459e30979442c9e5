// A poison event stops its projection (position + error on /health); analysts see views, not tables.
import t from 'tap';
import { randomUUID } from 'node:crypto';
import { sql, type QuerySqlToken } from 'slonik';
import { z } from 'zod';
import { createTestRuntime } from '../helpers/runtime.ts';
import { startProjections } from '../../src/projector/role.ts';
import { waitForCatchUp } from '../../src/projector/catch-up.ts';
import { buildApp } from '../../web/app.ts';
import { createShop } from './fixtures.ts';

const rt = await createTestRuntime();
const projector = await startProjections(rt, { pollMs: 100, standbyMs: 100 });
const app = await buildApp(rt);
t.teardown(async () => {
  await app.close();
  await projector.stop();
  await rt.close();
});

const cp = z.object({ name: z.string(), position: z.coerce.bigint(), error: z.string().nullable(), error_position: z.coerce.bigint().nullable() });

t.test('a poison event stops only its projection, with position and error on /health', async (t) => {
  const shop = await createShop(rt.store);
  await waitForCatchUp(rt, ['businesses', 'orders']);
  // An OrderPlaced missing most of its fields: fails its schema.
  const bad = await rt.store.append(`order-${randomUUID()}`, [{
    id: randomUUID(), type: 'OrderPlaced', data: { orderId: 'not-a-uuid', businessId: shop.businessId },
    metadata: { tenantId: shop.businessId, actor: 'test', correlationId: randomUUID(), causationId: null, occurredAt: new Date().toISOString(), schemaVersion: 1 },
  }]);
  let row: z.infer<typeof cp> | null = null;
  for (let i = 0; i < 100 && !row?.error; i++) {
    await new Promise((r) => setTimeout(r, 50));
    row = await rt.pool.maybeOne(sql.type(cp)`select name, position, error, error_position from projection_checkpoints where name = 'orders'`);
  }
  t.equal(row?.error_position, bad.position);
  t.match(row?.error, /orderId/);
  t.ok(row!.position < bad.position, 'the checkpoint stays before the poison event');

  const res = await app.inject({ method: 'GET', url: '/health' });
  t.equal(res.statusCode, 503);
  const body = res.json() as { checks: { projections: { status: string; projections: Array<{ name: string; error: string | null; errorPosition: string | null }> } } };
  t.equal(body.checks.projections.status, 'failed');
  const orders = body.checks.projections.projections.find((p) => p.name === 'orders');
  t.equal(orders?.errorPosition, bad.position.toString());
  // A projection that does not handle OrderPlaced is unaffected.
  await waitForCatchUp(rt, ['businesses', 'users']);
  t.equal(body.checks.projections.projections.find((p) => p.name === 'businesses')?.error, null);
});

t.test('novi_analyst can read the analytics views and nothing else', async (t) => {
  const selectAs = (query: QuerySqlToken) =>
    rt.pool.transaction(async (tx) => {
      await tx.query(sql.type(z.object({}).passthrough())`set local role novi_analyst`);
      return tx.any(query);
    });
  for (const view of ['orders', 'order_items', 'daily_revenue', 'customers', 'bot_metrics']) {
    await t.resolves(selectAs(sql.type(z.object({}).passthrough())`select * from ${sql.identifier(['analytics', view])} limit 1`), `analytics.${view}`);
  }
  await t.rejects(selectAs(sql.type(z.object({}).passthrough())`select * from users limit 1`), /permission denied/);
  await t.rejects(selectAs(sql.type(z.object({}).passthrough())`select * from es_events limit 1`), /permission denied/);
});
