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

export interface EventStore {
  readonly kind: 'postgres' | 'eventstoredb';
  append(streamId: string, events: NewEvent[], options?: { expectedRevision?: ExpectedRevision }): Promise<AppendResult>;
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
