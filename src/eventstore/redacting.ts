// An EventStore whose reads redact erased customers' personal data (the erasure upcaster).
//
// The log stays append-only: an erasure (src/customers/erasure.ts) lists the events it covers in
// erased_events, outside the log, and every read through this port (readStream, readAll,
// subscribeToAll, on either adapter) replaces their personal fields with markers before anyone
// sees them (src/customers/redaction.ts). Appends pass through untouched.
import type { AppendOptions, AppendResult, EventStore, NewEvent, ReadAllOptions, ReadStreamOptions, RecordedEvent, SubscribeOptions, Subscription } from './types.ts';

/** The erasure (its customerRef) of each listed event id; events not in the map are not erased. */
export type ErasureLookup = (eventIds: readonly string[]) => Promise<ReadonlyMap<string, string>>;
/** Turns one stored event into what readers may see, given the customerRef of its erasure. */
export type Redact = (event: RecordedEvent, customerRef: string) => RecordedEvent;

export class RedactingEventStore implements EventStore {
  constructor(
    readonly inner: EventStore,
    private readonly lookup: ErasureLookup,
    private readonly redact: Redact,
    /** Only events of these types are looked up (the others cannot carry personal data). */
    private readonly types: ReadonlySet<string>,
    /** Releases what the lookup holds (its connections), after the inner store closed. */
    private readonly onClose: () => Promise<void> = async () => undefined,
  ) {}

  get kind(): EventStore['kind'] {
    return this.inner.kind;
  }

  private async redactAll(events: RecordedEvent[]): Promise<RecordedEvent[]> {
    const ids = events.filter((e) => this.types.has(e.type)).map((e) => e.id);
    if (ids.length === 0) return events;
    const erased = await this.lookup(ids);
    if (erased.size === 0) return events;
    return events.map((e) => {
      const ref = erased.get(e.id);
      return ref === undefined ? e : this.redact(e, ref);
    });
  }

  append(streamId: string, events: NewEvent[], options?: AppendOptions): Promise<AppendResult> {
    return this.inner.append(streamId, events, options);
  }

  async readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]> {
    return this.redactAll(await this.inner.readStream(streamId, options));
  }

  async readAll(options?: ReadAllOptions): Promise<RecordedEvent[]> {
    return this.redactAll(await this.inner.readAll(options));
  }

  subscribeToAll(options?: SubscribeOptions): Subscription {
    const inner = this.inner.subscribeToAll(options);
    const self = this;
    async function* iterate(): AsyncGenerator<RecordedEvent> {
      for await (const e of inner) {
        const [out] = await self.redactAll([e]);
        yield out!;
      }
    }
    const iterator = iterate();
    return { [Symbol.asyncIterator]: () => iterator, close: () => inner.close() };
  }

  headPosition(): Promise<bigint> {
    return this.inner.headPosition();
  }

  async close(): Promise<void> {
    try {
      await this.inner.close();
    } finally {
      await this.onClose();
    }
  }
}
