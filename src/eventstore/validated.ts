// Reading (and writing) through the schema catalog.
//
// Every event read from the store is checked against its schema in src/events/catalog.ts (older
// schema versions are upcast first, so readers only ever see the current shape). An event that
// fails is turned into an InvalidStoredEvent carrying its stream and global position — it is
// reported, never silently dropped:
//   - by default the read (or the subscription) throws it, so a projection stops at the bad event
//     instead of building a read model that quietly lacks it;
//   - with `onInvalid`, the caller receives every InvalidStoredEvent (to log it, count it in
//     /metrics, park it…) and the read goes on without that event.
// Appends are checked too: an event that does not match its schema is refused before it is stored.
import { secretFieldsIn, validateEvent } from '../events/catalog.ts';
import {
  InvalidStoredEvent,
  type AppendOptions,
  type AppendResult,
  type EventStore,
  type NewEvent,
  type ReadAllOptions,
  type ReadStreamOptions,
  type RecordedEvent,
  type SubscribeOptions,
  type Subscription,
} from './types.ts';

/** The catalog's check: `{ ok: true, event: { data } }` (data upcast and parsed) or `{ ok: false, error }`. */
export type Validate = (
  type: string,
  data: unknown,
  schemaVersion?: number,
) => { ok: true; event: { data: unknown } } | { ok: false; error: string };

export const catalogValidate: Validate = validateEvent;

/** Adapts a plain `(type, data) => problem | null` check to `Validate` (for stores outside the catalog). */
export function fromSimpleValidator(check: (type: string, data: unknown) => string | null): Validate {
  return (type, data) => {
    const problem = check(type, data);
    return problem === null ? { ok: true, event: { data } } : { ok: false, error: problem };
  };
}

/** Checks one recorded event: the event with its parsed (upcast) data, or the InvalidStoredEvent. */
export function checkRecorded(
  e: RecordedEvent,
  validate: Validate = catalogValidate,
): { ok: true; event: RecordedEvent } | { ok: false; error: InvalidStoredEvent } {
  let result: ReturnType<Validate>;
  try {
    const version = (e.metadata as { schemaVersion?: unknown } | null | undefined)?.schemaVersion;
    result = validate(e.type, e.data, typeof version === 'number' ? version : undefined);
  } catch (err) {
    result = { ok: false, error: `validation threw: ${(err as Error).message}` };
  }
  if (!result.ok) return { ok: false, error: new InvalidStoredEvent(e.streamId, e.position, e.type, result.error) };
  return { ok: true, event: { ...e, data: result.event.data } };
}

export interface ValidatedEventStoreOptions {
  validate?: Validate;
  /**
   * Receives each event that fails its schema. Without it, reads and subscriptions throw the
   * InvalidStoredEvent; with it, they report it here and continue past that event.
   */
  onInvalid?: (error: InvalidStoredEvent, event: RecordedEvent) => void;
}

/** An EventStore whose reads only yield events that pass the catalog, reporting the others. */
export class ValidatedEventStore implements EventStore {
  private readonly validate: Validate;
  private readonly onInvalid: ((error: InvalidStoredEvent, event: RecordedEvent) => void) | undefined;

  constructor(readonly inner: EventStore, options: ValidatedEventStoreOptions = {}) {
    this.validate = options.validate ?? catalogValidate;
    this.onInvalid = options.onInvalid;
  }

  get kind(): EventStore['kind'] {
    return this.inner.kind;
  }

  /** The event, checked; undefined when it was invalid and reported to onInvalid; throws otherwise. */
  private check(e: RecordedEvent): RecordedEvent | undefined {
    const r = checkRecorded(e, this.validate);
    if (r.ok) return r.event;
    if (!this.onInvalid) throw r.error;
    this.onInvalid(r.error, e);
    return undefined;
  }

  private checkAll(events: RecordedEvent[]): RecordedEvent[] {
    const out: RecordedEvent[] = [];
    for (const e of events) {
      const ok = this.check(e);
      if (ok) out.push(ok);
    }
    return out;
  }

  async append(streamId: string, events: NewEvent[], options?: AppendOptions): Promise<AppendResult> {
    for (const e of events) {
      const r = this.validate(e.type, e.data, e.metadata.schemaVersion);
      if (!r.ok) throw new Error(`Refusing to append ${e.type} to ${streamId}: it fails its schema: ${r.error}`);
      // Secrets never enter the immutable log, whatever a schema would strip.
      const secrets = secretFieldsIn(e.type, e.data);
      if (secrets.length) throw new Error(`Refusing to append ${e.type} to ${streamId}: it carries secret fields (${secrets.join(', ')})`);
    }
    return this.inner.append(streamId, events, options);
  }

  async readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]> {
    return this.checkAll(await this.inner.readStream(streamId, options));
  }

  async readAll(options?: ReadAllOptions): Promise<RecordedEvent[]> {
    return this.checkAll(await this.inner.readAll(options));
  }

  subscribeToAll(options?: SubscribeOptions): Subscription {
    const inner = this.inner.subscribeToAll(options);
    const self = this;
    async function* iterate(): AsyncGenerator<RecordedEvent> {
      for await (const e of inner) {
        let ok: RecordedEvent | undefined;
        try {
          ok = self.check(e);
        } catch (err) {
          await inner.close();
          throw err;
        }
        if (ok) yield ok;
      }
    }
    const iterator = iterate();
    return { [Symbol.asyncIterator]: () => iterator, close: () => inner.close() };
  }

  headPosition(): Promise<bigint> {
    return this.inner.headPosition();
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
