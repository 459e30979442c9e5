// Folded aggregate states kept in memory by stream revision, so that a command or a reactor that
// has seen a stream before reads only the events appended since (an LRU, per event store).
import { InvalidStoredEvent, type EventStore, type RecordedEvent } from '../eventstore/types.ts';
import { validateEvent } from '../events/catalog.ts';

interface Entry<S> {
  revision: bigint;
  state: S;
}

/**
 * States by stream id, least recently used dropped first. A state is only ever stored together with
 * the revision of the last event folded into it, and streams are append-only, so an entry is never
 * stale: a reader folds the events after its revision onto it. States must be treated as
 * immutable (evolve returns new objects), since the cache hands the same object to every reader.
 */
export class StreamStateCache<S> {
  private readonly entries = new Map<string, Entry<S>>();
  constructor(readonly maxEntries = 200) {}

  get(streamId: string): Entry<S> | undefined {
    const hit = this.entries.get(streamId);
    if (hit) {
      this.entries.delete(streamId);
      this.entries.set(streamId, hit);
    }
    return hit;
  }

  set(streamId: string, revision: bigint, state: S): void {
    const current = this.entries.get(streamId);
    if (current && current.revision > revision) return;
    this.entries.delete(streamId);
    this.entries.set(streamId, { revision, state });
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
  }

  /** Forgets every state (after something changed how old events fold, such as an upcaster). */
  clear(): void {
    this.entries.clear();
  }
}

const perStore = new WeakMap<EventStore, Map<string, StreamStateCache<unknown>>>();

/** The cache named `name` of one event store (one per aggregate kind, e.g. 'business'). */
export function stateCacheOf<S>(store: EventStore, name: string, maxEntries?: number): StreamStateCache<S> {
  let byName = perStore.get(store);
  if (!byName) {
    byName = new Map();
    perStore.set(store, byName);
  }
  let cache = byName.get(name);
  if (!cache) {
    cache = new StreamStateCache<unknown>(maxEntries);
    byName.set(name, cache);
  }
  return cache as StreamStateCache<S>;
}

/** Folds a stream onto its cached state: reads only the events after the cached revision. */
export async function foldStream<S, E>(
  store: EventStore,
  streamId: string,
  initialState: () => S,
  evolve: (state: S, event: E) => S,
  cache: StreamStateCache<S> | undefined,
): Promise<{ state: S; revision: bigint | null; read: RecordedEvent[] }> {
  const hit = cache?.get(streamId);
  const read = await store.readStream(streamId, hit ? { fromRevision: hit.revision + 1n } : {});
  let state = hit ? hit.state : initialState();
  for (const event of read) {
    const valid = validateEvent(event.type, event.data, event.metadata.schemaVersion);
    if (!valid.ok) throw new InvalidStoredEvent(streamId, event.position, event.type, valid.error);
    state = evolve(state, valid.event as E);
  }
  const last = read.at(-1);
  const revision = last ? last.revision : (hit?.revision ?? null);
  if (cache && last) cache.set(streamId, last.revision, state);
  return { state, revision, read };
}
