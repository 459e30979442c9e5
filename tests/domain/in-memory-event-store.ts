// TEST DOUBLE of the EventStore port for unit tests of handleCommand and order numbers.
// Not a product adapter: no $all ordering guarantees, no subscriptions.
import { WrongExpectedVersion, type AppendResult, type EventStore, type ExpectedRevision, type NewEvent, type ReadStreamOptions, type RecordedEvent } from '../../src/eventstore/types.ts';

/** Yields to the event loop so concurrent callers interleave between read and append, as with a real database. */
const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

export class InMemoryEventStoreTestDouble implements EventStore {
  readonly kind = 'postgres' as const;
  private readonly streams = new Map<string, RecordedEvent[]>();
  private position = 0n;
  appendCalls = 0;

  async append(streamId: string, events: NewEvent[], options?: { expectedRevision?: ExpectedRevision }): Promise<AppendResult> {
    await tick();
    this.appendCalls++;
    const stream = this.streams.get(streamId) ?? [];
    const existing = events.map((e) => stream.find((r) => r.id === e.id));
    if (events.length > 0 && existing.every((e) => e !== undefined)) {
      return { nextExpectedRevision: BigInt(stream.length - 1), position: existing.at(-1)!.position, written: false };
    }
    const actual: bigint | 'no_stream' = stream.length === 0 ? 'no_stream' : BigInt(stream.length - 1);
    const expected = options?.expectedRevision ?? 'any';
    const ok =
      expected === 'any' ||
      (expected === 'no_stream' && actual === 'no_stream') ||
      (expected === 'stream_exists' && actual !== 'no_stream') ||
      (typeof expected === 'bigint' && expected === actual);
    if (!ok) throw new WrongExpectedVersion(streamId, expected, actual);
    for (const e of events) {
      this.position++;
      stream.push({ ...structuredClone(e), streamId, revision: BigInt(stream.length), position: this.position, recordedAt: new Date() });
    }
    this.streams.set(streamId, stream);
    return { nextExpectedRevision: BigInt(stream.length - 1), position: this.position, written: true };
  }

  async readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]> {
    await tick();
    const events = structuredClone(this.streams.get(streamId) ?? []);
    const ordered = options?.direction === 'backwards' ? events.reverse() : events;
    return options?.maxCount === undefined ? ordered : ordered.slice(0, options.maxCount);
  }

  /** Writes an event as-is, skipping every check: how a broken event could have got in. */
  plant(streamId: string, event: NewEvent): void {
    const stream = this.streams.get(streamId) ?? [];
    this.position++;
    stream.push({ ...event, streamId, revision: BigInt(stream.length), position: this.position, recordedAt: new Date() });
    this.streams.set(streamId, stream);
  }

  async readAll(): Promise<RecordedEvent[]> {
    throw new Error('not part of the test double');
  }
  subscribeToAll(): never {
    throw new Error('not part of the test double');
  }
  async headPosition(): Promise<bigint> {
    return this.position;
  }
  async close(): Promise<void> {}
}
