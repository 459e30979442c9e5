// The database connection budget of sessions: each session child may hold two connections, the
// roles keep NOVI_DB_RESERVED_CONNECTIONS, and a start that would go past what is left is refused
// with the reason (not started and left to exhaust the server's connections).
import t from 'tap';
import { sql } from 'slonik';
import { z } from 'zod';
import { startSession, stopSession } from '../../src/whatsapp/control.ts';
import { seedBusiness, testRuntime } from './helpers.ts';

const probe = await testRuntime();
const s = await probe.rt.pool.one(sql.type(z.object({ max: z.coerce.number(), su: z.coerce.number() }))`
  select current_setting('max_connections') as max, current_setting('superuser_reserved_connections') as su`);
await probe.done();

// Leave room for exactly two sessions.
const { rt, done } = await testRuntime({ NOVI_DB_RESERVED_CONNECTIONS: String(s.max - s.su - 5) });
t.teardown(done);

t.test('a third session is refused with the reason when the budget holds two; a freed slot is usable', async (t) => {
  const shops = [await seedBusiness(rt), await seedBusiness(rt), await seedBusiness(rt)];
  await startSession(rt, { businessId: shops[0]!.businessId, transport: 'simulator', actor: 'u' });
  await startSession(rt, { businessId: shops[1]!.businessId, transport: 'simulator', actor: 'u' });
  await t.rejects(startSession(rt, { businessId: shops[2]!.businessId, transport: 'simulator', actor: 'u' }), {
    code: 'ILLEGAL_STATE',
    message: /at most 2 WhatsApp sessions.*each session needs 2/,
  });
  t.same(
    await startSession(rt, { businessId: shops[0]!.businessId, transport: 'simulator', actor: 'u' }).then((x) => x.state),
    'STARTING',
    'starting a running session again is not a new one and is not refused',
  );
  await stopSession(rt, { businessId: shops[1]!.businessId, actor: 'u' });
  const third = await startSession(rt, { businessId: shops[2]!.businessId, transport: 'simulator', actor: 'u' });
  t.ok(third.id, 'the freed slot starts the third');
});

t.test('the embedded default holds 100 sessions and the roles', async (t) => {
  const def = await testRuntime();
  t.teardown(def.done);
  const { sessionBudget } = await import('../../src/whatsapp/budget.ts');
  const b = await sessionBudget(def.rt, def.rt.pool);
  t.ok(b.maxSessions >= 100, `${b.maxSessions} sessions with max_connections=${b.maxConnections}`);
});
