// Picks the event store adapter: EventStoreDB when EVENTSTORE_URL is set, else PostgreSQL.
import type { EventStore } from './types.ts';
import { PostgresEventStore } from './postgres.ts';

export * from './types.ts';
export { PostgresEventStore };

export async function createEventStore(opts: { eventStoreUrl?: string | undefined; databaseUrl: string }): Promise<EventStore> {
  if (opts.eventStoreUrl) {
    const { EventStoreDbStore } = await import('./eventstoredb.ts');
    return new EventStoreDbStore(opts.eventStoreUrl);
  }
  return new PostgresEventStore(opts.databaseUrl);
}
