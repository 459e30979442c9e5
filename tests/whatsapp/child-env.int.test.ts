// A session child process starts with an allow-listed environment: the worker's secrets
// (SESSION_SECRET, DATABASE_URL, cloud keys) are not in it, and the session still works.
import t from 'tap';
import { readFileSync } from 'node:fs';
import { startSupervisor } from '../../src/whatsapp/supervisor.ts';
import { startSession } from '../../src/whatsapp/control.ts';
import { FAST, seedBusiness, sessionReady, testRuntime } from './helpers.ts';

const { rt, done } = await testRuntime();
t.teardown(done);

t.test('the child sees no secret of the worker', async (t) => {
  const saved = { ...process.env };
  Object.assign(process.env, {
    SESSION_SECRET: 'worker-only-secret-worker-only-secret-0000',
    DATABASE_URL: rt.database.url,
    AWS_SECRET_ACCESS_KEY: 'not-for-children',
  });
  t.teardown(() => {
    for (const k of ['SESSION_SECRET', 'DATABASE_URL', 'AWS_SECRET_ACCESS_KEY']) if (!(k in saved)) delete process.env[k];
    Object.assign(process.env, saved);
  });
  const a = await seedBusiness(rt);
  const sup = await startSupervisor(rt, FAST);
  t.teardown(() => sup.stop());
  const s = await startSession(rt, { businessId: a.businessId, transport: 'simulator', actor: 'u' });
  await sessionReady(rt, s.id);
  const pid = sup.status().find((x) => x.sessionId === s.id)?.pid;
  t.ok(pid, 'child running');
  const environ = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').filter(Boolean);
  const names = environ.map((kv) => kv.slice(0, kv.indexOf('=')));
  t.notOk(names.includes('SESSION_SECRET'), 'no SESSION_SECRET');
  t.notOk(names.includes('DATABASE_URL'), 'no DATABASE_URL (the child gets its URL over IPC)');
  t.notOk(names.includes('AWS_SECRET_ACCESS_KEY'), 'nothing else the worker happened to have');
  t.notOk(environ.join('\n').includes('worker-only-secret'), 'the secret value appears nowhere');
  t.ok(names.includes('PATH'), 'PATH is kept');
});
