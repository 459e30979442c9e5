// The event store contract: one suite that every adapter of the port (src/eventstore/types.ts)
// must pass. Run by postgres.int.test.ts and eventstoredb.int.test.ts.
//
// Every test uses fresh stream names (and, for $all, a fresh stream prefix and fresh event
// types) so the suite also works against a shared server that already holds other events.
import { randomUUID } from 'node:crypto';
import type { Test } from 'tap';
import {
  WrongExpectedVersion,
  type EventStore,
  type ExpectedRevision,
  type NewEvent,
  type RecordedEvent,
  type Subscription,
} from '../../src/eventstore/types.ts';

export type MakeStore = () => Promise<{ store: EventStore; cleanup(): Promise<void> }>;

const tag = () => randomUUID().replace(/-/g, '').slice(0, 10);

export function newEvent(type = 'ContractTested', data: Record<string, unknown> = {}, id = randomUUID()): NewEvent {
  return {
    id,
    type,
    data: { ...data, n: data['n'] ?? 0 },
    metadata: {
      tenantId: 'tenant-1',
      actor: 'contract',
      correlationId: randomUUID(),
      causationId: null,
      occurredAt: new Date().toISOString(),
      schemaVersion: 1,
    },
  };
}

async function expectWrongVersion(t: Test, p: Promise<unknown>, actual: bigint | 'no_stream', what: string): Promise<void> {
  try {
    await p;
    t.fail(`${what}: expected WrongExpectedVersion, append succeeded`);
  } catch (e) {
    t.ok(e instanceof WrongExpectedVersion, `${what}: raises WrongExpectedVersion`);
    if (e instanceof WrongExpectedVersion) t.equal(e.actual, actual, `${what}: actual revision ${String(actual)}`);
    else throw e;
  }
}

/** Reads `n` events from a subscription, failing after `timeoutMs`. */
export async function take(it: AsyncIterator<RecordedEvent>, n: number, timeoutMs = 10_000): Promise<RecordedEvent[]> {
  const out: RecordedEvent[] = [];
  const deadline = Date.now() + timeoutMs;
  while (out.length < n) {
    const left = deadline - Date.now();
    let timer: NodeJS.Timeout | undefined;
    const r = await Promise.race([
      it.next(),
      new Promise<'timeout'>((res) => (timer = setTimeout(() => res('timeout'), Math.max(left, 0)))),
    ]);
    clearTimeout(timer);
    if (r === 'timeout') throw new Error(`subscription delivered ${out.length} of ${n} events within ${timeoutMs} ms`);
    if (r.done) throw new Error(`subscription ended after ${out.length} of ${n} events`);
    out.push(r.value);
  }
  return out;
}

/** True when the iterator ends (done) within `timeoutMs`, pulling any events still buffered. */
async function endsWithin(it: AsyncIterator<RecordedEvent>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const left = deadline - Date.now();
    if (left <= 0) return false;
    let timer: NodeJS.Timeout | undefined;
    const r = await Promise.race([
      it.next(),
      new Promise<'timeout'>((res) => (timer = setTimeout(() => res('timeout'), left))),
    ]);
    clearTimeout(timer);
    if (r === 'timeout') return false;
    if (r.done) return true;
  }
}

export function eventStoreContract(t: Test, makeStore: MakeStore): void {
  const withStore = (name: string, fn: (t: Test, store: EventStore) => Promise<void>) =>
    t.test(name, async (t) => {
      const { store, cleanup } = await makeStore();
      t.teardown(cleanup);
      await fn(t, store);
    });

  withStore('append with each expected revision kind, conflicts carry the actual revision', async (t, store) => {
    const s = `order-${tag()}`;
    const r0 = await store.append(s, [newEvent()], { expectedRevision: 'no_stream' });
    t.equal(r0.nextExpectedRevision, 0n, 'no_stream on a new stream writes revision 0');
    t.equal(r0.written, true);
    await expectWrongVersion(t, store.append(s, [newEvent()], { expectedRevision: 'no_stream' }), 0n, 'no_stream on an existing stream');

    const r1 = await store.append(s, [newEvent()], { expectedRevision: 'stream_exists' });
    t.equal(r1.nextExpectedRevision, 1n, 'stream_exists on an existing stream');
    await expectWrongVersion(
      t,
      store.append(`order-${tag()}`, [newEvent()], { expectedRevision: 'stream_exists' }),
      'no_stream',
      'stream_exists on a missing stream',
    );

    const r2 = await store.append(s, [newEvent(), newEvent()], { expectedRevision: 1n });
    t.equal(r2.nextExpectedRevision, 3n, 'exact revision: two events after revision 1 end at 3');
    await expectWrongVersion(t, store.append(s, [newEvent()], { expectedRevision: 1n }), 3n, 'stale exact revision');
    await expectWrongVersion(t, store.append(s, [newEvent()], { expectedRevision: 7n }), 3n, 'future exact revision');
    await expectWrongVersion(
      t,
      store.append(`order-${tag()}`, [newEvent()], { expectedRevision: 0n }),
      'no_stream',
      'exact revision on a missing stream',
    );

    const r3 = await store.append(s, [newEvent()], { expectedRevision: 'any' });
    t.equal(r3.nextExpectedRevision, 4n, 'any appends at the end');
    const r4 = await store.append(`order-${tag()}`, [newEvent()]);
    t.equal(r4.nextExpectedRevision, 0n, 'default (any) creates a stream');
    t.ok(r3.position > r2.position && r2.position > r1.position, 'positions grow with each append');

    const events = await store.readStream(s);
    t.same(events.map((e) => e.revision), [0n, 1n, 2n, 3n, 4n], 'conflicting appends wrote nothing');
  });

  withStore('relaxed appends are read, ordered, deduplicated and checked like durable ones', async (t, store) => {
    const s = `order-${tag()}`;
    const type = `Relaxed${tag()}`;
    const a = newEvent(type, { n: 1 });
    const b = newEvent(type, { n: 2 });
    const c = newEvent(type, { n: 3 });
    const d = newEvent(type, { n: 4 });
    const r0 = await store.append(s, [a], { expectedRevision: 'no_stream', durability: 'relaxed' });
    t.equal(r0.nextExpectedRevision, 0n);
    const r1 = await store.append(s, [b], { expectedRevision: 0n }); // durable
    const r2 = await store.append(s, [c, d], { expectedRevision: 1n, durability: 'relaxed' });
    t.equal(r2.nextExpectedRevision, 3n);
    t.ok(r0.position < r1.position && r1.position < r2.position, 'positions grow across relaxed and durable appends');
    const read = await store.readStream(s);
    t.same(read.map((e) => e.id), [a.id, b.id, c.id, d.id], 'readStream sees every event in order');
    const all = await store.readAll({ filter: { eventTypes: [type] } });
    t.same(all.map((e) => e.id), [a.id, b.id, c.id, d.id], 'readAll sees every event in commit order');
    t.same(all.map((e) => e.data), [{ n: 1 }, { n: 2 }, { n: 3 }, { n: 4 }]);
    const again = await store.append(s, [c, d], { expectedRevision: 'no_stream', durability: 'relaxed' });
    t.equal(again.written, false, 'a relaxed replay is an idempotent duplicate');
    await expectWrongVersion(t, store.append(s, [newEvent()], { expectedRevision: 1n, durability: 'relaxed' }), 3n, 'relaxed stale revision');
  });

  withStore('a multi-event append is atomic', async (t, store) => {
    const s = `order-${tag()}`;
    const batch = [newEvent('A', { n: 1 }), newEvent('B', { n: 2 }), newEvent('C', { n: 3 })];
    const r = await store.append(s, batch, { expectedRevision: 'no_stream' });
    t.equal(r.nextExpectedRevision, 2n);
    const read = await store.readStream(s);
    t.same(read.map((e) => e.id), batch.map((e) => e.id), 'all events of the batch, in order');
    t.same(read.map((e) => e.revision), [0n, 1n, 2n]);
    for (let i = 1; i < read.length; i++) t.ok(read[i]!.position > read[i - 1]!.position, 'positions increase within a batch');
    t.equal(r.position, read[2]!.position, 'append reports the position of its last event');

    const conflicting = [newEvent(), newEvent(), newEvent()];
    await expectWrongVersion(t, store.append(s, conflicting, { expectedRevision: 0n }), 2n, 'conflicting batch (stale)');
    await expectWrongVersion(t, store.append(s, conflicting, { expectedRevision: 'no_stream' }), 2n, 'conflicting batch (no_stream)');
    const after = await store.readStream(s);
    t.equal(after.length, 3, 'a conflicting batch writes nothing');
    const ids = new Set(conflicting.map((e) => e.id));
    t.notOk(after.some((e) => ids.has(e.id)), 'none of the conflicting events is stored');
  });

  withStore('idempotent by event id, durably, whatever the expected revision', async (t, store) => {
    const s = `order-${tag()}`;
    const a = newEvent('A');
    const first = await store.append(s, [a], { expectedRevision: 'no_stream' });

    for (const expectedRevision of ['any', 'no_stream', 'stream_exists', 0n] as ExpectedRevision[]) {
      const again = await store.append(s, [a], { expectedRevision });
      t.equal(again.written, false, `same id with ${String(expectedRevision)}: success, not written`);
      t.equal(again.position, first.position, `same id with ${String(expectedRevision)}: reports where it is stored`);
    }

    const b = newEvent('B');
    await store.append(s, [b], { expectedRevision: 0n });
    const cd = [newEvent('C'), newEvent('D')];
    await store.append(s, cd, { expectedRevision: 1n });
    await store.append(s, [newEvent('E')], { expectedRevision: 3n });

    // Retries long after, with the expected revision they were first sent with (now stale).
    const retryA = await store.append(s, [a], { expectedRevision: 'no_stream' });
    t.equal(retryA.written, false, 'retry with stale no_stream: success');
    t.equal(retryA.nextExpectedRevision, 4n, 'a duplicate reports the stream revision');
    t.equal((await store.append(s, [b], { expectedRevision: 0n })).written, false, 'retry with stale exact revision: success');
    t.equal((await store.append(s, cd, { expectedRevision: 1n })).written, false, 'retried batch with stale exact revision: success');
    t.equal((await store.append(s, cd, { expectedRevision: 'any' })).written, false, 'retried batch with any: success');
    t.equal((await store.append(s, [b], { expectedRevision: 4n })).written, false, 'retry with the current revision: success');

    // Durable: a new store instance (new connections) still dedupes.
    const other = await makeStore();
    try {
      const r = await other.store.append(s, [a, b], { expectedRevision: 'any' });
      t.equal(r.written, false, 'a fresh store instance still finds the ids');
    } finally {
      await other.cleanup();
    }

    const stored = await store.readStream(s);
    t.same(stored.map((e) => e.type), ['A', 'B', 'C', 'D', 'E'], 'every id stored exactly once');
  });

  withStore('readStream forwards, backwards, from a revision, max count', async (t, store) => {
    const s = `order-${tag()}`;
    const written = [0, 1, 2, 3, 4].map((n) => newEvent('Numbered', { n, text: `é "quoted" \\ ${n}` }));
    await store.append(s, written.slice(0, 2), { expectedRevision: 'no_stream' });
    await store.append(s, written.slice(2), { expectedRevision: 1n });

    const all = await store.readStream(s);
    t.same(all.map((e) => e.revision), [0n, 1n, 2n, 3n, 4n], 'forwards from the start');
    const e0 = all[0]!;
    t.equal(e0.id, written[0]!.id, 'id round-trips');
    t.equal(e0.streamId, s, 'streamId');
    t.equal(e0.type, 'Numbered', 'type');
    t.same(e0.data, written[0]!.data, 'data round-trips (unicode, quotes, backslashes)');
    t.same(e0.metadata, written[0]!.metadata, 'metadata round-trips');
    t.ok(e0.recordedAt instanceof Date && !Number.isNaN(e0.recordedAt.getTime()), 'recordedAt is a Date');
    t.equal(typeof e0.position, 'bigint', 'position is a bigint');

    const rev = (es: RecordedEvent[]) => es.map((e) => e.revision);
    t.same(rev(await store.readStream(s, { direction: 'backwards' })), [4n, 3n, 2n, 1n, 0n], 'backwards from the end');
    t.same(rev(await store.readStream(s, { fromRevision: 2n })), [2n, 3n, 4n], 'forwards from revision 2 (inclusive)');
    t.same(rev(await store.readStream(s, { direction: 'backwards', fromRevision: 2n })), [2n, 1n, 0n], 'backwards from revision 2 (inclusive)');
    t.same(rev(await store.readStream(s, { maxCount: 2 })), [0n, 1n], 'max count forwards');
    t.same(rev(await store.readStream(s, { direction: 'backwards', maxCount: 2 })), [4n, 3n], 'max count backwards');
    t.same(rev(await store.readStream(s, { fromRevision: 1n, maxCount: 3 })), [1n, 2n, 3n], 'from revision with max count');
    t.same(rev(await store.readStream(s, { fromRevision: 9n })), [], 'from past the end: nothing');
    t.same(await store.readStream(`order-${tag()}`), [], 'a stream that does not exist reads as []');
    t.same(await store.readStream(`order-${tag()}`, { direction: 'backwards' }), [], 'backwards too');
  });

  withStore('readAll from a position, with filters', async (t, store) => {
    const p = `c${tag()}`;
    const typeA = `A${tag()}`;
    const typeB = `B${tag()}`;
    const head = await store.headPosition();
    t.equal(typeof head, 'bigint');
    const s1 = `${p}one-1`;
    const s2 = `${p}two-1`;
    const r1 = await store.append(s1, [newEvent(typeA, { n: 1 }), newEvent(typeB, { n: 2 })]);
    const r2 = await store.append(s2, [newEvent(typeA, { n: 3 })]);
    await store.append(`order-${tag()}`, [newEvent(typeA, { n: 99 })]); // outside the prefix
    const r3 = await store.append(s1, [newEvent(typeB, { n: 4 })]);
    t.ok((await store.headPosition()) >= r3.position, 'headPosition moves to (at least) the last append');

    const mine = await store.readAll({ fromPosition: head, filter: { streamPrefixes: [p] } });
    t.same(mine.map((e) => e.data), [{ n: 1 }, { n: 2 }, { n: 3 }, { n: 4 }], 'prefix filter, in commit order');
    for (let i = 1; i < mine.length; i++) t.ok(mine[i]!.position > mine[i - 1]!.position, 'positions strictly increase');
    t.equal(mine[1]!.position, r1.position, 'positions match what append reported');
    t.equal(mine[2]!.position, r2.position);

    const unfiltered = await store.readAll({ fromPosition: head });
    t.same(
      unfiltered.filter((e) => e.streamId.startsWith(p)).map((e) => e.id),
      mine.map((e) => e.id),
      'the filtered read is a subsequence of the unfiltered one',
    );
    t.ok(unfiltered.some((e) => e.data && (e.data as { n?: number }).n === 99), 'unfiltered includes other streams');

    const after = await store.readAll({ fromPosition: mine[0]!.position, filter: { streamPrefixes: [p] } });
    t.same(after.map((e) => e.data), [{ n: 2 }, { n: 3 }, { n: 4 }], 'fromPosition is exclusive');

    const byType = await store.readAll({ fromPosition: head, filter: { eventTypes: [typeA] } });
    t.same(byType.map((e) => e.data), [{ n: 1 }, { n: 3 }, { n: 99 }], 'event-type filter');
    const both = await store.readAll({ fromPosition: head, filter: { eventTypes: [typeA], streamPrefixes: [p] } });
    t.same(both.map((e) => e.data), [{ n: 1 }, { n: 3 }], 'type and prefix filters together');
    const twoPrefixes = await store.readAll({ fromPosition: head, filter: { streamPrefixes: [`${p}two`, `${p}one`] } });
    t.equal(twoPrefixes.length, 4, 'several prefixes: any of them');
    const limited = await store.readAll({ fromPosition: head, maxCount: 2, filter: { streamPrefixes: [p] } });
    t.same(limited.map((e) => e.data), [{ n: 1 }, { n: 2 }], 'maxCount');
    const back = await store.readAll({ direction: 'backwards', maxCount: 2, filter: { streamPrefixes: [p] } });
    t.same(back.map((e) => e.data), [{ n: 4 }, { n: 3 }], 'backwards from the end');
    const backFrom = await store.readAll({ direction: 'backwards', fromPosition: r3.position, filter: { streamPrefixes: [p] } });
    t.same(backFrom.map((e) => e.data), [{ n: 3 }, { n: 2 }, { n: 1 }], 'backwards from a position (exclusive)');
    t.same(await store.readAll({ fromPosition: r3.position, filter: { streamPrefixes: [p] } }), [], 'nothing after the last');
    t.same(await store.readAll({ fromPosition: head, filter: { streamPrefixes: [`${p}none`] } }), [], 'no match: []');
  });

  withStore('subscribeToAll: catch-up then live, filters, exclusive fromPosition, close ends it', async (t, store) => {
    const p = `c${tag()}`;
    const typeA = `A${tag()}`;
    const typeB = `B${tag()}`;
    const head = await store.headPosition();
    await store.append(`${p}-1`, [newEvent(typeA, { n: 1 }), newEvent(typeB, { n: 2 })]);
    await store.append(`order-${tag()}`, [newEvent(typeA, { n: 100 })]);
    await store.append(`${p}-2`, [newEvent(typeA, { n: 3 })]);

    const subs: Subscription[] = [];
    t.teardown(async () => {
      for (const s of subs) await s.close();
    });
    const open = (o: Parameters<EventStore['subscribeToAll']>[0]) => {
      const s = store.subscribeToAll(o);
      subs.push(s);
      return { sub: s, it: s[Symbol.asyncIterator]() };
    };

    const byPrefix = open({ fromPosition: head, filter: { streamPrefixes: [p] } });
    const byType = open({ fromPosition: head, filter: { eventTypes: [typeA] } });
    const caught = await take(byPrefix.it, 3);
    t.same(caught.map((e) => e.data), [{ n: 1 }, { n: 2 }, { n: 3 }], 'catch-up with a stream-prefix filter');
    t.same((await take(byType.it, 3)).map((e) => e.data), [{ n: 1 }, { n: 100 }, { n: 3 }], 'catch-up with an event-type filter');

    const exclusive = open({ fromPosition: caught[0]!.position, filter: { streamPrefixes: [p] } });
    t.same((await take(exclusive.it, 2)).map((e) => e.data), [{ n: 2 }, { n: 3 }], 'fromPosition is exclusive');

    // Live: appended after the subscriptions caught up.
    await new Promise((r) => setTimeout(r, 100));
    await store.append(`${p}-3`, [newEvent(typeB, { n: 4 })]);
    await store.append(`order-${tag()}`, [newEvent(typeB, { n: 101 })]);
    await store.append(`${p}-1`, [newEvent(typeA, { n: 5 }), newEvent(typeA, { n: 6 })]);
    const live = await take(byPrefix.it, 3, 5_000);
    t.same(live.map((e) => e.data), [{ n: 4 }, { n: 5 }, { n: 6 }], 'live events arrive, filtered, in order');
    t.ok(live[0]!.position > caught[2]!.position, 'live positions continue after the catch-up');
    t.same((await take(byType.it, 2, 5_000)).map((e) => e.data), [{ n: 5 }, { n: 6 }], 'live with the event-type filter');
    t.same((await take(exclusive.it, 3, 5_000)).map((e) => e.data), [{ n: 4 }, { n: 5 }, { n: 6 }]);

    // close() while the consumer waits for a live event ends the iterator.
    const pendingNext = byPrefix.it.next();
    await new Promise((r) => setTimeout(r, 50));
    await byPrefix.sub.close();
    const r = await Promise.race([pendingNext, new Promise<'timeout'>((res) => setTimeout(() => res('timeout'), 5_000))]);
    t.ok(r !== 'timeout' && r.done, 'close() ends an iterator that is waiting');

    // close() before anything is read ends it too.
    const idle = open({ fromPosition: head, filter: { streamPrefixes: [p] } });
    await idle.sub.close();
    t.ok(await endsWithin(idle.it, 5_000), 'close() ends an iterator that was never read');

    // The whole unfiltered feed from head equals readAll from head.
    const everything = open({ fromPosition: head });
    const expected = await store.readAll({ fromPosition: head });
    const got = await take(everything.it, expected.length);
    t.same(got.map((e) => e.id), expected.map((e) => e.id), 'unfiltered subscription = readAll, same order');
  });
}
