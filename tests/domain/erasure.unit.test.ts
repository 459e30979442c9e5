// The erasure upcaster without a database: every read path of the port (readStream, readAll,
// subscribeToAll) redacts the listed events and passes the others as stored; redacted events still
// pass their schemas, so every reader keeps working; appends are untouched.
import t from 'tap';
import { randomUUID } from 'node:crypto';
import { EVENT_SCHEMA_VERSION, validateEvent, type NoviEventData, type NoviEventType } from '../../src/events/catalog.ts';
import { RedactingEventStore } from '../../src/eventstore/redacting.ts';
import type { EventStore, NewEvent, RecordedEvent } from '../../src/eventstore/types.ts';
import { redactRecorded } from '../../src/customers/erasure.ts';
import { ERASABLE_TYPES, erasedName } from '../../src/customers/redaction.ts';

const ref = randomUUID();
const businessId = randomUUID();
const orderId = randomUUID();
const SENDER = '2348031112222@c.us';
function ev<T extends NoviEventType>(type: T, data: NoviEventData<T>, actor = SENDER): NewEvent {
  return { id: randomUUID(), type, data, metadata: { tenantId: businessId, actor, correlationId: randomUUID(), causationId: null, occurredAt: new Date().toISOString(), schemaVersion: EVENT_SCHEMA_VERSION[type] } };
}
const received = ev('MessageReceived', {
  messageId: 'wamid.1', businessId, groupId: randomUUID(), chatId: 'g@g.us', sessionId: randomUUID(),
  sender: { id: SENDER, name: 'Zainab Q', phone: '+2348031112222' }, text: 'Name: Zainab\n2 jollof\n7 Marula Crescent', timestamp: new Date().toISOString(), kind: 'text',
});
const placed = ev('OrderPlaced', {
  orderId, businessId, groupId: randomUUID(), number: 1001,
  customer: { name: 'Zainab Quadri', phone: '+2348031112222', address: '7 Marula Crescent' },
  items: [{ name: 'Jollof Rice', sku: 'JR', quantity: 2, unitPrice: 2500 }], totalAmount: 5000, currency: 'NGN', deliveryNotes: 'Gate 4417',
  source: { messageId: 'wamid.1', text: 'Name: Zainab…', sender: { id: SENDER, name: 'Zainab Q', phone: '+2348031112222' }, receivedAt: new Date().toISOString() },
  parserVersion: 'p', missing: [], placedAt: new Date().toISOString(),
});
const updated = ev('OrderUpdated', { orderId, businessId, customer: { phone: '+2348031112222' }, reason: 'edit' }, randomUUID());
const note = ev('CustomerNoteSet', { businessId, customerKey: '+2348031112222', note: 'Gate code 4417' }, randomUUID());
const other = ev('MessageReceived', { ...(received.data as NoviEventData<'MessageReceived'>), messageId: 'wamid.2', sender: { id: 'x@c.us', name: 'Tunde', phone: '+2348029998888' }, text: 'Tunde here' }, 'x@c.us');

/** A store of arrays with every read path of the port (the outside world of this test is the adapter). */
class ArrayStore implements EventStore {
  readonly kind = 'postgres' as const;
  readonly events: RecordedEvent[] = [];
  async append(streamId: string, events: NewEvent[]) {
    for (const e of events) {
      const revision = BigInt(this.events.filter((x) => x.streamId === streamId).length);
      this.events.push({ ...e, streamId, revision, position: BigInt(this.events.length + 1), recordedAt: new Date() });
    }
    return { nextExpectedRevision: 0n, position: BigInt(this.events.length), written: true };
  }
  async readStream(streamId: string) {
    return this.events.filter((e) => e.streamId === streamId);
  }
  async readAll() {
    return [...this.events];
  }
  subscribeToAll() {
    const events = [...this.events];
    async function* iterate() {
      yield* events;
    }
    const it = iterate();
    return { [Symbol.asyncIterator]: () => it, close: async () => undefined };
  }
  async headPosition() {
    return BigInt(this.events.length);
  }
  async close() {}
}
const inner = new ArrayStore();
await inner.append('chat-1', [received, other]);
await inner.append(`order-${orderId}`, [placed, updated]);
await inner.append('customer-1', [note]);
const erased = new Set([received.id, placed.id, updated.id, note.id]);
let lookups = 0;
const store = new RedactingEventStore(inner, async (ids) => {
  lookups++;
  return new Map(ids.filter((id) => erased.has(id)).map((id) => [id, ref]));
}, redactRecorded, ERASABLE_TYPES);

const PII = /zainab|quadri|8031112222|marula|4417/i;
const json = (v: unknown) => JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? x.toString() : x));

t.test('every read path redacts the listed events and only those', async (t) => {
  const all = await store.readAll({});
  t.equal(all.length, 5);
  for (const e of all) {
    const text = json(e);
    if (erased.has(e.id)) t.notOk(PII.test(text), `${e.type} is redacted: ${text.slice(0, 120)}`);
    const v = validateEvent(e.type, e.data, e.metadata.schemaVersion);
    t.ok(v.ok, `${e.type} still passes its schema${v.ok ? '' : `: ${v.error}`}`);
  }
  t.match(all.find((e) => e.id === other.id)?.data, { sender: { name: 'Tunde' }, text: 'Tunde here' }, 'an event not listed is as stored');
  t.match(all.find((e) => e.id === placed.id), {
    data: { customer: { name: erasedName(ref), phone: null, address: '[erased]' }, deliveryNotes: '[erased]', totalAmount: 5000, items: [{ name: 'Jollof Rice', quantity: 2 }], source: { text: '[erased]', sender: { id: 'erased', phone: null } } },
    metadata: { actor: 'erased' },
  });
  t.match(all.find((e) => e.id === updated.id)?.data, { customer: { name: erasedName(ref), phone: null } }, 'an edit that set their phone keeps the order with the pseudonym');
  t.match(all.find((e) => e.id === note.id)?.data, { customerKey: `name:${erasedName(ref)}`, note: '' });
  t.match(all.find((e) => e.id === updated.id)?.metadata.actor, /^[0-9a-f-]{36}$/, 'a user id as actor stays');

  const stream = await store.readStream(`order-${orderId}`);
  t.notOk(PII.test(json(stream)));
  const seen: string[] = [];
  const sub = store.subscribeToAll({});
  for await (const e of sub) {
    seen.push(json(e));
    if (seen.length === 5) break;
  }
  await sub.close();
  t.equal(seen.filter((s) => PII.test(s)).length, 0, 'the subscription redacts too');
  t.ok(lookups >= 3);
});

t.test('no lookup for a read with nothing erasable; appends pass through', async (t) => {
  const before = lookups;
  await store.append('business-1', [ev('CatalogSet', { businessId, products: [] }, randomUUID())]);
  t.equal((await store.readStream('business-1')).length, 1);
  t.equal(lookups, before, 'a business stream needs no lookup');
  t.match((await inner.readStream('chat-1'))[0]?.data, { text: /Zainab/ }, 'the stored event itself is unchanged (redaction is on read)');
});
