// `npm run bench -- eventstore`: the PostgreSQL event store against a plain INSERT of the same
// payloads (same jsonb) into an unindexed table, measured in the same run on the same database.
// Runs on its own embedded server (.novi-bench), in a fresh database, and stops that server at the end.
import { randomBytes, randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import pg from 'pg';
import { ensureEmbeddedPostgres, stopOwnedServer } from '../src/db/embedded.ts';
import { migrate } from '../src/db/migrate.ts';
import { PostgresEventStore } from '../src/eventstore/postgres.ts';
import type { NewEvent } from '../src/eventstore/types.ts';
import type { BenchResult } from './run.ts';

const SINGLE = 3000;
const CONCURRENT_WRITERS = 4;
const CONCURRENT_EACH = 1000;
const BATCHES = 100;
const BATCH = 100;
const SUBSCRIPTION_EVENTS = 100_000;
const ROUNDS = 5;

function payload(i: number): NewEvent {
  // Shaped like a MessageReceived: the common event in Novi.
  return {
    id: randomUUID(),
    type: 'MessageReceived',
    data: {
      messageId: `wamid.${randomBytes(8).toString('hex')}`,
      businessId: '5f0c6a52-8d55-4a3c-9f5e-0c1e2d3f4a5b',
      groupId: '0b7c1d2e-3f40-4a5b-8c6d-7e8f9a0b1c2d',
      chatId: '120363025246125486@g.us',
      sessionId: '9a8b7c6d-5e4f-4321-8a9b-0c1d2e3f4a5b',
      sender: { id: '2348031234567@c.us', name: 'Ada Obi', phone: '+2348031234567' },
      text: `Hi, I'd like 2 bags of rice and ${i % 7} tins of tomato paste, deliver to 12 Allen Avenue, Ikeja`,
      timestamp: new Date().toISOString(),
      kind: 'text',
    },
    metadata: {
      tenantId: '5f0c6a52-8d55-4a3c-9f5e-0c1e2d3f4a5b',
      actor: '2348031234567@c.us',
      correlationId: randomUUID(),
      causationId: null,
      occurredAt: new Date().toISOString(),
      schemaVersion: 1,
    },
  };
}

const rate = (n: number, ms: number) => (n * 1000) / ms;
const fmt = (x: number) => Math.round(x).toLocaleString('en-US');

async function timed(fn: () => Promise<void>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

export async function benchEventStore(): Promise<BenchResult> {
  const dataDir = resolve('.novi-bench');
  const server = await ensureEmbeddedPostgres({ dataDir, port: 55532 });
  const dbName = `bench_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: server.url('postgres') });
  await admin.connect();
  await admin.query(`create database ${dbName}`);
  await admin.end();
  const url = server.url(dbName);
  const lines: string[] = [];
  const figures: Record<string, number> = {};

  try {
    await migrate(url);
    const store = new PostgresEventStore(url, { poolSize: CONCURRENT_WRITERS + 1 });
    const plain = new pg.Pool({ connectionString: url, max: CONCURRENT_WRITERS + 1 });
    await plain.query('create table bench_plain (stream_id text, type text, data jsonb, metadata jsonb)');
    const plainInsert = (stream: string, e: NewEvent) =>
      plain.query('insert into bench_plain (stream_id, type, data, metadata) values ($1, $2, $3::jsonb, $4::jsonb)', [
        stream,
        e.type,
        JSON.stringify(e.data),
        JSON.stringify(e.metadata),
      ]);
    const plainBatch = (stream: string, es: NewEvent[]) =>
      plain.query(
        `insert into bench_plain (stream_id, type, data, metadata)
         select $1, t.type, t.data, t.meta from unnest($2::text[], $3::jsonb[], $4::jsonb[]) as t(type, data, meta)`,
        [stream, es.map((e) => e.type), es.map((e) => JSON.stringify(e.data)), es.map((e) => JSON.stringify(e.metadata))],
      );
    const stream = (i: number) => `chat-${i % 1000}`;

    // Warm up both paths (connections, plans).
    for (let i = 0; i < 200; i++) {
      await store.append(`warm-${i}`, [payload(i)]);
      await plainInsert('warm', payload(i));
    }

    const compare = (key: string, label: string, unit: string, storeRate: number, plainRate: number) => {
      figures[`${key}_store`] = storeRate;
      figures[`${key}_plain`] = plainRate;
      figures[`${key}_ratio`] = storeRate / plainRate;
      lines.push(
        `${label.padEnd(44)} store ${fmt(storeRate).padStart(8)} ${unit}   plain INSERT ${fmt(plainRate).padStart(8)} ${unit}   ratio ${(storeRate / plainRate).toFixed(2)}`,
      );
    };

    // Store and plain runs alternate in ROUNDS slices, so load from elsewhere on the machine
    // hits both sides alike and the ratio stays meaningful.
    const alternate = async (storeSlice: (r: number) => Promise<void>, plainSlice: (r: number) => Promise<void>) => {
      let storeMs = 0;
      let plainMs = 0;
      for (let r = 0; r < ROUNDS; r++) {
        storeMs += await timed(() => storeSlice(r));
        plainMs += await timed(() => plainSlice(r));
      }
      return [storeMs, plainMs] as const;
    };
    const slice = (n: number, r: number) => ({ from: Math.floor((n * r) / ROUNDS), to: Math.floor((n * (r + 1)) / ROUNDS) });

    // 1. Single-event appends, one after another.
    const singles = Array.from({ length: SINGLE }, (_, i) => payload(i));
    const [sMs, pMs] = await alternate(
      async (r) => {
        const { from, to } = slice(SINGLE, r);
        for (let i = from; i < to; i++) await store.append(stream(i), [singles[i]!]);
      },
      async (r) => {
        const { from, to } = slice(SINGLE, r);
        for (let i = from; i < to; i++) await plainInsert(stream(i), singles[i]!);
      },
    );
    compare('single_appends_per_s', `single-event appends, sequential (${SINGLE})`, 'appends/s', rate(SINGLE, sMs), rate(SINGLE, pMs));

    // 2. Single-event appends from concurrent writers.
    const work = Array.from({ length: CONCURRENT_WRITERS }, (_, w) => Array.from({ length: CONCURRENT_EACH }, (_, i) => payload(w * 10_000 + i)));
    const [cMs, cpMs] = await alternate(
      async (r) => {
        const { from, to } = slice(CONCURRENT_EACH, r);
        await Promise.all(
          work.map(async (events, w) => {
            for (let i = from; i < to; i++) await store.append(stream(w * 7 + i), [events[i]!]);
          }),
        );
      },
      async (r) => {
        const { from, to } = slice(CONCURRENT_EACH, r);
        await Promise.all(
          work.map(async (events, w) => {
            for (let i = from; i < to; i++) await plainInsert(stream(w * 7 + i), events[i]!);
          }),
        );
      },
    );
    const cN = CONCURRENT_WRITERS * CONCURRENT_EACH;
    compare('concurrent_appends_per_s', `single-event appends, ${CONCURRENT_WRITERS} concurrent writers (${cN})`, 'appends/s', rate(cN, cMs), rate(cN, cpMs));

    // 3. 100-event batches.
    const batches = Array.from({ length: BATCHES }, (_, b) => Array.from({ length: BATCH }, (_, i) => payload(b * BATCH + i)));
    const [bMs, bpMs] = await alternate(
      async (r) => {
        const { from, to } = slice(BATCHES, r);
        for (let b = from; b < to; b++) await store.append(`order-batch-${b}`, batches[b]!);
      },
      async (r) => {
        const { from, to } = slice(BATCHES, r);
        for (let b = from; b < to; b++) await plainBatch(`order-batch-${b}`, batches[b]!);
      },
    );
    const bN = BATCHES * BATCH;
    compare('batch_events_per_s', `${BATCH}-event batch appends (${bN} events)`, 'events/s', rate(bN, bMs), rate(bN, bpMs));

    // 4. Subscription catch-up over SUBSCRIPTION_EVENTS events (fill up with batches first).
    let total = Number(await store.countEvents());
    for (let b = 0; total < SUBSCRIPTION_EVENTS; b++) {
      const es = Array.from({ length: 1000 }, (_, i) => payload(i));
      await store.append(`fill-${b}`, es);
      await plainBatch(`fill-${b}`, es);
      total += es.length;
    }
    const head = await store.headPosition();
    let seen = 0;
    const subMs = await timed(async () => {
      const sub = store.subscribeToAll({ fromPosition: 0n });
      for await (const e of sub) {
        seen++;
        if (e.position >= head) break;
      }
      await sub.close();
    });
    // Baseline: the same number of rows read from the plain table in one sequential query.
    let plainRows = 0;
    const subPlainMs = await timed(async () => {
      const r = await plain.query(`select stream_id, type, data, metadata from bench_plain limit ${seen}`);
      plainRows = r.rowCount ?? 0;
    });
    compare('subscription_events_per_s', `subscription catch-up from 0 (${fmt(seen)} events)`, 'events/s', rate(seen, subMs), rate(plainRows, subPlainMs));
    lines.push('(plain baseline for the subscription: one sequential SELECT of the same number of rows from the unindexed table)');

    await store.close();
    await plain.end();
  } finally {
    const c = new pg.Client({ connectionString: server.url('postgres') });
    await c.connect();
    await c.query(`drop database if exists ${dbName} with (force)`).catch(() => undefined);
    await c.end();
    if (server.owned) await stopOwnedServer(dataDir);
  }
  return { lines, figures };
}
