// EventStoreDB / KurrentDB adapter of the event store port, on @eventstore/db-client v6.
// Selected by EVENTSTORE_URL=esdb://… (see index.ts). No server runs in the dev environment:
// tests/eventstore/eventstoredb.int.test.ts runs the shared contract suite when EVENTSTORE_URL is set.
//
// Idempotency (the port: "appending an event whose id is already in the stream does not store
// it again and reports success — durably, whatever the expected revision").
// EventStoreDB dedupes by event id only for an exact expected revision that matches the original
// write, or within an in-memory window for ANY. This adapter therefore never relies on it:
//   1. Read the stream backwards (pages of 500, newest first) until every id of the append has
//      been found or the start of the stream is reached. The first page also gives the stream's
//      current revision C. (`idempotencyScanLimit` can bound the scan for very long streams at
//      the cost of the guarantee beyond that many events; the default is unbounded = durable.)
//   2. Every id found → success, written = false, nextExpectedRevision = C, position = the
//      position of the latest of those events. This happens before the expected-revision check,
//      so a retry with a stale `no_stream` or exact revision also succeeds (as in PostgreSQL).
//   3. Otherwise check the caller's expected revision against C ourselves (WrongExpectedVersion
//      with actual C, or 'no_stream'), drop the ids already present (and repeats inside the
//      batch), and append the rest with an EXACT expected revision C (NO_STREAM when the stream
//      does not exist) — whatever the caller asked. That makes step 1 and the append atomic: if
//      anyone appended in between, EventStoreDB answers WrongExpectedVersion and we start again at
//      step 1 (bounded attempts), where a concurrent copy of our own ids is then found.
// Cost: one backward read of the stream per append (the whole stream when the ids are new).
// Streams in Novi are per order / user / business / group / session and stay short; chat streams
// grow, which is what `idempotencyScanLimit` is for. Not checked (unlike PostgreSQL): an id
// already stored in a *different* stream — EventStoreDB has no index by event id.
//
// Positions: our `position` is the commit position in $all. EventStoreDB ≥ 20 writes every
// event of an append as its own log record, so commit positions are unique and increasing per
// event (the contract suite asserts it for batches). Seeking to a position P uses
// {commit: P, prepare: P}; exclusivity ("strictly after P") is enforced client-side as well.
// System events ($-prefixed types or streams) are never returned.
// Filters: subscriptions filter server-side (event-type regex, or stream-name prefixes) and again
// client-side, so both filters together work; readAll (no server filter in the v6 client for
// reads) filters client-side.
import {
  EventStoreDBClient,
  jsonEvent,
  eventTypeFilter,
  streamNameFilter,
  excludeSystemEvents,
  WrongExpectedVersionError,
  StreamNotFoundError,
  NO_STREAM,
  START,
  END,
  FORWARDS,
  BACKWARDS,
  type AppendExpectedRevision,
  type JSONType,
  type ReadPosition,
  type ResolvedEvent,
  type AllStreamResolvedEvent,
  type Filter,
} from '@eventstore/db-client';
import {
  WrongExpectedVersion,
  type AppendOptions,
  type AppendResult,
  type EventFilter,
  type EventMetadata,
  type EventStore,
  type NewEvent,
  type ReadAllOptions,
  type ReadStreamOptions,
  type RecordedEvent,
  type SubscribeOptions,
  type Subscription,
} from './types.ts';

export interface EventStoreDbStoreOptions {
  /** Most events read backwards per append when looking for already-stored ids (default: all). */
  idempotencyScanLimit?: number;
  /** Attempts when concurrent writers keep moving the stream between the scan and the append. */
  maxAppendAttempts?: number;
}

const PAGE = 500;

type AnyResolved = ResolvedEvent | AllStreamResolvedEvent;

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function matches(filter: EventFilter | undefined, streamId: string, type: string): boolean {
  if (streamId.startsWith('$') || type.startsWith('$')) return false;
  if (filter?.eventTypes?.length && !filter.eventTypes.includes(type)) return false;
  if (filter?.streamPrefixes?.length && !filter.streamPrefixes.some((p) => streamId.startsWith(p))) return false;
  return true;
}

function toPosition(p: bigint): ReadPosition {
  return p <= 0n ? START : { commit: p, prepare: p };
}

function positionOf(r: AnyResolved): bigint | undefined {
  return r.event?.position?.commit ?? r.commitPosition;
}

function toRecorded(r: AnyResolved): RecordedEvent | undefined {
  const e = r.event;
  if (!e) return undefined;
  let data: unknown = e.data;
  if (data instanceof Uint8Array) {
    try {
      data = JSON.parse(Buffer.from(data).toString('utf8'));
    } catch {
      // not JSON: hand the bytes on as they are (the catalog will report it)
    }
  }
  return {
    id: e.id,
    type: e.type,
    data,
    metadata: e.metadata as unknown as EventMetadata,
    streamId: e.streamId,
    revision: e.revision,
    position: positionOf(r) ?? -1n,
    recordedAt: e.created,
  };
}

export class EventStoreDbStore implements EventStore {
  readonly kind = 'eventstoredb' as const;
  private readonly client: EventStoreDBClient;
  private readonly scanLimit: number;
  private readonly maxAttempts: number;

  constructor(connectionString: string, options: EventStoreDbStoreOptions = {}) {
    this.client = EventStoreDBClient.connectionString(connectionString);
    this.scanLimit = options.idempotencyScanLimit ?? Number.POSITIVE_INFINITY;
    this.maxAttempts = options.maxAppendAttempts ?? 10;
  }

  /** Finds which of `ids` are stored in the stream (newest first) and its current revision. */
  private async scan(streamId: string, ids: Set<string>): Promise<{ current: bigint | 'no_stream'; found: Map<string, RecordedEvent> }> {
    const found = new Map<string, RecordedEvent>();
    let current: bigint | 'no_stream' = 'no_stream';
    let from: bigint | typeof END = END;
    let scanned = 0;
    try {
      for (;;) {
        let last: bigint | undefined;
        for await (const r of this.client.readStream(streamId, { direction: BACKWARDS, fromRevision: from, maxCount: PAGE })) {
          const e = toRecorded(r);
          if (!e) continue;
          if (current === 'no_stream') current = e.revision;
          if (ids.has(e.id) && !found.has(e.id)) found.set(e.id, e);
          last = e.revision;
          scanned++;
        }
        if (last === undefined || last === 0n || found.size === ids.size || scanned >= this.scanLimit) break;
        from = last - 1n;
      }
    } catch (e) {
      if (!(e instanceof StreamNotFoundError)) throw e;
    }
    return { current, found };
  }

  // `durability` is ignored here: EventStoreDB acknowledges an append only once it is durable
  // (there is no per-append relaxed mode), so 'relaxed' simply gets the durable behaviour.
  async append(streamId: string, events: NewEvent[], options: AppendOptions = {}): Promise<AppendResult> {
    const expected = options.expectedRevision ?? 'any';
    if (events.length === 0) throw new Error('append needs at least one event');
    const ids = new Set(events.map((e) => e.id));

    for (let attempt = 1; ; attempt++) {
      const { current, found } = await this.scan(streamId, ids);
      if (found.size === ids.size) {
        let position = 0n;
        for (const e of found.values()) if (e.position > position) position = e.position;
        return { nextExpectedRevision: current === 'no_stream' ? -1n : current, position, written: false };
      }

      const conflict =
        expected === 'any'
          ? false
          : expected === 'no_stream'
            ? current !== 'no_stream'
            : expected === 'stream_exists'
              ? current === 'no_stream'
              : (current === 'no_stream' ? -1n : current) !== expected;
      if (conflict) throw new WrongExpectedVersion(streamId, expected, current);

      const seen = new Set<string>();
      const fresh = events.filter((e) => !found.has(e.id) && !seen.has(e.id) && (seen.add(e.id), true));
      const guard: AppendExpectedRevision = current === 'no_stream' ? NO_STREAM : current;
      try {
        const result = await this.client.appendToStream(
          streamId,
          fresh.map((e) => jsonEvent({ id: e.id, type: e.type, data: e.data as JSONType, metadata: e.metadata })),
          { expectedRevision: guard },
        );
        return { nextExpectedRevision: result.nextExpectedRevision, position: result.position?.commit ?? -1n, written: true };
      } catch (e) {
        if (!(e instanceof WrongExpectedVersionError)) throw e;
        // The stream moved between the scan and the append: scan again (maybe our ids are there now).
        if (attempt >= this.maxAttempts) {
          const actual = e.actualVersion;
          throw new WrongExpectedVersion(streamId, expected, typeof actual === 'bigint' ? actual : 'no_stream');
        }
      }
    }
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const backwards = options.direction === 'backwards';
    const out: RecordedEvent[] = [];
    try {
      for await (const r of this.client.readStream(streamId, {
        direction: backwards ? BACKWARDS : FORWARDS,
        fromRevision: options.fromRevision ?? (backwards ? END : START),
        ...(options.maxCount !== undefined ? { maxCount: options.maxCount } : {}),
      })) {
        const e = toRecorded(r);
        if (e) out.push(e);
      }
    } catch (e) {
      if (e instanceof StreamNotFoundError) return [];
      throw e;
    }
    return out;
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    const backwards = options.direction === 'backwards';
    const from = options.fromPosition ?? 0n;
    const limit = options.maxCount ?? Number.POSITIVE_INFINITY;
    const out: RecordedEvent[] = [];
    if (limit <= 0) return out;
    const read = this.client.readAll({
      direction: backwards ? BACKWARDS : FORWARDS,
      fromPosition: from > 0n ? toPosition(from) : backwards ? END : START,
    });
    try {
      for await (const r of read) {
        const e = toRecorded(r);
        if (!e) continue;
        if (from > 0n && (backwards ? e.position >= from : e.position <= from)) continue; // exclusive
        if (!matches(options.filter, e.streamId, e.type)) continue;
        out.push(e);
        if (out.length >= limit) break;
      }
    } finally {
      await read.cancel().catch(() => undefined);
    }
    return out;
  }

  subscribeToAll(options: SubscribeOptions = {}): Subscription {
    const from = options.fromPosition ?? 0n;
    const f = options.filter;
    let filter: Filter;
    if (f?.eventTypes?.length) filter = eventTypeFilter({ regex: `^(?:${f.eventTypes.map(escapeRegex).join('|')})$` });
    else if (f?.streamPrefixes?.length) filter = streamNameFilter({ prefixes: f.streamPrefixes });
    else filter = excludeSystemEvents();
    const sub = this.client.subscribeToAll({ fromPosition: toPosition(from), filter });
    let closed = false;

    async function* iterate(): AsyncGenerator<RecordedEvent> {
      try {
        for await (const r of sub) {
          if (closed) return;
          const e = toRecorded(r);
          if (!e || e.position <= from) continue; // fromPosition is exclusive
          if (!matches(f, e.streamId, e.type)) continue;
          yield e;
        }
      } catch (e) {
        if (!closed) throw e;
      }
    }
    const iterator = iterate();
    return {
      [Symbol.asyncIterator]: () => iterator,
      close: async () => {
        closed = true;
        await sub.unsubscribe().catch(() => undefined);
      },
    };
  }

  async headPosition(): Promise<bigint> {
    const read = this.client.readAll({ direction: BACKWARDS, fromPosition: END, maxCount: 1 });
    let head = 0n;
    for await (const r of read) head = positionOf(r) ?? head;
    return head;
  }

  async close(): Promise<void> {
    await this.client.dispose();
  }
}
