// A session child killed with SIGKILL in the middle of a burst: after the restart, reconciliation
// has made every message exactly one MessageReceived.
import t from 'tap';
import { startSupervisor } from '../../src/whatsapp/supervisor.ts';
import { postSimulatorMessage, startSession } from '../../src/whatsapp/control.ts';
import { FAST, received, seedBusiness, sessionReady, testRuntime, waitFor } from './helpers.ts';

const { rt, done } = await testRuntime();
t.teardown(done);

t.test('SIGKILL mid-burst loses nothing and duplicates nothing', async (t) => {
  const a = await seedBusiness(rt);
  const sup = await startSupervisor(rt, FAST);
  t.teardown(() => sup.stop());
  const s = await startSession(rt, { businessId: a.businessId, transport: 'simulator', actor: 'u' });
  await sessionReady(rt, s.id);
  const pid = sup.status().find((x) => x.sessionId === s.id)?.pid;
  t.ok(pid, 'child running');

  const N = 300;
  let killedAt = -1;
  for (let i = 0; i < N; i++) {
    await postSimulatorMessage(rt, { groupId: a.groupId, from: { name: 'Bisi', phone: '+2348035550101' }, text: `order ${i}`, id: `BURST-${i}` });
    if (i === 100) {
      // Wait until the child is mid-way through the burst, then kill it without warning.
      await waitFor('some recorded', async () => (await received(rt, a.groupId)).length > 20, 10_000, 10);
      process.kill(pid!, 'SIGKILL');
      killedAt = (await received(rt, a.groupId)).length;
    }
  }
  t.ok(killedAt > 0 && killedAt < N, `killed with ${killedAt} of ${N} recorded`);
  await sessionReady(rt, s.id, 2);
  const events = await waitFor('all messages recorded', async () => {
    const ev = await received(rt, a.groupId);
    return ev.length >= N ? ev : null;
  }, 90_000).catch(async (e: unknown) => {
    // Say where it stood, so a failure on a loaded CI machine can be told from a lost message.
    const sessionEvents = (await rt.store.readStream(`session-${s.id}`)).map((x) => x.type);
    t.comment(`recorded ${(await received(rt, a.groupId)).length} of ${N}; session events ${sessionEvents.join(',')}; supervisor ${JSON.stringify(sup.status())}`);
    throw e;
  });
  await new Promise((r) => setTimeout(r, 500));
  const final = await received(rt, a.groupId);
  t.equal(final.length, N, 'every message exactly once');
  const ids = new Set(events.map((e) => (e.data as { messageId: string }).messageId));
  t.equal(ids.size, N, 'no duplicates');
  t.ok(sup.status().find((x) => x.sessionId === s.id)!.restarts >= 1, 'the child was restarted');
  t.not(sup.status().find((x) => x.sessionId === s.id)!.pid, pid, 'by a new process');
});
