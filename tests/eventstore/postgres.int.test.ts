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
