// The PostgreSQL adapter's ordering promise under load: a subscriber of $all that runs while
// several writers append concurrently (some holding their transaction open, some rolling back and
// leaving holes in the positions) receives every committed event exactly once, in the order
// readAll returns. And live delivery does not depend on NOTIFY: polling picks up what no
// notification announced.
import t from 'tap';
import pg from 'pg';
import { PostgresEventStore } from '../../src/eventstore/postgres.ts';
import { WrongExpectedVersion, type RecordedEvent } from '../../src/eventstore/types.ts';
import { createTestDatabase } from '../helpers/db.ts';
import { newEvent, take } from './contract.ts';

const db = await createTestDatabase();
t.teardown(() => db.drop());

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

t.test('concurrent writers, holes, slow commits: the subscriber gets every committed event once, in readAll order', async (t) => {
  const WRITERS = 6;
  const DURATION_MS = 4000;
  const STREAMS = 40;

  const subscriberStore = new PostgresEventStore(db.url, { pollIntervalMs: 250, batchSize: 200 });
  const writers = Array.from({ length: WRITERS }, () => new PostgresEventStore(db.url, { poolSize: 1 }));
  const raw = new pg.Client({ connectionString: db.url });
  await raw.connect();
  t.teardown(async () => {
    await raw.end();
    for (const w of writers) await w.close();
    await subscriberStore.close();
  });

  // The subscriber runs the whole time, from the very beginning of $all.
  const received: RecordedEvent[] = [];
  const sub = subscriberStore.subscribeToAll({ fromPosition: 0n });
  const consuming = (async () => {
    for await (const e of sub) received.push(e);
  })();

  const committed = new Set<string>();
  const rolledBack = new Set<string>();
  let conflicts = 0;
  // Run for DURATION_MS and until a meaningful load has committed, however loaded the machine is
  // (bounded: a hard stop after a minute).
  const minStop = Date.now() + DURATION_MS;
  const hardStop = Date.now() + 60_000;
  const running = () => Date.now() < hardStop && (Date.now() < minStop || committed.size < 1200);

  const writer = async (w: number) => {
    const store = writers[w]!;
    let i = 0;
    while (running()) {
      i++;
      const stream = `order-${(i * 7 + w * 13) % STREAMS}`;
      const size = i % 3 === 0 ? 1 + (i % 5) : 1; // singles and small batches
      const events = Array.from({ length: size }, (_, k) => newEvent('Stressed', { w, i, k }));
      if (i % 11 === 0) {
        // A stale expected revision: conflicts (or, on a fresh stream, succeeds).
        try {
          await store.append(stream, events, { expectedRevision: 0n });
          for (const e of events) committed.add(e.id);
        } catch (e) {
          if (!(e instanceof WrongExpectedVersion)) throw e;
          conflicts++;
        }
      } else {
        await store.append(stream, events, { expectedRevision: 'any' });
        for (const e of events) committed.add(e.id);
      }
    }
  };

  // Transactions that draw positions and then roll back (holes), or that hold their positions
  // uncommitted for a while before committing (the case a plain bigserial gets wrong).
  const slowWriter = async () => {
    let i = 0;
    while (running()) {
      i++;
      const events = [newEvent('Slow', { i }), newEvent('Slow', { i, second: true })];
      const rollback = i % 2 === 0;
      await raw.query('begin');
      await raw.query('select * from es_append($1, $2, $3::uuid[], $4::text[], $5::jsonb[], $6::jsonb[])', [
        `slow-${i % 5}`,
        'any',
        events.map((e) => e.id),
        events.map((e) => e.type),
        events.map((e) => JSON.stringify(e.data)),
        events.map((e) => JSON.stringify(e.metadata)),
      ]);
      await sleep(15);
      await raw.query(rollback ? 'rollback' : 'commit');
      for (const e of events) (rollback ? rolledBack : committed).add(e.id);
      await sleep(5);
    }
  };

  await Promise.all([...writers.map((_, w) => writer(w)), slowWriter()]);

  const head = await subscriberStore.headPosition();
  const deadline = Date.now() + 30_000;
  while ((received.at(-1)?.position ?? 0n) < head && Date.now() < deadline) await sleep(50);
  await sleep(300); // anything delivered past the head would be a bug: give it a chance to show
  await sub.close();
  await consuming;

  const all = await subscriberStore.readAll({ fromPosition: 0n });
  t.ok(committed.size > 1000, `writers committed a meaningful load (${committed.size} events)`);
  t.ok(conflicts > 0, `some appends conflicted (${conflicts})`);
  t.ok(rolledBack.size > 0, `some transactions rolled back (${rolledBack.size} events)`);

  let holes = 0;
  for (let i = 1; i < all.length; i++) if (all[i]!.position !== all[i - 1]!.position + 1n) holes++;
  t.ok(holes > 0, `readAll shows holes in the positions (${holes})`);

  t.equal(all.length, committed.size, 'readAll holds exactly the committed events');
  t.equal(received.length, all.length, `subscriber received ${received.length} events, readAll has ${all.length}`);
  const ids = received.map((e) => e.id);
  t.equal(new Set(ids).size, ids.length, 'no event delivered twice');
  t.notOk(ids.some((id) => rolledBack.has(id)), 'no rolled-back event delivered');
  t.ok(ids.every((id) => committed.has(id)), 'only committed events delivered');
  let firstMismatch = -1;
  for (let i = 0; i < all.length; i++) {
    if (all[i]!.id !== ids[i]) {
      firstMismatch = i;
      break;
    }
  }
  t.equal(firstMismatch, -1, 'delivery order is exactly the readAll order');
  let increasing = true;
  for (let i = 1; i < received.length; i++) if (received[i]!.position <= received[i - 1]!.position) increasing = false;
  t.ok(increasing, 'positions strictly increase along the subscription');
});

t.test('live delivery without NOTIFY: the polling fallback', async (t) => {
  const store = new PostgresEventStore(db.url, { pollIntervalMs: 300 });
  const writer = new PostgresEventStore(db.url);
  const admin = new pg.Client({ connectionString: db.url });
  await admin.connect();
  t.teardown(async () => {
    await admin.end();
    await writer.close();
    await store.close();
  });

  const head = await store.headPosition();
  const sub = store.subscribeToAll({ fromPosition: head, filter: { streamPrefixes: ['poll-'] } });
  const it = sub[Symbol.asyncIterator]();
  t.teardown(() => sub.close());

  // 1. An event inserted without es_append: no NOTIFY is sent at all.
  const silent = newEvent('Silent', { n: 1 });
  const first = take(it, 1, 5_000);
  await sleep(100);
  await admin.query(
    `insert into es_events (stream_id, revision, event_id, type, data, metadata) values ('poll-1', 0, $1, $2, $3, $4)`,
    [silent.id, silent.type, JSON.stringify(silent.data), JSON.stringify(silent.metadata)],
  );
  await admin.query(`insert into es_streams (stream_id, revision) values ('poll-1', 0)`);
  const got = await first;
  t.equal(got[0]?.id, silent.id, 'an event that sent no notification still arrives (by polling)');

  // 2. The LISTEN connection is killed: notifications are lost until it reconnects.
  const killed = await admin.query<{ n: number }>(
    `select count(pg_terminate_backend(pid))::int as n from pg_stat_activity
      where datname = current_database() and pid <> pg_backend_pid() and query ilike 'listen%'`,
  );
  t.ok((killed.rows[0]?.n ?? 0) >= 1, 'the listener connection was terminated');
  const next = take(it, 2, 5_000);
  await writer.append('poll-2', [newEvent('AfterKill', { n: 2 })]);
  await writer.append('poll-3', [newEvent('AfterKill', { n: 3 })]);
  const after = await next;
  t.same(after.map((e) => e.data), [{ n: 2 }, { n: 3 }], 'events appended while the listener is gone still arrive');

  // 3. It listens again: with a very slow poll, a NOTIFY must be what delivers the next event.
  const notifyOnly = new PostgresEventStore(db.url, { pollIntervalMs: 60_000 });
  t.teardown(() => notifyOnly.close());
  const sub2 = notifyOnly.subscribeToAll({ fromPosition: await notifyOnly.headPosition(), filter: { streamPrefixes: ['poll-'] } });
  t.teardown(() => sub2.close());
  const it2 = sub2[Symbol.asyncIterator]();
  const waiting = take(it2, 3, 10_000);
  await sleep(300);
  await writer.append('poll-4', [newEvent('Notified', { n: 4 })]);
  await sleep(200);
  await admin.query(
    `select pg_terminate_backend(pid) from pg_stat_activity
      where datname = current_database() and pid <> pg_backend_pid() and query ilike 'listen%'`,
  );
  await sleep(300);
  await writer.append('poll-5', [newEvent('Notified', { n: 5 })]);
  await writer.append('poll-6', [newEvent('Notified', { n: 6 })]);
  const t0 = Date.now();
  const notified = await waiting;
  t.same(notified.map((e) => e.data), [{ n: 4 }, { n: 5 }, { n: 6 }], 'NOTIFY wakes the subscriber, and it re-listens after losing the connection');
  t.ok(Date.now() - t0 < 10_000, 'without waiting for the 60 s poll');
});
