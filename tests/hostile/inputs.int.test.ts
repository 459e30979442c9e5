// Hostile web input: every JSON body and query of http-api.md fuzzed with wrong types, huge
// strings, unicode, SQL and HTML payloads (fast-check). Never a 500; a 4xx carries a clear JSON
// message; a rejected request stores nothing (events, simulator inbox, session requests counted
// before/after). Plus sign-in: brute force → 429, deactivated user and expired session refused.
import t from 'tap';
import fc from 'fast-check';
import { sql } from 'slonik';
import { z } from 'zod';
import { api, placeOrder, register, webEnv } from '../web/harness.ts';

const env = await webEnv({ loginRateLimit: 1000 });
t.teardown(env.close);
const { app, rt } = env;
const m = await register(app, 'fuzzy');
const b = await api(app, m, 'POST', '/business', { name: 'Fuzz Foods', country: 'NG' });
const businessId = b.json().business.id as string;
const g = await api(app, m, 'POST', '/groups', { name: 'Sales', groupType: 'sales', businessId });
const groupId = g.json().group.id as string;
await api(app, m, 'POST', `/business/${businessId}/whatsapp`, { transport: 'simulator' });
const orderId = await placeOrder(rt, { businessId, groupId });
const deliveryId = (await api(app, m, 'POST', '/groups', { name: 'Riders', groupType: 'delivery', businessId })).json().group.id as string;

const RUNS = Number(process.env.FUZZ_RUNS ?? 25);
const nasty = fc.oneof(
  fc.constantFrom(
    "'; drop table orders; --",
    "1' or '1'='1",
    '<script>alert(1)</script>',
    '<img src=x onerror=alert(1)>',
    '\u0000\u0001\u202e\ufeff',
    '👩‍👩‍👧‍👦🇳🇬',
    '%00%27',
    '{{7*7}}',
    '../../etc/passwd',
    'NaN',
    '-1',
    '1e309',
    '',
    ' ',
  ),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 30 }),
  fc.constant('x'.repeat(70_000)),
  fc.constant('ü'.repeat(5000)),
);
const anyValue = fc.oneof(nasty, fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.array(nasty, { maxLength: 3 }), fc.dictionary(nasty, nasty, { maxKeys: 3 }));
const maybe = (arb: fc.Arbitrary<unknown>) => fc.option(arb, { nil: undefined });
const obj = (shape: Record<string, fc.Arbitrary<unknown>>) => fc.record(Object.fromEntries(Object.entries(shape).map(([k, v]) => [k, maybe(v)]))).map((o) => JSON.parse(JSON.stringify(o)) as Record<string, unknown>);

const bodies: Array<[string, 'POST' | 'PUT', string, fc.Arbitrary<unknown>]> = [
  ['register', 'POST', '/auth/register', obj({ username: anyValue, email: anyValue, password: anyValue, phone: anyValue })],
  ['login', 'POST', '/auth/login', obj({ username: anyValue, password: anyValue })],
  ['create business', 'POST', '/business', obj({ name: anyValue, description: anyValue, address: anyValue, phone: anyValue, email: anyValue, country: anyValue, currency: anyValue })],
  ['update business', 'PUT', `/business/${businessId}`, obj({ name: anyValue, country: anyValue, currency: anyValue, email: anyValue })],
  ['catalog', 'PUT', `/business/${businessId}/catalog`, obj({ products: fc.oneof(anyValue, fc.array(obj({ sku: anyValue, name: anyValue, price: anyValue, aliases: anyValue }), { maxLength: 3 })) })],
  ['group', 'POST', '/groups', obj({ name: anyValue, description: anyValue, groupType: anyValue, businessId: fc.oneof(anyValue, fc.constant(businessId)), whatsappId: anyValue })],
  ['order update', 'PUT', `/orders/${orderId}`, obj({ status: anyValue, items: fc.oneof(anyValue, fc.array(obj({ name: anyValue, sku: anyValue, quantity: anyValue, unitPrice: anyValue }), { maxLength: 2 })), customerInfo: fc.oneof(anyValue, obj({ name: anyValue, phone: anyValue, address: anyValue })) })],
  ['order undo', 'POST', `/orders/${orderId}/undo`, obj({ reason: anyValue, revision: anyValue })],
  ['rider phones', 'POST', `/groups/${deliveryId}/riders`, obj({ riderPhones: fc.oneof(anyValue, fc.array(anyValue, { maxLength: 3 })) })],
  ['export', 'POST', '/orders/export', obj({ format: anyValue, dateRange: fc.oneof(anyValue, obj({ from: anyValue, to: anyValue })), filters: fc.oneof(anyValue, obj({ status: anyValue, businessId: anyValue })) })],
  ['start session', 'POST', `/business/${businessId}/whatsapp`, obj({ transport: anyValue })],
  ['simulator message', 'POST', '/api/simulator/messages', obj({ groupId: fc.oneof(anyValue, fc.constant(groupId)), from: fc.oneof(anyValue, obj({ name: anyValue, phone: anyValue })), text: anyValue, id: anyValue })],
];
const queries: Array<[string, string, string[]]> = [
  ['orders list', '/orders', ['page', 'limit', 'status', 'businessId', 'q', 'from', 'to']],
  ['analytics', '/api/dashboard/analytics', ['businessId', 'from', 'to']],
  ['dashboard', '/dashboard', ['businessId']],
  ['groups', '/groups', ['businessId']],
  ['outbox', '/api/simulator/outbox', ['groupId']],
  ['admin events (forbidden)', '/admin/events', ['stream', 'type', 'tenantId', 'before', 'limit']],
];

const counts = async () =>
  rt.pool.one(sql.type(z.object({ events: z.coerce.number(), inbox: z.coerce.number(), requests: z.coerce.number(), sessions: z.coerce.number() }))`
    select (select count(*) from es_events) as events, (select count(*) from simulator_inbox) as inbox,
      (select count(*) from whatsapp_session_requests) as requests, (select count(*) from auth_sessions) as sessions`);

const problems: string[] = [];
async function check(label: string, send: () => ReturnType<typeof api>, input: unknown): Promise<void> {
  const before = await counts();
  const r = await send();
  const show = JSON.stringify(input)?.slice(0, 160);
  if (r.statusCode >= 500) problems.push(`${label}: ${r.statusCode} for ${show}: ${r.body.slice(0, 200)}`);
  else if (r.statusCode >= 400) {
    let body: { error?: boolean; message?: string } = {};
    try {
      body = r.json();
    } catch {
      problems.push(`${label}: ${r.statusCode} without a JSON error for ${show}`);
    }
    if (body.error !== true || !body.message || body.message.length < 5) problems.push(`${label}: ${r.statusCode} without a clear message for ${show}: ${r.body.slice(0, 200)}`);
    const after = await counts();
    if (after.events !== before.events || after.inbox !== before.inbox || after.requests !== before.requests) {
      problems.push(`${label}: rejected (${r.statusCode}) but stored something for ${show}: ${JSON.stringify({ before, after })}`);
    }
  }
}

for (const [label, method, url, arb] of bodies) {
  t.test(`fuzz ${label}: never 500, 4xx clear, nothing stored half-way`, async (t) => {
    const before = problems.length;
    await fc.assert(fc.asyncProperty(arb, async (body) => check(label, () => api(app, m, method, url, body), body)), { numRuns: RUNS });
    // Not even JSON: wrong content types and broken bodies.
    for (const raw of ['{"name":', 'null', '[]', '"x"', '1', 'a=b&c']) {
      await check(`${label} raw ${raw}`, () => app.inject({ method, url, headers: { 'content-type': 'application/json', accept: 'application/json', cookie: m.cookie }, payload: raw }), raw);
    }
    await check(`${label} form`, () => app.inject({ method, url, headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json', cookie: m.cookie }, payload: 'name=%3Cscript%3E&x[]=1&x[a]=2' }), 'form');
    t.same(problems.slice(before), [], label);
  });
}

for (const [label, path, keys] of queries) {
  t.test(`fuzz query ${label}`, async (t) => {
    const before = problems.length;
    const arb = fc.dictionary(fc.constantFrom(...keys), nasty.filter((s) => s.length < 5000), { maxKeys: keys.length });
    await fc.assert(
      fc.asyncProperty(arb, async (q) => {
        const qs = new URLSearchParams(q as Record<string, string>).toString();
        await check(label, () => api(app, m, 'GET', `${path}?${qs}`), q);
      }),
      { numRuns: RUNS },
    );
    t.same(problems.slice(before), [], label);
  });
}

t.test('fuzz ids in paths', async (t) => {
  const before = problems.length;
  await fc.assert(
    fc.asyncProperty(nasty.filter((s) => s.length < 2000), async (id) => {
      const enc = encodeURIComponent(id);
      await check('GET /orders/:id', () => api(app, m, 'GET', `/orders/${enc}`), id);
      await check('PUT /orders/:id', () => api(app, m, 'PUT', `/orders/${enc}`, { status: 'cancelled' }), id);
      await check('GET /business/:id/catalog', () => api(app, m, 'GET', `/business/${enc}/catalog`), id);
      await check('DELETE /business/:id/whatsapp', () => api(app, m, 'DELETE', `/business/${enc}/whatsapp`), id);
    }),
    { numRuns: RUNS },
  );
  t.same(problems.slice(before), [], 'ids');
});

t.test('sign-in: brute force is rate-limited, a deactivated user and an expired session are refused', async (t) => {
  const limited = await webEnv({ loginRateLimit: 5 });
  t.teardown(limited.close);
  const victim = await register(limited.app, 'victim');
  const codes: number[] = [];
  for (let i = 0; i < 8; i++) codes.push((await api(limited.app, null, 'POST', '/auth/login', { username: 'victim', password: `guess-${i}` })).statusCode);
  t.ok(codes.includes(429), `brute force meets 429 (${codes.join(',')})`);
  const right = await api(limited.app, null, 'POST', '/auth/login', { username: 'victim', password: 'correct horse battery' });
  t.equal(right.statusCode, 429, 'even the right password waits out the limit');
  t.match(right.json(), { error: true, code: 'RATE_LIMITED', message: /Too many sign-in attempts/ });

  // An expired session is refused (and not revived).
  t.equal((await api(limited.app, victim, 'GET', '/business')).statusCode, 200);
  await limited.rt.pool.query(sql.unsafe`update auth_sessions set expires_at = now() - interval '1 minute' where user_id = ${victim.id}`);
  t.equal((await api(limited.app, victim, 'GET', '/business')).statusCode, 401, 'expired session → 401');
  const page = await limited.app.inject({ method: 'GET', url: '/dashboard', headers: { cookie: victim.cookie } });
  t.equal(page.statusCode, 303, 'a browser with an expired session is sent to sign in');
});
