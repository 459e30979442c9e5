// One hundred simulator sessions on the embedded default PostgreSQL, each its own child process
// holding up to two connections, beside the test's own pool: all start within the connection
// budget, every one records its message, and the server never runs out of connections.
import t from 'tap';
import { sql } from 'slonik';
import { z } from 'zod';
import { startSupervisor } from '../../src/whatsapp/supervisor.ts';
import { startSession } from '../../src/whatsapp/control.ts';
import { deliverToSimulator } from '../../src/whatsapp/transports/simulator.ts';
import { simulatorChatId } from '../../src/whatsapp/transport.ts';
import { seedBusiness, testRuntime, waitFor } from '../whatsapp/helpers.ts';

const SESSIONS = Number(process.env.FAULTS_SESSIONS ?? 100);
const n = z.object({ n: z.coerce.number() });

t.test(`${SESSIONS} sessions within the connection budget of the embedded default`, async (t) => {
  const { rt, done } = await testRuntime();
  const sup = await startSupervisor(rt, { leaseMs: 20_000, tickMs: 500, maxSessions: 1000, childTimeoutMs: 120_000 });
  t.teardown(async () => {
    await sup.stop();
    await done();
  });
  const shops = [];
  for (let i = 0; i < SESSIONS; i++) shops.push(await seedBusiness(rt));
  const started = Date.now();
  for (const shop of shops) await startSession(rt, { businessId: shop.businessId, transport: 'simulator', actor: 'test' });
  let peak = 0;
  const sample = async () => {
    peak = Math.max(peak, await rt.pool.oneFirst(sql.type(n)`select count(*) as n from pg_stat_activity`));
  };
  await waitFor(`${SESSIONS} sessions working`, async () => {
    await sample();
    return sup.status().filter((s) => s.state === 'WORKING').length === SESSIONS;
  }, 240_000, 500);
  const workingAt = Date.now();
  for (const [i, shop] of shops.entries()) {
    await deliverToSimulator(rt.pool, { businessId: shop.businessId, chatId: simulatorChatId(shop.groupId), fromId: '2348035550101@c.us', fromName: 'Bisi', text: `2 jollof rice #${i}` });
  }
  await waitFor('every session recorded its message', async () => {
    await sample();
    return (await rt.pool.oneFirst(sql.type(n)`select count(*) as n from es_events where type = 'MessageReceived'`)) >= SESSIONS;
  }, 120_000, 250);
  const max = await rt.pool.oneFirst(sql.type(n)`select current_setting('max_connections')::int as n`);
  t.equal(await rt.pool.oneFirst(sql.type(n)`select count(*) as n from es_events where type = 'MessageReceived'`), SESSIONS, 'one message recorded per session');
  t.ok(peak < max, `connections peaked at ${peak} of ${max}`);
  t.equal(sup.status().reduce((a, s) => a + s.restarts, 0), 0, 'no child restarted');
  t.comment(`${SESSIONS} sessions working ${((workingAt - started) / 1000).toFixed(1)} s after the first start; messages recorded ${((Date.now() - workingAt) / 1000).toFixed(1)} s later`);
});
