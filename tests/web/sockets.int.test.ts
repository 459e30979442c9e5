// Live sockets live no longer than their sign-in session: sign-out, rotation (signing in again)
// and deactivation close them; a timer re-checks sessions that ended some other way; the upgrade
// checks Origin; a user holds a bounded number of sockets. Over a real listening server.
import t from 'tap';
import WebSocket from 'ws';
import { sql } from 'slonik';
import { toggleUser } from '../../src/accounts/admin.ts';
import { newId } from '../../src/shared/ids.ts';
import { api, placeOrder, register, sessionCookie, webEnv, type Merchant } from './harness.ts';
import { createAdmin } from '../admin/helpers.ts';

const env = await webEnv({ loginRateLimit: 1000, sessionRecheckMs: 300, maxSocketsPerUser: 3 });
t.teardown(env.close);
const { app, rt } = env;
await app.listen({ port: 0, host: '127.0.0.1' });
const address = app.server.address();
const port = typeof address === 'object' && address ? address.port : 0;
await app.wsReady();

interface Open {
  ws: WebSocket;
  got: Array<{ orderId?: string }>;
  closed: Promise<number>;
}

function open(cookie: string, headers: Record<string, string> = {}, path = '/ws?format=json'): Promise<Open> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}${path}`, { headers: { cookie, ...headers } });
    const got: Open['got'] = [];
    const closed = new Promise<number>((r) => ws.on('close', (code) => r(code)));
    ws.on('message', (d) => got.push(JSON.parse(String(d))));
    ws.on('open', () => resolve({ ws, got, closed }));
    ws.on('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
    ws.on('error', reject);
  });
}

const within = <T>(p: Promise<T>, ms: number): Promise<T | 'timeout'> => Promise.race([p, new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), ms))]);

async function shop(m: Merchant): Promise<{ businessId: string; groupId: string }> {
  const b = await api(app, m, 'POST', '/business', { name: `${m.username} shop`, country: 'NG' });
  const businessId = b.json().business.id as string;
  const g = await api(app, m, 'POST', '/groups', { name: 'Sales', groupType: 'sales', businessId });
  return { businessId, groupId: g.json().group.id as string };
}

const alice = await register(app, 'alice');
const aliceShop = await shop(alice);

t.test('sign-out closes the socket of that session; the next order is not delivered to it', async (t) => {
  const m = await api(app, null, 'POST', '/auth/login', { username: 'alice', password: 'correct horse battery' });
  const cookie = sessionCookie(m);
  const s = await open(cookie);
  const other = await open(alice.cookie);
  const first = await placeOrder(rt, { ...aliceShop, customerName: 'Before' });
  await within(new Promise<void>((r) => { const i = setInterval(() => s.got.some((x) => x.orderId === first) && (clearInterval(i), r()), 20); }), 5000);
  t.ok(s.got.some((x) => x.orderId === first), 'live while signed in');

  t.equal((await api(app, { ...alice, cookie }, 'POST', '/auth/logout')).statusCode, 200);
  t.equal(await within(s.closed, 2000), 4401, 'closed at sign-out');
  const next = await placeOrder(rt, { ...aliceShop, customerName: 'After' });
  await new Promise((r) => setTimeout(r, 500));
  t.notOk(s.got.some((x) => x.orderId === next), 'the signed-out socket got nothing more');
  t.ok(other.got.some((x) => x.orderId === next), 'the other session of the same user still gets updates');
  other.ws.close();
});

t.test('signing in again (rotation) closes the sockets of the old session', async (t) => {
  const s = await open(alice.cookie);
  const r = await api(app, alice, 'POST', '/auth/login', { username: 'alice', password: 'correct horse battery' });
  t.equal(r.statusCode, 200);
  t.equal(await within(s.closed, 2000), 4401);
  alice.cookie = sessionCookie(r);
});

t.test('a session ended in another process (a row deleted elsewhere) closes its sockets', async (t) => {
  const s = await open(alice.cookie);
  await rt.pool.query(sql.unsafe`delete from auth_sessions where user_id = ${alice.id}`);
  t.equal(await within(s.closed, 2000), 4401, 'the novi_sessions notification reached this process');
  const r = await api(app, null, 'POST', '/auth/login', { username: 'alice', password: 'correct horse battery' });
  alice.cookie = sessionCookie(r);
});

t.test('an expired session is closed by the periodic re-check', async (t) => {
  const s = await open(alice.cookie);
  await rt.pool.query(sql.unsafe`update auth_sessions set expires_at = now() - interval '1 second' where user_id = ${alice.id}`);
  t.equal(await within(s.closed, 3000), 4401);
  const r = await api(app, null, 'POST', '/auth/login', { username: 'alice', password: 'correct horse battery' });
  alice.cookie = sessionCookie(r);
});

t.test('deactivating a user closes their sockets', async (t) => {
  const carol = await register(app, 'carol');
  const root = await createAdmin(app, rt, 'root');
  const s = await open(carol.cookie);
  await toggleUser(rt, { userId: carol.id, adminId: root.id, correlationId: newId() });
  t.equal(await within(s.closed, 2000), 4401);
});

t.test('the admin socket ends with its session too', async (t) => {
  const root = await createAdmin(app, rt, 'root2');
  const s = await open(root.cookie, {}, '/admin/ws?format=json');
  t.equal((await api(app, root, 'POST', '/auth/logout')).statusCode, 200);
  t.equal(await within(s.closed, 2000), 4401);
});

t.test('Origin is checked on the upgrade', async (t) => {
  await t.rejects(open(alice.cookie, { origin: 'https://evil.example' }), /upgrade refused: 403/, 'another site cannot open a socket with the cookie');
  await t.rejects(open(alice.cookie, { origin: 'https://evil.example' }, '/admin/ws?format=json'), /upgrade refused: 403/, 'nor the admin socket');
  const same = await open(alice.cookie, { origin: `http://127.0.0.1:${port}` });
  t.pass('the page\'s own origin opens it');
  same.ws.close();
});

t.test('a user holds at most maxSocketsPerUser sockets; one more closes the oldest', async (t) => {
  // A socket the route refuses (a merchant on /admin/ws) takes no place and evicts nobody.
  const s = [await open(alice.cookie), await open(alice.cookie), await open(alice.cookie)];
  const refused = await open(alice.cookie, {}, '/admin/ws?format=json');
  t.equal(await within(refused.closed, 2000), 4403);
  t.equal(app.liveSockets.count(alice.id), 3, 'the refused one took no place');
  const fourth = await open(alice.cookie);
  t.equal(await within(s[0]!.closed, 2000), 4429, 'the oldest is closed');
  t.equal(app.liveSockets.count(alice.id), 3);
  for (const x of [...s.slice(1), fourth]) x.ws.close();
});
