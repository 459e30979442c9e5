// The other ways to erase a customer: `novi erase-customer` as a separate process (an operator on
// the server), the browser form with its confirmation step (CSRF token, confirm=yes, 303), and an
// admin doing it for support. Each leaves the other customers as they were.
import t from 'tap';
import { spawn } from 'node:child_process';
import { buildApp } from '../../web/app.ts';
import type { NewEvent } from '../../src/eventstore/types.ts';
import { api, register } from '../web/harness.ts';
import { createAdmin } from '../admin/helpers.ts';
import { runningPipeline } from './running.ts';
import { createShop, message, receive, type Shop } from './fixtures.ts';

const { rt, settle } = await runningPipeline(t);
const app = await buildApp(rt, { registerRateLimit: 1000 });
await app.ready();
t.teardown(() => app.close());

const owner = await register(app, 'erase_cli_owner');
const admin = await createAdmin(app, rt, 'erase_cli_admin');
const shop = await createShop(rt.store, { ownerId: owner.id });

function from(s: Shop, who: { id: string; name: string; phone: string }, text: string): NewEvent {
  const e = message(s, 'sales', text);
  return { ...e, data: { ...(e.data as object), sender: who }, metadata: { ...e.metadata, actor: who.id } };
}
const people = [
  { id: '2348031112222@c.us', name: 'Zainab Q', phone: '+2348031112222', order: 'Name: Zainab Quadri\nPhone: 0803 111 2222\n2x Jollof rice\ndeliver to 7 Marula Crescent, Lekki' },
  { id: '2348029998888@c.us', name: 'Tunde B', phone: '+2348029998888', order: 'Name: Tunde Bakare\nPhone: 0802 999 8888\n3x Plantain\ndeliver to 22 Okoro Street, Yaba' },
  { id: '2348027776666@c.us', name: 'Musa D', phone: '+2348027776666', order: 'Name: Musa Danjuma\nPhone: 0802 777 6666\n1 chicken\ndeliver to 3 Baobab Close, Ikoyi' },
  { id: '2348025554444@c.us', name: 'Ngozi E', phone: '+2348025554444', order: 'Name: Ngozi Eze\nPhone: 0802 555 4444\n2 chicken\ndeliver to 9 Iroko Road, Surulere' },
] as const;
for (const p of people) await receive(rt.store, from(shop, p, p.order));
await settle();

const names = async () => ((await api(app, owner, 'GET', '/customers')).json().customers as Array<{ name: string }>).map((c) => c.name).sort();

function novi(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['bin/novi.mjs', ...args], {
      env: { ...process.env, DATABASE_URL: rt.db.url, NODE_ENV: 'test', LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += String(d)));
    child.stderr.on('data', (d) => (stderr += String(d)));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

t.test('novi erase-customer', async (t) => {
  t.same(await names(), ['Musa Danjuma', 'Ngozi Eze', 'Tunde Bakare', 'Zainab Quadri']);
  const unconfirmed = await novi(['erase-customer', '--business', shop.businessId, '--customer', people[0].phone]);
  t.equal(unconfirmed.code, 2);
  t.match(unconfirmed.stderr, /--yes/);
  const badId = await novi(['erase-customer', '--business', 'nope', '--customer', people[0].phone, '--yes']);
  t.equal(badId.code, 2);
  t.match(badId.stderr, /--business must be the business id/);
  const nobody = await novi(['erase-customer', '--business', shop.businessId, '--customer', '+2340000000000', '--yes']);
  t.equal(nobody.code, 1);
  t.match(nobody.stderr, /Customer not found/);

  const r = await novi(['erase-customer', '--business', shop.businessId, '--customer', people[0].phone, '--yes']);
  t.equal(r.code, 0, r.stderr);
  t.match(r.stdout, /erased customer [0-9a-f-]{36} of business .*: 1 order\(s\), 1 message\(s\)/);
  t.notOk(r.stdout.includes('8031112222'), 'the output names the customer by its hash');
  await settle();
  const list = (await api(app, owner, 'GET', '/customers')).json().customers as Array<{ name: string }>;
  t.match(list.map((c) => c.name).sort(), ['Musa Danjuma', 'Ngozi Eze', 'Tunde Bakare', /^\[erased [0-9a-f]{8}\]$/]);
  const audit = (await api(app, admin, 'GET', '/admin/events?type=CustomerErased')).json().events;
  t.match(audit, [{ data: { businessId: shop.businessId, by: 'system' }, metadata: { actor: 'system' } }], 'recorded with the CLI as the actor');
});

t.test('the browser form: a confirmation page, then a POST with the token', async (t) => {
  const key = encodeURIComponent(people[1].phone);
  const page = await app.inject({ method: 'GET', url: `/customers/${key}/erase?businessId=${shop.businessId}`, headers: { cookie: owner.cookie } });
  t.equal(page.statusCode, 200);
  const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1];
  const csrfCookie = page.cookies.find((c) => c.name === 'novi_csrf');
  t.ok(csrf && csrfCookie, 'the form carries a CSRF token');
  const cookie = `${owner.cookie}; novi_csrf=${csrfCookie?.value ?? ''}`;
  const form = (fields: Record<string, string>) => app.inject({
    method: 'POST', url: `/customers/${key}/erase`,
    headers: { cookie, 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
    payload: new URLSearchParams(fields).toString(),
  });
  t.equal((await form({ businessId: shop.businessId, confirm: 'yes' })).statusCode, 403, 'no token: refused');
  const unticked = await form({ _csrf: csrf ?? '', businessId: shop.businessId });
  t.equal(unticked.statusCode, 400, 'the confirmation box not ticked: refused');
  const done = await form({ _csrf: csrf ?? '', businessId: shop.businessId, confirm: 'yes' });
  t.equal(done.statusCode, 303, done.body.slice(0, 200));
  t.equal(done.headers.location, `/customers?businessId=${shop.businessId}`);
  await settle();
  const html = (await app.inject({ method: 'GET', url: `/customers?businessId=${shop.businessId}`, headers: { cookie: owner.cookie } })).body;
  t.notOk(/Tunde|Bakare|8029998888|Okoro/i.test(html), 'gone from the customers page');
  t.match(html, /Musa Danjuma/);
});

t.test('an admin may erase for support', async (t) => {
  const r = await api(app, admin, 'POST', `/api/customers/${encodeURIComponent(people[2].phone)}/erase`, { businessId: shop.businessId, confirm: 'yes' });
  t.equal(r.statusCode, 200, r.body);
  await settle();
  const list = (await api(app, owner, 'GET', '/customers')).json().customers as Array<{ name: string; phone: string | null }>;
  t.equal(list.filter((c) => /^\[erased/.test(c.name)).length, 3);
  t.match(list.find((c) => c.phone === people[3].phone), { name: 'Ngozi Eze' }, 'the customer nobody erased is intact');
  const audit = (await api(app, admin, 'GET', `/admin/events?type=CustomerErased&actor=${admin.id}`)).json().events;
  t.equal(audit.length, 1, 'recorded with the admin as the actor');
});
