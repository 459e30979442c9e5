// Two worker hosts: a session runs on exactly one; when its host dies, the other takes it over
// after the lease expires, and at no moment do both run it.
import t from 'tap';
import { sql } from 'slonik';
import { z } from 'zod';
import { startSupervisor } from '../../src/whatsapp/supervisor.ts';
import { startSession } from '../../src/whatsapp/control.ts';
import { FAST, seedBusiness, sessionReady, testRuntime, waitFor } from './helpers.ts';

const { rt, done } = await testRuntime();
t.teardown(done);

t.test('lease takeover', async (t) => {
  const a = await seedBusiness(rt);
  const h1 = await startSupervisor(rt, { ...FAST, owner: 'host-1' });
  const h2 = await startSupervisor(rt, { ...FAST, owner: 'host-2' });
  t.teardown(async () => {
    await h1.stop();
    await h2.stop();
  });
  const s = await startSession(rt, { businessId: a.businessId, transport: 'simulator', actor: 'u' });
  let both = 0;
  const sampler = setInterval(() => {
    const r1 = h1.status().some((x) => x.sessionId === s.id && x.pid);
    const r2 = h2.status().some((x) => x.sessionId === s.id && x.pid);
    if (r1 && r2) both++;
  }, 20);
  t.teardown(() => clearInterval(sampler));
  await sessionReady(rt, s.id);
  const owner = await rt.pool.oneFirst(sql.type(z.object({ owner: z.string() }))`select owner from whatsapp_session_leases where session_id = ${s.id}`);
  const [first, second] = owner === 'host-1' ? [h1, h2] : [h2, h1];
  t.ok(first.status().some((x) => x.sessionId === s.id), `${owner} runs it`);
  t.notOk(second.status().some((x) => x.sessionId === s.id), 'the other does not');

  const diedAt = Date.now();
  await first.stop({ releaseLeases: false }); // the host dies: no release
  await sessionReady(rt, s.id, 2);
  const took = Date.now() - diedAt;
  const newOwner = await rt.pool.oneFirst(sql.type(z.object({ owner: z.string() }))`select owner from whatsapp_session_leases where session_id = ${s.id}`);
  t.equal(newOwner, second.owner, 'taken over');
  t.ok(took >= FAST.leaseMs - 1000, `only after the lease expired (${took} ms)`);
  await waitFor('running on the second host', async () => second.status().some((x) => x.sessionId === s.id && x.pid));
  t.equal(both, 0, 'never on both hosts at once');
});
