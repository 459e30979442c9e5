// PostgreSQL adapter of the event store port (the embedded default).
// It talks to `pg` directly rather than slonik: it is a storage driver (like @eventstore/db-client),
// needs a dedicated LISTEN connection and array parameters, and sits on the hot path of every append.
import pg from 'pg';
import {
  WrongExpectedVersion,
  type AppendOptions,
  type AppendResult,
  type EventFilter,
  type EventStore,
  type NewEvent,
  type ReadAllOptions,
  type ReadStreamOptions,
  type RecordedEvent,
  type SubscribeOptions,
  type Subscription,
} from './types.ts';

interface Row {
  position: string;
  stream_id: string;
  revision: string;
  event_id: string;
  type: string;
  data: unknown;
  metadata: NewEvent['metadata'];
  recorded_at: Date;
}

const COLUMNS = 'position, stream_id, revision, event_id, type, data, metadata, recorded_at';

function toRecorded(r: Row): RecordedEvent {
  return {
    id: r.event_id,
    type: r.type,
    data: r.data,
    metadata: r.metadata,
    streamId: r.stream_id,
    revision: BigInt(r.revision),
    position: BigInt(r.position),
    recordedAt: r.recorded_at,
  };
}

function filterSql(filter: EventFilter | undefined, params: unknown[]): string {
  const parts: string[] = [];
  if (filter?.eventTypes?.length) {
    params.push(filter.eventTypes);
    parts.push(`type = any($${params.length}::text[])`);
  }
  if (filter?.streamPrefixes?.length) {
    const ors = filter.streamPrefixes.map((p) => {
      params.push(p.replace(/[\\%_]/g, (c) => '\\' + c) + '%');
      return `stream_id like $${params.length}`;
    });
    parts.push(`(${ors.join(' or ')})`);
  }
  return parts.length ? ' and ' + parts.join(' and ') : '';
}

export interface PostgresEventStoreOptions {
  /** How often a live subscription polls when no NOTIFY arrives (a lost notification only delays). */
  pollIntervalMs?: number;
  poolSize?: number;
  /** Page size a subscription reads at once. */
  batchSize?: number;
}

export class PostgresEventStore implements EventStore {
  readonly kind = 'postgres' as const;
  private readonly pool: pg.Pool;
  private listener: pg.Client | undefined;
  private listenerReady: Promise<void> | undefined;
  private readonly wakers = new Set<() => void>();
  private closed = false;
  private readonly pollIntervalMs: number;
  private readonly batchSize: number;

  constructor(private readonly url: string, options: PostgresEventStoreOptions = {}) {
    this.pool = new pg.Pool({ connectionString: url, max: options.poolSize ?? 10 });
    this.pool.on('error', () => undefined); // a dropped idle client is replaced on next use
    this.pollIntervalMs = options.pollIntervalMs ?? 1000;
    this.batchSize = options.batchSize ?? 1000;
  }

  async append(streamId: string, events: NewEvent[], options: AppendOptions = {}): Promise<AppendResult> {
    const expected = options.expectedRevision ?? 'any';
    if (events.length === 0) throw new Error('append needs at least one event');
    // 'relaxed': the same es_append in a transaction with synchronous_commit = off (sql/006).
    const fn = options.durability === 'relaxed' ? 'es_append_relaxed' : 'es_append';
    const { rows } = await this.pool.query<{ status: string; revision: string; last_position: string }>(
      `select status, revision, last_position from ${fn}($1, $2, $3::uuid[], $4::text[], $5::jsonb[], $6::jsonb[])`,
      [
        streamId,
        typeof expected === 'bigint' ? expected.toString() : expected,
        events.map((e) => e.id),
        events.map((e) => e.type),
        events.map((e) => JSON.stringify(e.data)),
        events.map((e) => JSON.stringify(e.metadata)),
      ],
    );
    const row = rows[0];
    if (!row) throw new Error('es_append returned nothing');
    const revision = BigInt(row.revision);
    switch (row.status) {
      case 'ok':
        return { nextExpectedRevision: revision, position: BigInt(row.last_position), written: true };
      case 'duplicate':
        return { nextExpectedRevision: revision, position: BigInt(row.last_position), written: false };
      case 'conflict':
        throw new WrongExpectedVersion(streamId, expected, revision < 0n ? 'no_stream' : revision);
      case 'foreign_id':
        throw new Error(`An event id of this append to ${streamId} is already stored in another stream`);
      default:
        throw new Error(`es_append: unknown status ${row.status}`);
    }
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const backwards = options.direction === 'backwards';
    const params: unknown[] = [streamId];
    let where = 'stream_id = $1';
    if (options.fromRevision !== undefined) {
      params.push(options.fromRevision.toString());
      where += backwards ? ` and revision <= $2` : ` and revision >= $2`;
    }
    params.push(options.maxCount ?? null);
    const { rows } = await this.pool.query<Row>(
      `select ${COLUMNS} from es_events where ${where} order by revision ${backwards ? 'desc' : 'asc'} limit $${params.length}`,
      params,
    );
    return rows.map(toRecorded);
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    const backwards = options.direction === 'backwards';
    const params: unknown[] = [];
    let where = 'true';
    // 0n / undefined means "from the start": the beginning forwards, the end backwards.
    if (options.fromPosition !== undefined && options.fromPosition > 0n) {
      params.push(options.fromPosition.toString());
      where = backwards ? `position < $1` : `position > $1`;
    }
    where += filterSql(options.filter, params);
    params.push(options.maxCount ?? null);
    const { rows } = await this.pool.query<Row>(
      `select ${COLUMNS} from es_events where ${where} order by position ${backwards ? 'desc' : 'asc'} limit $${params.length}`,
      params,
    );
    return rows.map(toRecorded);
  }

  async headPosition(): Promise<bigint> {
    const { rows } = await this.pool.query<{ p: string | null }>('select max(position) as p from es_events');
    return BigInt(rows[0]?.p ?? 0);
  }

  async countEvents(): Promise<bigint> {
    const { rows } = await this.pool.query<{ n: string }>(
      `select coalesce(sum(revision + 1), 0)::text as n from es_streams`,
    );
    return BigInt(rows[0]?.n ?? 0);
  }

  subscribeToAll(options: SubscribeOptions = {}): Subscription {
    let position = options.fromPosition ?? 0n;
    let closed = false;
    // `pending` is set by every wake-up, so a NOTIFY that arrives while a page is being read is not
    // lost (it would otherwise only be caught by the next poll).
    let pending = false;
    let wake: (() => void) | undefined;
    const waker = () => {
      pending = true;
      wake?.();
    };
    this.wakers.add(waker);
    const store = this;
    const listening = this.listen().catch(() => undefined); // polling still delivers if LISTEN fails

    async function* iterate(): AsyncGenerator<RecordedEvent> {
      await listening;
      try {
        while (!closed && !store.closed) {
          pending = false;
          let batch: RecordedEvent[];
          try {
            batch = await store.readAll({ fromPosition: position, maxCount: store.batchSize, filter: options.filter });
          } catch (e) {
            if (closed || store.closed) return; // the store was closed under a pending read
            throw e;
          }
          if (batch.length > 0) {
            for (const e of batch) {
              if (closed) return;
              position = e.position;
              yield e;
            }
            // A filtered page can end before the head: keep reading from the last position seen.
            continue;
          }
          if (closed || store.closed) return;
          if (!store.listenerReady) store.listen().catch(() => undefined);
          if (pending) continue;
          await new Promise<void>((res) => {
            const timer = setTimeout(res, store.pollIntervalMs);
            wake = () => {
              clearTimeout(timer);
              res();
            };
          });
          wake = undefined;
        }
      } finally {
        store.wakers.delete(waker);
      }
    }

    const iterator = iterate();
    return {
      [Symbol.asyncIterator]: () => iterator,
      close: async () => {
        closed = true;
        waker();
        store.wakers.delete(waker);
      },
    };
  }

  private listen(): Promise<void> {
    if (this.listenerReady) return this.listenerReady;
    if (this.closed) return Promise.resolve();
    const client = new pg.Client({ connectionString: this.url });
    // eslint-disable-next-line prefer-const -- assigned below; the `forget` closure defined first compares against it
    let ready: Promise<void> | undefined;
    const forget = () => {
      // Connection lost (or never made): forget it so the next idle subscription re-listens.
      // A lost established connection wakes every subscription at once: each re-reads (catching
      // what was committed unannounced) and the first to go idle listens again, instead of all
      // of them waiting for their next poll. A failed connect does not wake (no busy loop);
      // polling covers that case.
      const wasListening = this.listener === client;
      if (wasListening) this.listener = undefined;
      if (this.listenerReady === ready) this.listenerReady = undefined;
      client.end().catch(() => undefined);
      if (wasListening && !this.closed) for (const w of this.wakers) w();
    };
    client.on('error', forget);
    client.on('end', forget);
    client.on('notification', () => {
      for (const w of this.wakers) w();
    });
    ready = (async () => {
      try {
        await client.connect();
        await client.query('listen novi_events');
      } catch (e) {
        forget();
        throw e;
      }
      if (this.closed) {
        forget();
        return;
      }
      this.listener = client;
      // Anything committed before LISTEN took effect gets no notification: wake everyone once.
      for (const w of this.wakers) w();
    })();
    this.listenerReady = ready;
    return ready;
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const w of this.wakers) w();
    await this.listener?.end().catch(() => undefined);
    await this.pool.end();
  }
}
