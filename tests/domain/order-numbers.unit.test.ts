// Batch order numbering (reserveOrderNumbers): one append per batch, exactly once across retries,
// a ledger that catches up after other writers and reloads after a crash took reservations back.
import { randomUUID } from 'node:crypto';
import t from 'tap';
import { NumberLedger, orderNumbersStreamId, reserveOrderNumber, reserveOrderNumbers } from '../../src/orders/numbers.ts';
import { InMemoryEventStoreTestDouble } from './in-memory-event-store.ts';

const businessId = randomUUID();
const metadata = { tenantId: businessId, actor: 'bot', correlationId: randomUUID(), causationId: null, occurredAt: '2025-03-10T10:00:00Z' };
const orders = (n: number) => Array.from({ length: n }, () => ({ orderId: randomUUID(), metadata }));
const numbersIn = async (store: InMemoryEventStoreTestDouble) =>
  (await store.readStream(orderNumbersStreamId(businessId))).map((e) => [(e.data as { orderId: string }).orderId, (e.data as { number: number }).number, Number(e.revision)]);

t.test('a batch is numbered in order with one append; a retry gets the same numbers', async (t) => {
  const store = new InMemoryEventStoreTestDouble();
  const ledger = new NumberLedger(businessId);
  const batch = orders(3);
  const first = await reserveOrderNumbers(store, { businessId, orders: batch, ledger });
  t.same(first, [{ number: 1001, reused: false }, { number: 1002, reused: false }, { number: 1003, reused: false }]);
  t.same(await numbersIn(store), batch.map((o, i) => [o.orderId, 1001 + i, i]), 'the n-th reservation sits at revision n');
  const again = await reserveOrderNumbers(store, { businessId, orders: batch, ledger });
  t.same(again.map((r) => r.number), [1001, 1002, 1003]);
  t.ok(again.every((r) => r.reused));
  const fresh = await reserveOrderNumbers(store, { businessId, orders: batch }); // a restarted writer: no ledger
  t.same(fresh.map((r) => r.number), [1001, 1002, 1003]);
  t.equal((await numbersIn(store)).length, 3, 'nothing appended twice');
});

t.test('a batch cut differently on retry (some numbered, some new) keeps numbers and revisions aligned', async (t) => {
  const store = new InMemoryEventStoreTestDouble();
  const [a, b, c] = orders(3) as [ReturnType<typeof orders>[number], ReturnType<typeof orders>[number], ReturnType<typeof orders>[number]];
  await reserveOrderNumbers(store, { businessId, orders: [a] });
  const other = await reserveOrderNumber(store, { businessId, orderId: randomUUID(), metadata }); // a web order in between
  t.equal(other.number, 1002);
  const stale = new NumberLedger(businessId);
  await stale.catchUp(store);
  await reserveOrderNumber(store, { businessId, orderId: randomUUID(), metadata }); // the ledger misses this one
  const r = await reserveOrderNumbers(store, { businessId, orders: [a, b, c], ledger: stale });
  t.same(r, [{ number: 1001, reused: true }, { number: 1004, reused: false }, { number: 1005, reused: false }]);
  const stored = await numbersIn(store);
  t.ok(stored.every(([, number, revision]) => number === 1001 + (revision as number)), 'number = 1001 + revision for every reservation');
  t.equal(new Set(stored.map(([, n]) => n)).size, stored.length, 'numbers unique');
});

t.test('a ledger ahead of the stream (reservations lost in a crash) reloads instead of looping', async (t) => {
  const store = new InMemoryEventStoreTestDouble();
  const ledger = new NumberLedger(businessId);
  await reserveOrderNumbers(store, { businessId, orders: orders(2), ledger });
  const empty = new InMemoryEventStoreTestDouble(); // as if both reservations were lost
  const lost = new NumberLedger(businessId);
  Object.assign(lost, { revision: ledger.revision });
  for (const [k, v] of ledger.byOrder) lost.note(k, v);
  (lost as unknown as { loaded: boolean }).loaded = true;
  const r = await reserveOrderNumbers(empty, { businessId, orders: orders(1), ledger: lost });
  t.same(r.map((x) => x.number), [1001]);
});
