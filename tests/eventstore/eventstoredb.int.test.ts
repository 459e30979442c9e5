// The event store contract on the EventStoreDB adapter. Needs a server: set
// EVENTSTORE_URL=esdb://localhost:2113?tls=false (e.g. the eventstoredb service of compose.yaml).
// Every test uses fresh stream names, so a shared server with other data is fine.
import t from 'tap';
import { eventStoreContract } from './contract.ts';

const url = process.env['EVENTSTORE_URL'];

if (!url) {
  t.test('EventStoreDB adapter contract', { skip: 'EVENTSTORE_URL not set: no EventStoreDB server in this environment' }, () => undefined);
} else {
  const { EventStoreDbStore } = await import('../../src/eventstore/eventstoredb.ts');
  eventStoreContract(t, async () => {
    const store = new EventStoreDbStore(url);
    return { store, cleanup: () => store.close() };
  });
}
