import t from 'tap';
import { randomUUID } from 'node:crypto';
import { PostgresEventStore } from '../../src/eventstore/postgres.ts';
import { createTestDatabase } from '../helpers/db.ts';

const db = await createTestDatabase();
const store = new PostgresEventStore(db.url);
t.teardown(async () => {
  await store.close();
  await db.drop();
});

const meta = { tenantId: null, actor: 'test', correlationId: randomUUID(), causationId: null, occurredAt: new Date().toISOString(), schemaVersion: 1 };

t.test('append then read back', async (t) => {
  const id = randomUUID();
  const r = await store.append('order-1', [{ id, type: 'X', data: { a: 1 }, metadata: meta }], { expectedRevision: 'no_stream' });
  t.equal(r.nextExpectedRevision, 0n);
  const again = await store.append('order-1', [{ id, type: 'X', data: { a: 1 }, metadata: meta }], { expectedRevision: 'no_stream' });
  t.equal(again.written, false, 'duplicate id is success without a second copy');
  const events = await store.readStream('order-1');
  t.equal(events.length, 1);
  t.same(events[0]?.data, { a: 1 });
});
