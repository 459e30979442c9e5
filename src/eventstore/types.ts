// The event store port: one contract that the PostgreSQL and EventStoreDB adapters both keep.

export interface EventMetadata {
  /** The business the event belongs to (null for platform-level facts such as a user registering). */
  tenantId: string | null;
  /** A user id, `bot`, `system`, or the WhatsApp sender id. */
  actor: string;
  correlationId: string;
  causationId: string | null;
  occurredAt: string;
  schemaVersion: number;
}

/** What a writer hands to `append`. `id` must be a UUID; derive it deterministically for idempotency. */
export interface NewEvent<Type extends string = string, Data = unknown> {
  id: string;
  type: Type;
  data: Data;
  metadata: EventMetadata;
}

/** What a reader gets back. */
export interface RecordedEvent<Type extends string = string, Data = unknown> extends NewEvent<Type, Data> {
  streamId: string;
  /** 0-based revision of the event within its stream. */
  revision: bigint;
  /** Global position in `$all`; strictly increasing in commit order as seen by readers. */
  position: bigint;
  recordedAt: Date;
}

export type ExpectedRevision = 'any' | 'no_stream' | 'stream_exists' | bigint;

export interface AppendResult {
  /** Revision of the last event of the stream after the append. */
  nextExpectedRevision: bigint;
  /** Global position of the last event written (or found, when the append was a duplicate). */
  position: bigint;
  /** False when every event was already stored (idempotent replay). */
  written: boolean;
}

export interface ReadStreamOptions {
  direction?: 'forwards' | 'backwards';
  /** Start revision (inclusive). Defaults to the start (forwards) or end (backwards). */
  fromRevision?: bigint;
  maxCount?: number;
}

export interface ReadAllOptions {
  /** Exclusive: events strictly after this position. 0n / undefined = from the beginning. */
  fromPosition?: bigint;
  maxCount?: number;
  direction?: 'forwards' | 'backwards';
  filter?: EventFilter;
}

export interface EventFilter {
  eventTypes?: string[];
  streamPrefixes?: string[];
}

export interface SubscribeOptions {
  /** Exclusive: deliver events strictly after this position. */
  fromPosition?: bigint;
  filter?: EventFilter;
}

export interface Subscription extends AsyncIterable<RecordedEvent> {
  /** Stops the subscription; the async iterator then ends. */
  close(): Promise<void>;
}

export interface AppendOptions {
  /** Default 'any'. */
  expectedRevision?: ExpectedRevision;
  /**
   * Default 'durable': `append` resolves only once the events are on disk (fsync'd).
   *
   * 'relaxed' is for events that can be re-derived from an earlier durable event, and only for
   * them: `append` resolves once the events are committed and visible, and they reach disk a
   * moment later (PostgreSQL: `synchronous_commit = off` for that one transaction). A crash in
   * between can lose them, never reorder or half-write them. Why that is safe:
   * - The WAL is flushed in order, so any later durable commit (a projection's batch and
   *   checkpoint, the notifier's outbox row, a reactor's checkpoint, the next MessageReceived, a
   *   web command) also makes every earlier relaxed commit durable. A crash can therefore only
   *   lose relaxed commits that nothing durable depended on yet: no read model, outbox row or
   *   checkpoint that was kept refers to them.
   * - The writer must be able to redo the work: the intake reactor writes its derived events
   *   (OrderParsed, MessageIgnored, OrderNumberReserved, OrderPlaced, StatusChanged) relaxed, with
   *   event ids derived from the durable MessageReceived, and moves its checkpoint in a separate
   *   durable commit after those appends. After a crash its checkpoint is not past the lost
   *   events either, so it re-reads those messages and writes the same events again (a lost
   *   order-number reservation is re-made too: nothing durable holds its number).
   * - Readers that persist a position must persist it durably (ours do: checkpoints are
   *   ordinary commits), otherwise they could record a position that a crash takes back.
   * Never use it for facts that exist nowhere else (MessageReceived, commands from people).
   * The EventStoreDB adapter ignores it (every append there is durable).
   */
  durability?: 'durable' | 'relaxed';
}

export interface EventStore {
  readonly kind: 'postgres' | 'eventstoredb';
  append(streamId: string, events: NewEvent[], options?: AppendOptions): Promise<AppendResult>;
  /** Returns [] for a stream that does not exist. */
  readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;
  readAll(options?: ReadAllOptions): Promise<RecordedEvent[]>;
  subscribeToAll(options?: SubscribeOptions): Subscription;
  /** Position of the last event in `$all` (0n when empty). */
  headPosition(): Promise<bigint>;
  close(): Promise<void>;
}

export class WrongExpectedVersion extends Error {
  override readonly name = 'WrongExpectedVersion';
  constructor(
    readonly streamId: string,
    readonly expected: ExpectedRevision,
    /** The stream's actual revision, or 'no_stream'. */
    readonly actual: bigint | 'no_stream',
  ) {
    super(`Wrong expected version on ${streamId}: expected ${String(expected)}, actual ${String(actual)}`);
  }
}

/** An event that does not pass its schema in the catalog: reported with where it sits, never dropped. */
export class InvalidStoredEvent extends Error {
  override readonly name = 'InvalidStoredEvent';
  constructor(
    readonly streamId: string,
    readonly position: bigint,
    readonly eventType: string,
    readonly issues: string,
  ) {
    super(`Event ${eventType} at ${streamId} (position ${position}) fails its schema: ${issues}`);
  }
}
