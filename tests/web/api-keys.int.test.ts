// API keys of a business: made by its owner (shown once, stored hashed), good for that business's
// JSON endpoints only (never another business of the same owner, never another tenant's, never
// admin), revoked → 401 at once, rate-limited; the event log has the key's id and name, never the
// key or its hash. Also: the OpenAPI document at /docs.
import t from 'tap';
import { sql } from 'slonik';
import { z } from 'zod';
import { api, placeOrder, register, webEnv } from './harness.ts';
import { hashApiKey } from '../../src/integrations/api-keys.ts';

const env = await webEnv({ apiKeyRateLimit: { perKeyPerMinute: 40, failuresPerMinute: 8 } });
t.teardown(env.close);
const { app, rt } = env;

const ada = await register(app, 'ada_keys');
const eve = await register(app, 'eve_keys');
const biz = async (m: typeof ada, name: string) => {
  const b = await api(app, m, 'POST', '/business', { name, country: 'NG' });
  const businessId = b.json().business.id as string;
  const g = await api(app, m, 'POST', '/groups', { name: 'Sales', groupType: 'sales', businessId });
  return { businessId, groupId: g.json().group.id as string };
};
const A = await biz(ada, 'Ada Kitchen');
const A2 = await biz(ada, 'Ada Second Shop');
const E = await biz(eve, 'Eve Kitchen');
const orderA = await placeOrder(rt, { businessId: A.businessId, groupId: A.groupId });
const orderA2 = await placeOrder(rt, { businessId: A2.businessId, groupId: A2.groupId });
const orderE = await placeOrder(rt, { businessId: E.businessId, groupId: E.groupId });

const bearer = (key: string, method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: unknown, headers: Record<string, string> = {}) =>
  api(app, null, method, url, payload, { authorization: `Bearer ${key}`, ...headers });

let key = '';
let keyId = '';

t.test('the owner creates a key: shown once, stored as a hash', async (t) => {
  const r = await api(app, ada, 'POST', `/business/${A.businessId}/api-keys`, { name: 'Accounting sync' });
  t.equal(r.statusCode, 201, r.body);
  key = r.json().token;
  keyId = r.json().apiKey.id;
  t.match(key, /^novi_[A-Za-z0-9_-]{43}$/);
  t.match(r.json().apiKey, { name: 'Accounting sync', businessId: A.businessId, revokedAt: null, prefix: key.slice(0, 12) });
  t.equal(r.headers['cache-control'], 'no-store');
  const list = await api(app, ada, 'GET', `/business/${A.businessId}/api-keys`);
  t.equal(list.statusCode, 200);
  t.equal(list.json().apiKeys.length, 1);
  t.notOk(JSON.stringify(list.json()).includes(key), 'the list never shows the key again');
  const stored = await rt.pool.one(sql.type(z.object({ hash: z.string() }))`select hash from api_keys where id = ${keyId}`);
  t.equal(stored.hash, hashApiKey(key), 'only the SHA-256 is kept');
  // The page shows it once too, and only its prefix afterwards.
  const page = await app.inject({ method: 'GET', url: `/business/${A.businessId}/integrations`, headers: { cookie: ada.cookie } });
  t.equal(page.statusCode, 200);
  t.ok(page.body.includes('Accounting sync'));
  t.notOk(page.body.includes(key));
  t.ok(page.body.includes(key.slice(0, 12)));
});

t.test('names are bounded and required', async (t) => {
  t.equal((await api(app, ada, 'POST', `/business/${A.businessId}/api-keys`, { name: '' })).statusCode, 400);
  t.equal((await api(app, ada, 'POST', `/business/${A.businessId}/api-keys`, { name: 'x'.repeat(101) })).statusCode, 400);
  const odd = await api(app, ada, 'POST', `/business/${A2.businessId}/api-keys`, { name: '<script>alert(1)</script>' });
  t.equal(odd.statusCode, 201);
  const page = await app.inject({ method: 'GET', url: `/business/${A2.businessId}/integrations`, headers: { cookie: ada.cookie } });
  t.notOk(page.body.includes('<script>alert(1)'), 'a key name is text, escaped');
  t.ok(page.body.includes('&lt;script'), 'shown as text');
});

t.test('the key reads its own business', async (t) => {
  const orders = await bearer(key, 'GET', '/orders');
  t.equal(orders.statusCode, 200, orders.body);
  t.same(orders.json().orders.map((o: { id: string }) => o.id), [orderA], 'only this business, not the owner’s other one');
  t.equal((await bearer(key, 'GET', `/orders/${orderA}`)).statusCode, 200);
  const businesses = await bearer(key, 'GET', '/business');
  t.same(businesses.json().businesses.map((b: { id: string }) => b.id), [A.businessId]);
  t.equal((await bearer(key, 'GET', `/api/dashboard/analytics?businessId=${A.businessId}`)).statusCode, 200);
  t.equal((await bearer(key, 'GET', '/customers')).statusCode, 200);
  // Without Accept: a key always gets JSON.
  const plain = await app.inject({ method: 'GET', url: '/orders', headers: { authorization: `Bearer ${key}` } });
  t.equal(plain.statusCode, 200);
  t.match(plain.headers['content-type'], /application\/json/);
  // A write works too, and needs no CSRF token (a key is not ambient like a cookie).
  const put = await bearer(key, 'PUT', `/orders/${orderA}`, { status: 'confirmed' });
  t.equal(put.statusCode, 200, put.body);
  t.equal(put.json().order.status, 'confirmed');
});

t.test("another business's data is a 404, whoever owns it", async (t) => {
  for (const url of [`/orders/${orderE}`, `/orders/${orderA2}`, `/business/${E.businessId}/catalog`, `/business/${A2.businessId}/catalog`, `/groups?businessId=${E.businessId}`, `/api/dashboard/analytics?businessId=${A2.businessId}`]) {
    const r = await bearer(key, 'GET', url);
    t.equal(r.statusCode, 404, `${url}: ${r.statusCode}`);
  }
  t.equal((await bearer(key, 'PUT', `/orders/${orderE}`, { status: 'confirmed' })).statusCode, 404);
  t.equal((await bearer(key, 'GET', `/business/${E.businessId}/webhooks`)).statusCode, 404);
  t.equal((await bearer(key, 'POST', '/business', { name: 'Sneaky', country: 'NG' })).statusCode, 403, 'no new businesses with a key');
  // Eve's session cannot see or revoke Ada's keys.
  t.equal((await api(app, eve, 'GET', `/business/${A.businessId}/api-keys`)).statusCode, 404);
  t.equal((await api(app, eve, 'DELETE', `/business/${A.businessId}/api-keys/${keyId}`)).statusCode, 404);
  t.equal((await api(app, eve, 'DELETE', `/business/${E.businessId}/api-keys/${keyId}`)).statusCode, 404, 'her own business, Ada’s key id');
  t.equal((await api(app, eve, 'GET', `/business/${A.businessId}/integrations`)).statusCode, 404);
});

t.test('a key is never admin, never makes keys, never opens sockets', async (t) => {
  t.equal((await bearer(key, 'GET', '/admin/dashboard')).statusCode, 403);
  t.equal((await bearer(key, 'GET', '/admin/events')).statusCode, 403);
  t.equal((await bearer(key, 'POST', `/business/${A.businessId}/api-keys`, { name: 'more' })).statusCode, 403);
  t.equal((await bearer(key, 'POST', '/auth/logout', {})).statusCode, 403);
  // A session cookie sent along does not widen the key.
  const both = await bearer(key, 'GET', '/orders', undefined, { cookie: ada.cookie });
  t.same(both.json().orders.map((o: { id: string }) => o.id), [orderA]);
});

t.test('bad keys are 401', async (t) => {
  t.equal((await bearer('novi_' + 'A'.repeat(43), 'GET', '/orders')).statusCode, 401);
  t.equal((await app.inject({ method: 'GET', url: '/orders', headers: { authorization: 'Basic abc' } })).statusCode, 401);
  const r = await bearer('nope', 'GET', '/orders');
  t.equal(r.statusCode, 401);
  t.match(r.json(), { error: true, code: 'UNAUTHORIZED' });
});

t.test('revoked is 401 at once', async (t) => {
  const r = await api(app, ada, 'DELETE', `/business/${A.businessId}/api-keys/${keyId}`);
  t.equal(r.statusCode, 200, r.body);
  t.ok(r.json().apiKey.revokedAt);
  t.equal((await bearer(key, 'GET', '/orders')).statusCode, 401);
  t.equal((await api(app, ada, 'DELETE', `/business/${A.businessId}/api-keys/${keyId}`)).statusCode, 200, 'revoking twice is fine');
});

t.test('the event log has the id and name, never the key or its hash', async (t) => {
  const rows = await rt.pool.any(sql.type(z.object({ type: z.string(), data: z.string() }))`
    select type, data::text as data from es_events where stream_id = ${`apikey-${keyId}`} order by position`);
  t.same(rows.map((r) => r.type), ['ApiKeyCreated', 'ApiKeyRevoked']);
  t.same(JSON.parse(rows[0]!.data), { keyId, businessId: A.businessId, name: 'Accounting sync' });
  const leaks = await rt.pool.oneFirst(sql.type(z.object({ n: z.coerce.number() }))`
    select count(*) as n from es_events where data::text like ${'%' + key + '%'} or data::text like ${'%' + hashApiKey(key) + '%'}
       or metadata::text like ${'%' + key.slice(5) + '%'}`);
  t.equal(leaks, 0);
});

t.test('requests per key are limited', async (t) => {
  const r = await api(app, ada, 'POST', `/business/${A.businessId}/api-keys`, { name: 'Busy' });
  const busy = r.json().token as string;
  const codes: number[] = [];
  for (let i = 0; i < 42; i++) codes.push((await bearer(busy, 'GET', '/business')).statusCode);
  t.equal(codes.filter((c) => c === 200).length, 40);
  t.equal(codes.at(-1), 429);
});

t.test('unknown keys from one address are limited', async (t) => {
  const codes: number[] = [];
  for (let i = 0; i < 10; i++) codes.push((await bearer('novi_' + String(i).repeat(43).slice(0, 43), 'GET', '/orders')).statusCode);
  t.ok(codes.includes(429), codes.join(','));
});

t.test('only the owner manages keys (an admin is not the owner)', async (t) => {
  await rt.pool.query(sql.unsafe`update users set role = 'admin' where id = ${eve.id}`);
  const r = await api(app, eve, 'GET', `/business/${A.businessId}/api-keys`);
  t.equal(r.statusCode, 403);
  await rt.pool.query(sql.unsafe`update users set role = 'merchant' where id = ${eve.id}`);
});

t.test('/docs/openapi.json lists the API routes', async (t) => {
  const r = await app.inject({ method: 'GET', url: '/docs/openapi.json' });
  t.equal(r.statusCode, 200);
  const doc = r.json();
  t.match(doc.openapi, /^3\.\d+\.\d+$/);
  t.ok(doc.info?.title && doc.info?.version);
  for (const p of ['/api/dashboard/analytics', '/api/simulator/messages', '/api/simulator/outbox', '/orders', '/orders/{id}', '/customers', '/business/{id}/api-keys', '/business/{id}/webhooks/{webhookId}/test']) {
    t.ok(doc.paths[p], `lists ${p}`);
  }
  // Every operation is well-formed: responses, path parameters declared, bodies as JSON schemas.
  for (const [path, ops] of Object.entries(doc.paths as Record<string, Record<string, { responses: object; parameters?: Array<{ name: string; in: string }>; requestBody?: { content: Record<string, { schema: { type?: string } }> } }>>)) {
    for (const [method, op] of Object.entries(ops)) {
      t.ok(['get', 'post', 'put', 'delete', 'patch'].includes(method), `${method} ${path}`);
      t.ok(Object.keys(op.responses).length > 0);
      for (const [, name] of path.matchAll(/\{(\w+)\}/g)) t.ok(op.parameters?.some((p) => p.in === 'path' && p.name === name), `${method} ${path} declares ${name}`);
      if (op.requestBody) t.ok(op.requestBody.content['application/json']?.schema, `${method} ${path} body schema`);
    }
  }
  const put = doc.paths['/orders/{id}'].put;
  t.ok(put.requestBody.content['application/json'].schema.properties.status.enum.includes('delivered'), 'the zod schema of PUT /orders/:id is in the document');
  t.same(doc.paths['/business/{id}/webhooks'].post.requestBody.content['application/json'].schema.properties.events.items.enum, ['order.created', 'order.updated', 'order.status_changed', 'message.received']);
  t.notOk(doc.paths['/static/*'], 'assets are not API');
  const html = await app.inject({ method: 'GET', url: '/docs' });
  t.equal(html.statusCode, 200);
  t.ok(html.body.includes('/docs/openapi.json'));
  t.ok(html.body.includes('/api/dashboard/analytics'));
  t.notOk(/https?:\/\/(?!example)[^"']*\.(js|css)/.test(html.body), 'no assets from elsewhere');
});
