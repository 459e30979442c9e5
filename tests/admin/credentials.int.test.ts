// Password hashes never in the event log, never on an admin page: new accounts keep theirs in
// the credentials table; an old UserRegistered (schemaVersion 1) that still carries one is shown
// with the field redacted, and migration 011 moves it out and scrubs es_events, after which
// that account still signs in.
import t, { type Test } from 'tap';
import { sql } from 'slonik';
import { z } from 'zod';
import { hashPassword } from '../../src/accounts/credentials.ts';
import { userStreamId } from '../../src/accounts/user.ts';
import { migrate } from '../../src/db/migrate.ts';
import { newId } from '../../src/shared/ids.ts';
import { api, register, webEnv } from '../web/harness.ts';
import { createAdmin, waitFor } from './helpers.ts';

const env = await webEnv({ loginRateLimit: 1000 });
t.teardown(env.close);
const { app, rt } = env;
const root = await createAdmin(app, rt, 'root');

const hashesInLog = () => rt.pool.oneFirst(sql.type(z.object({ n: z.coerce.number() }))`
  select count(*) as n from es_events where data::text like '%$argon2%' or data ? 'passwordHash'`);
const adminPages = async (t: Test) => {
  const pages: string[] = [];
  for (const url of ['/admin/events', '/admin/events?type=UserRegistered', '/admin/dashboard']) {
    for (const accept of ['text/html', 'application/json']) {
      const r = await app.inject({ method: 'GET', url, headers: { accept, cookie: root.cookie } });
      t.equal(r.statusCode, 200, `${url} (${accept})`);
      pages.push(r.body);
    }
  }
  return pages.join('\n');
};

t.test('a new account: the hash is in credentials, not in UserRegistered', async (t) => {
  const m = await register(app, 'fresh');
  t.equal(await hashesInLog(), 0, 'no hash in es_events');
  const stored = await rt.pool.oneFirst(sql.type(z.object({ password_hash: z.string() }))`select password_hash from credentials where user_id = ${m.id}`);
  t.match(stored, /^\$argon2id\$/);
  const [registered] = await rt.store.readStream(userStreamId(m.id));
  t.equal(registered?.metadata.schemaVersion, 2);
  t.notOk('passwordHash' in (registered?.data as object), 'the event has no hash field');
  t.equal((await api(app, null, 'POST', '/auth/login', { username: 'fresh', password: 'correct horse battery' })).statusCode, 200, 'sign-in reads credentials');
  t.equal((await api(app, null, 'POST', '/auth/login', { username: 'fresh', password: 'wrong' })).statusCode, 401);
  const cols = await rt.pool.anyFirst(sql.type(z.object({ column_name: z.string() }))`
    select column_name from information_schema.columns where table_name = 'users'`);
  t.notOk(cols.includes('password_hash'), 'the users read model holds no hash');
});

t.test('a legacy v1 event with a hash: redacted on admin pages; migration 011 moves it out', async (t) => {
  const userId = newId();
  const legacyHash = await hashPassword('legacy password 1');
  await rt.pool.query(sql.unsafe`insert into account_names (user_id, username, email) values (${userId}, 'oldtimer', 'old@example.com')`);
  await rt.store.append(userStreamId(userId), [
    {
      id: newId(),
      type: 'UserRegistered',
      data: { userId, username: 'oldtimer', email: 'old@example.com', phone: null, role: 'merchant', passwordHash: legacyHash },
      metadata: { tenantId: null, actor: userId, correlationId: newId(), causationId: null, occurredAt: new Date().toISOString(), schemaVersion: 1 },
    },
  ]);
  t.equal(await hashesInLog(), 1, 'the legacy event carries a hash (as before sql/011)');
  await waitFor('the users projection', async () => rt.pool.exists(sql.unsafe`select 1 from users where id = ${userId}`), 10_000);

  // A store whose events a migration cannot rewrite (EventStoreDB): the first sign-in copies it.
  t.equal((await api(app, null, 'POST', '/auth/login', { username: 'oldtimer', password: 'legacy password 1' })).statusCode, 200, 'a v1 account signs in before the migration');
  t.equal(await rt.pool.oneFirst(sql.type(z.object({ password_hash: z.string() }))`select password_hash from credentials where user_id = ${userId}`), legacyHash, 'and its hash is copied to credentials');
  await rt.pool.query(sql.unsafe`delete from credentials where user_id = ${userId}`);

  const before = await adminPages(t);
  t.notOk(before.includes(legacyHash), 'no admin page (HTML or JSON) shows the hash');
  t.notOk(before.includes('$argon2'), 'nor any argon2 hash');
  t.match(before, /oldtimer/, 'the event itself is shown');

  // Re-apply 011 as an upgrade of a database that still holds v1 events would.
  await rt.pool.query(sql.unsafe`delete from schema_migrations where name like '011_%'`);
  t.same(await migrate(rt.database.url), ['011_credentials_and_sign_in.sql']);
  t.equal(await hashesInLog(), 0, 'no hash left in es_events');
  const moved = await rt.pool.oneFirst(sql.type(z.object({ password_hash: z.string() }))`select password_hash from credentials where user_id = ${userId}`);
  t.equal(moved, legacyHash, 'the hash moved to credentials');
  const [scrubbed] = await rt.store.readStream(userStreamId(userId));
  t.equal(scrubbed?.metadata.schemaVersion, 2, 'the scrubbed event is marked v2');
  t.equal((await api(app, null, 'POST', '/auth/login', { username: 'oldtimer', password: 'legacy password 1' })).statusCode, 200, 'the legacy account still signs in');
  t.equal(await hashesInLog(), 0);
});

t.test('an append carrying a secret field is refused by the validated store', async (t) => {
  const { ValidatedEventStore } = await import('../../src/eventstore/validated.ts');
  const store = new ValidatedEventStore(rt.store);
  const userId = newId();
  await t.rejects(
    store.append(userStreamId(userId), [
      {
        id: newId(),
        type: 'UserRegistered',
        data: { userId, username: 'sneaky', email: 'sneaky@example.com', phone: null, role: 'merchant', passwordHash: 'x' },
        metadata: { tenantId: null, actor: userId, correlationId: newId(), causationId: null, occurredAt: new Date().toISOString(), schemaVersion: 2 },
      },
    ]),
    /secret fields \(passwordHash\)/,
  );
});
