// The event store contract on the PostgreSQL adapter, against a fresh migrated database.
import t from 'tap';
import { PostgresEventStore } from '../../src/eventstore/postgres.ts';
import { createTestDatabase } from '../helpers/db.ts';
import { eventStoreContract } from './contract.ts';

const db = await createTestDatabase();
t.teardown(() => db.drop());

eventStoreContract(t, async () => {
  // A short poll interval keeps the suite quick; live delivery normally comes from NOTIFY.
  const store = new PostgresEventStore(db.url, { pollIntervalMs: 200 });
  return { store, cleanup: () => store.close() };
});

t.test('reading through the catalog: an invalid stored event is reported with stream and position', async (t) => {
  const { randomUUID } = await import('node:crypto');
  const { ValidatedEventStore } = await import('../../src/eventstore/validated.ts');
  const { InvalidStoredEvent } = await import('../../src/eventstore/types.ts');
  const { newEvent } = await import('./contract.ts');
  const raw = new PostgresEventStore(db.url, { pollIntervalMs: 200 });
  t.teardown(() => raw.close());
  const stream = `user-${randomUUID()}`;
  const good = { ...newEvent('UserDeactivated'), data: { userId: randomUUID(), by: 'admin' } };
  const bad = { ...newEvent('UserDeactivated'), data: { userId: 'not-a-uuid' } };
  const head = await raw.headPosition();

  const strict = new ValidatedEventStore(raw);
  await t.rejects(strict.append(stream, [bad]), /fails its schema/, 'append refuses an event that fails its schema');
  await raw.append(stream, [good, bad]); // as if written by older or buggy code
  const stored = await raw.readStream(stream);
  const badPosition = stored[1]!.position;

  try {
    await strict.readStream(stream);
    t.fail('reading an invalid event must not succeed silently');
  } catch (e) {
    t.ok(e instanceof InvalidStoredEvent, 'readStream throws InvalidStoredEvent');
    if (e instanceof InvalidStoredEvent) {
      t.equal(e.streamId, stream, 'with its stream');
      t.equal(e.position, badPosition, 'and its position');
      t.equal(e.eventType, 'UserDeactivated');
      t.match(e.issues, /userId|by/, 'and what is wrong');
    }
  }
  await t.rejects(strict.readAll({ fromPosition: head }), InvalidStoredEvent, 'readAll too');

  const reported: InstanceType<typeof InvalidStoredEvent>[] = [];
  const lenient = new ValidatedEventStore(raw, { onInvalid: (err) => reported.push(err) });
  const read = await lenient.readStream(stream);
  t.same(read.map((e) => e.id), [good.id], 'with onInvalid the valid events are returned');
  t.equal(reported.length, 1, 'and the invalid one is reported');
  t.equal(reported[0]?.position, badPosition);

  const sub = strict.subscribeToAll({ fromPosition: head });
  const got: string[] = [];
  let failure: unknown;
  try {
    for await (const e of sub) got.push(e.id);
  } catch (e) {
    failure = e;
  }
  t.same(got, [good.id], 'the subscription delivers up to the invalid event');
  t.ok(failure instanceof InvalidStoredEvent, 'then fails with InvalidStoredEvent instead of skipping it');
});

t.test('relaxed durability: synchronous_commit is off for that one transaction only', async (t) => {
  const { randomUUID } = await import('node:crypto');
  const pg = (await import('pg')).default;
  const c = new pg.Client({ connectionString: db.url });
  await c.connect();
  t.teardown(() => c.end());
  const show = async () => (await c.query<{ synchronous_commit: string }>('show synchronous_commit')).rows[0]!.synchronous_commit;
  t.equal(await show(), 'on', 'durable by default');
  const call = (fn: string, id: string) =>
    c.query(`select status from ${fn}($1, 'any', $2::uuid[], array['ContractTested'], array['{}'::jsonb], array['{}'::jsonb])`, [`relaxed-${randomUUID()}`, [id]]);
  await c.query('begin');
  await call('es_append_relaxed', randomUUID());
  t.equal(await show(), 'off', 'es_append_relaxed turns it off in its transaction');
  await c.query('commit');
  t.equal(await show(), 'on', 'and it does not leak to the next transaction on the connection');
  await call('es_append_relaxed', randomUUID()); // autocommit, as the adapter calls it
  t.equal(await show(), 'on', 'nor after an autocommit call');
  await call('es_append', randomUUID());
  t.equal(await show(), 'on');
});
