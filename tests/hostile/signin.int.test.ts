// Sign-in, registration and simulator under brute force: proxy headers count only when
// TRUST_PROXY names the proxy; sign-in is limited per client address and per account name
// (growing locks, the same answer and similar timing whether the account exists); registration
// and the simulator API have their own limits.
import t from 'tap';
import type { FastifyInstance } from 'fastify';
import { buildApp, type AppOptions } from '../../web/app.ts';
import { api, register, type Merchant } from '../web/harness.ts';
import { createTestRuntime } from '../helpers/runtime.ts';
import { startProjections } from '../../src/projector/role.ts';
import type { Config } from '../../src/config.ts';

const rt = await createTestRuntime();
const projector = await startProjections(rt);
t.teardown(async () => {
  await projector.stop();
  await rt.close();
});

const apps: FastifyInstance[] = [];
t.teardown(async () => {
  for (const a of apps) await a.close();
});
async function appWith(config: Partial<Config>, options: AppOptions = {}): Promise<FastifyInstance> {
  const app = await buildApp({ ...rt, config: { ...rt.config, ...config } }, options);
  await app.ready();
  apps.push(app);
  return app;
}

const login = (app: FastifyInstance, username: string, password: string, xff?: string) =>
  api(app, null, 'POST', '/auth/login', { username, password }, xff ? { 'x-forwarded-for': xff } : {});

t.test('without TRUST_PROXY a forged X-Forwarded-For does not escape the per-address limit', async (t) => {
  const app = await appWith({}, { loginRateLimit: 10 });
  const codes: number[] = [];
  // A different (unknown) name each time, so only the per-address limit can answer 429.
  for (let i = 0; i < 40; i++) codes.push((await login(app, `nobody${i}`, 'wrong password', `198.51.100.${i + 1}`)).statusCode);
  t.same(codes.slice(0, 10), Array(10).fill(401), 'the first ten are answered');
  t.same(codes.slice(10), Array(30).fill(429), 'the other thirty meet 429 whatever X-Forwarded-For says');
});

t.test('with TRUST_PROXY=1 the address the proxy saw is the client', async (t) => {
  const app = await appWith({ trustProxy: 1 }, { loginRateLimit: 10 });
  const codes: number[] = [];
  // The client forges the left part; the proxy appends the address it really saw.
  for (let i = 0; i < 15; i++) codes.push((await login(app, `ghost${i}`, 'wrong password', `10.9.9.${i}, 203.0.113.7`)).statusCode);
  t.same(codes.slice(10), Array(5).fill(429), 'the real client is limited');
  t.equal((await login(app, 'ghost-x', 'wrong password', '203.0.113.8')).statusCode, 401, 'another client behind the same proxy is not');
});

t.test('per account name: growing locks, the same answer whether the account exists', async (t) => {
  const BASE = 3000;
  const app = await appWith({ trustProxy: 1 }, { loginRateLimit: 1000, signInLock: { freeAttempts: 3, baseLockMs: BASE, maxLockMs: 60_000 } });
  await register(app, 'victim');
  // A botnet: a new address for every try, so only the per-name limit can stop it.
  let n = 0;
  const addr = () => `203.0.113.${++n}`;
  const sleepUntil = (at: number) => new Promise((r) => setTimeout(r, Math.max(0, at - Date.now())));
  let lockedAt = 0;
  const run = async (username: string) => {
    const out: Array<{ status: number; body: unknown }> = [];
    for (let i = 0; i < 5; i++) {
      const before = Date.now();
      const r = await login(app, username, `guess-${i}`, addr());
      if (i === 2) lockedAt = before;
      out.push({ status: r.statusCode, body: r.json() });
    }
    return out;
  };
  const unknown = await run('nobody-at-all');
  const known = await run('victim');
  t.same(known.map((r) => r.status), [401, 401, 401, 429, 429], 'three free tries, then locked');
  t.same(unknown, known, 'identical answers for an account that does not exist');
  t.match(known[3]?.body, { code: 'RATE_LIMITED', message: /Too many sign-in attempts; try again in \d+ s/ });
  t.equal((await login(app, 'VICTIM', 'correct horse battery', addr())).statusCode, 429, 'the right password waits too (any case of the name)');
  t.equal((await login(app, 'victim@example.com', 'correct horse battery', addr())).statusCode, 429, 'and the email names the same account');

  await sleepUntil(lockedAt + BASE + 300);
  const again = Date.now();
  t.equal((await login(app, 'victim', 'wrong again', addr())).statusCode, 401, 'one more try after the lock');
  await sleepUntil(again + BASE + 300);
  t.equal((await login(app, 'victim', 'correct horse battery', addr())).statusCode, 429, 'the second lock is longer than the first');
  await sleepUntil(again + 2 * BASE + 300);
  const ok = await login(app, 'victim', 'correct horse battery', addr());
  t.equal(ok.statusCode, 200, 'signed in once the lock is over');
  const after = await login(app, 'victim', 'one typo', addr());
  t.equal(after.statusCode, 401, 'a success clears the count');
});

t.test('similar timing for an existing and a missing account', async (t) => {
  const app = await appWith({}, { loginRateLimit: 1000, signInLock: { freeAttempts: 1000 } });
  await register(app, 'timed');
  const time = async (username: string) => {
    const start = process.hrtime.bigint();
    await login(app, username, 'not the password');
    return Number(process.hrtime.bigint() - start) / 1e6;
  };
  const known: number[] = [];
  const unknown: number[] = [];
  for (let i = 0; i < 8; i++) {
    known.push(await time('timed'));
    unknown.push(await time(`missing${i}`));
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
  const ratio = median(unknown) / median(known);
  // Not a speed test: without a hash for a missing account its answer would come in ~1 ms against
  // argon2's ~100 ms (ratio < 0.05). Bounds wide enough for a loaded CI machine.
  t.ok(ratio > 0.25 && ratio < 4, `a missing account costs a hash too: median ${median(unknown).toFixed(1)} ms (missing) vs ${median(known).toFixed(1)} ms (existing)`);
});

t.test('registration is limited per address', async (t) => {
  const app = await appWith({}, { registerRateLimit: 3 });
  const codes: number[] = [];
  for (let i = 0; i < 5; i++) {
    const r = await api(app, null, 'POST', '/auth/register', { username: `reg${i}`, email: `reg${i}@example.com`, password: 'correct horse battery' });
    codes.push(r.statusCode);
  }
  t.same(codes, [201, 201, 201, 429, 429]);
  const html = await app.inject({ method: 'POST', url: '/auth/register', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'username=reg9&email=reg9%40example.com&password=longenough' });
  t.equal(html.statusCode, 429);
  t.match(html.body, /Too many/);
});

t.test('the simulator API is limited per merchant', async (t) => {
  const app = await appWith({ simulator: true }, { simulatorRateLimit: 4, registerRateLimit: 100 });
  const m: Merchant = await register(app, 'simmer');
  const other: Merchant = await register(app, 'simmer2');
  const b = await api(app, m, 'POST', '/business', { name: 'Sim Shop', country: 'NG' });
  t.equal(b.statusCode, 201, b.body);
  const businessId = b.json().business.id as string;
  const g = await api(app, m, 'POST', '/groups', { name: 'Sales', groupType: 'sales', businessId });
  const groupId = g.json().group.id as string;
  t.equal((await api(app, m, 'POST', `/business/${businessId}/whatsapp`, { transport: 'simulator' })).statusCode, 202);
  const codes: number[] = [];
  for (let i = 0; i < 6; i++) {
    codes.push((await api(app, m, 'POST', '/api/simulator/messages', { groupId, from: { name: 'Ada', phone: '+2348035550101' }, text: `hello ${i}` })).statusCode);
  }
  t.same(codes, [202, 202, 202, 202, 429, 429]);
  t.equal((await api(app, other, 'GET', `/api/simulator/outbox?groupId=${groupId}`)).statusCode, 404, 'another merchant has their own budget (and no access)');
});
