// A supervised session child that is WORKING leaves SessionHeartbeat events in its stream, at a
// bounded rate, and none once it is gone (bot uptime stops at the last one).
import t from 'tap';
import { startSupervisor } from '../../src/whatsapp/supervisor.ts';
import { startSession } from '../../src/whatsapp/control.ts';
import { FAST, seedBusiness, sessionReady, testRuntime, waitFor } from './helpers.ts';

const { rt, done } = await testRuntime();
t.teardown(done);

t.test('heartbeats while working, bounded, and none after the process died', async (t) => {
  const a = await seedBusiness(rt);
  const sup = await startSupervisor(rt, { ...FAST, heartbeatEventMs: 3000 });
  let stopped = false;
  t.teardown(() => (stopped ? undefined : sup.stop()));
  const s = await startSession(rt, { businessId: a.businessId, transport: 'simulator', actor: 'u' });
  await sessionReady(rt, s.id);
  const beats = async () => (await rt.store.readStream(`session-${s.id}`)).filter((e) => e.type === 'SessionHeartbeat');
  const first = await waitFor('two heartbeats', async () => ((await beats()).length >= 2 ? await beats() : null), 20_000);
  const gap = Date.parse(first[1]!.metadata.occurredAt) - Date.parse(first[0]!.metadata.occurredAt);
  t.ok(gap >= 3000, `no more than one per interval (gap ${gap} ms)`);
  t.same(first[0]!.data, { sessionId: s.id, businessId: a.businessId, transport: 'simulator' });
  t.equal(first[0]!.metadata.tenantId, a.businessId);

  await sup.stop();
  stopped = true;
  const after = (await beats()).length;
  await new Promise((r) => setTimeout(r, 4000));
  t.equal((await beats()).length, after, 'no heartbeat once the child is gone');
});
