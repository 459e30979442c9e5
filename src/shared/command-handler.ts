// Runs one command against one stream: read, fold, decide, append with an expected revision.
import { z } from 'zod';
import { WrongExpectedVersion, type EventMetadata, type EventStore, type NewEvent } from '../eventstore/types.ts';
import { EVENT_SCHEMA_VERSION, validateEvent, type NoviEvent } from '../events/catalog.ts';
import { StaleWrite, ValidationError } from './errors.ts';
import { newId } from './ids.ts';
import { foldStream, type StreamStateCache } from './stream-state-cache.ts';

/** What every decide gets besides the command's data: time and who asks, passed in so decide stays pure. */
export interface CommandMetadata {
  now: Date;
  /** User id, `bot`, `system` or the WhatsApp sender id. */
  actor: string;
}

export interface Command<Type extends string, Data> {
  type: Type;
  data: Data;
  metadata: CommandMetadata;
}

/** Parses untrusted command data with its schema; a failure is a ValidationError (400). */
export function parseCommandData<S extends z.ZodTypeAny>(schema: S, input: unknown, what: string): z.output<S> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) throw ValidationError.fromZod(parsed.error, what);
  return parsed.data;
}

export interface HandleCommandOptions<C, S, E extends NoviEvent> {
  store: EventStore;
  streamId: string;
  evolve: (state: S, event: E) => S;
  initialState: () => S;
  decide: (command: C, state: S) => E[];
  command: C;
  /** schemaVersion is filled in per event from the catalog. */
  metadata: Omit<EventMetadata, 'schemaVersion'>;
  /**
   * The revision the caller last saw (ETag / If-Match). When given, any difference from
   * the stream is a StaleWrite (412). When absent, a concurrent write makes us re-read and
   * decide again, which is safe because decide is pure.
   */
  expectedRevision?: bigint | 'no_stream';
  /**
   * Deterministic ids for the events decide returns, in order. If the stream already holds
   * the first of them, the command was handled before (a retry): nothing is appended and
   * the stored events are returned.
   */
  eventIds?: readonly string[];
  /** Attempts when no expectedRevision is given. */
  maxAttempts?: number;
  /** Passed to the append; 'relaxed' only for events re-derivable from a durable one (see AppendOptions). */
  durability?: 'durable' | 'relaxed';
  /**
   * Folded states of this aggregate kind by revision (src/shared/stream-state-cache.ts): the command
   * then reads only the events after the cached revision. Not used with `eventIds`, whose retry
   * check looks for the ids in the whole stream.
   */
  cache?: StreamStateCache<S>;
}

export interface HandleCommandResult<S> {
  events: NewEvent[];
  /** Revision of the stream's last event after the command, or null if the stream is still empty. */
  nextExpectedRevision: bigint | null;
  state: S;
  /** False when decide produced nothing or the command was an idempotent retry. */
  written: boolean;
}

export async function handleCommand<C, S, E extends NoviEvent>(
  options: HandleCommandOptions<C, S, E>,
): Promise<HandleCommandResult<S>> {
  const maxAttempts = options.expectedRevision === undefined ? (options.maxAttempts ?? 3) : 1;
  for (let attempt = 1; ; attempt++) {
    try {
      return await attemptCommand(options);
    } catch (error) {
      if (!(error instanceof WrongExpectedVersion)) throw error;
      if (attempt >= maxAttempts) {
        const expected = options.expectedRevision ?? error.expected;
        throw new StaleWrite(options.streamId, String(expected), error.actual === 'no_stream' ? null : error.actual, { cause: error });
      }
    }
  }
}

async function attemptCommand<C, S, E extends NoviEvent>(options: HandleCommandOptions<C, S, E>): Promise<HandleCommandResult<S>> {
  const { store, streamId } = options;
  const cache = options.eventIds === undefined ? options.cache : undefined;
  const folded = await foldStream(store, streamId, options.initialState, options.evolve, cache);
  const recorded = folded.read;
  let state = folded.state;
  const readRevision: bigint | 'no_stream' = folded.revision ?? 'no_stream';
  const readRevisionOrNull = folded.revision;

  const firstId = options.eventIds?.[0];
  if (firstId !== undefined) {
    const index = recorded.findIndex((e) => e.id === firstId);
    if (index >= 0) {
      const ids = new Set(options.eventIds);
      const events = recorded.slice(index).filter((e) => ids.has(e.id));
      return { events, nextExpectedRevision: readRevisionOrNull, state, written: false };
    }
  }

  if (options.expectedRevision !== undefined && options.expectedRevision !== readRevision) {
    throw new StaleWrite(streamId, String(options.expectedRevision), readRevisionOrNull);
  }

  const decided = options.decide(options.command, state);
  if (decided.length === 0) return { events: [], nextExpectedRevision: readRevisionOrNull, state, written: false };

  const events: NewEvent[] = decided.map((event, i) => {
    // decide builds events from validated commands; this catches a decide that drifts from the catalog.
    const valid = validateEvent(event.type, event.data);
    if (!valid.ok) throw new ValidationError(`${event.type} would be invalid: ${valid.error}`);
    return {
      id: options.eventIds?.[i] ?? newId(),
      type: event.type,
      data: valid.event.data,
      metadata: { ...options.metadata, schemaVersion: EVENT_SCHEMA_VERSION[event.type] },
    };
  });

  const result = await store.append(streamId, events, { expectedRevision: readRevision, durability: options.durability });
  for (const event of decided) state = options.evolve(state, event);
  // With an exact expected revision, the state now is the stream's at nextExpectedRevision.
  if (cache && result.written) cache.set(streamId, result.nextExpectedRevision, state);
  return { events, nextExpectedRevision: result.nextExpectedRevision, state, written: result.written };
}
