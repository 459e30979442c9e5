// The parked_events list (sql/009): what a subscriber set aside, why, and what became of it.
import { sql, type CommonQueryMethods } from 'slonik';
import { z } from 'zod';
import type { RecordedEvent } from '../eventstore/types.ts';
import { write } from '../../projections/shared.ts';

export const OPEN_STATUSES = ['parked', 'behind', 'retry'] as const;
export type ParkedStatus = (typeof OPEN_STATUSES)[number] | 'resolved' | 'skipped';

export interface ParkedEvent {
  subscriber: string;
  eventId: string;
  position: bigint;
  streamId: string;
  orderKey: string;
  eventType: string;
  tenantId: string | null;
  error: string;
  status: ParkedStatus;
  attempts: number;
  parkedAt: Date;
  resolvedAt: Date | null;
  resolution: string | null;
}

const parkedRow = z.object({
  subscriber: z.string(),
  event_id: z.string(),
  position: z.coerce.bigint(),
  stream_id: z.string(),
  order_key: z.string(),
  event_type: z.string(),
  tenant_id: z.string().nullable(),
  error: z.string(),
  status: z.enum(['parked', 'behind', 'retry', 'resolved', 'skipped']),
  attempts: z.number(),
  parked_at: z.coerce.date(),
  resolved_at: z.coerce.date().nullable(),
  resolution: z.string().nullable(),
});

const toParked = (r: z.infer<typeof parkedRow>): ParkedEvent => ({
  subscriber: r.subscriber,
  eventId: r.event_id,
  position: r.position,
  streamId: r.stream_id,
  orderKey: r.order_key,
  eventType: r.event_type,
  tenantId: r.tenant_id,
  error: r.error,
  status: r.status,
  attempts: r.attempts,
  parkedAt: r.parked_at,
  resolvedAt: r.resolved_at,
  resolution: r.resolution,
});

/** An error's message with its causes' (slonik wraps PostgreSQL's own message, which names the constraint). */
export function errorText(error: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const m = (e as { message?: unknown }).message;
    const text = typeof m === 'string' ? m : String(e);
    if (!parts.includes(text)) parts.push(text);
  }
  return parts.join(': ');
}

/** For JSON answers: the position as a string. */
export const parkedJson = (p: ParkedEvent) => ({ ...p, position: p.position.toString() });

const columns = sql.fragment`subscriber, event_id, position, stream_id, order_key, event_type, tenant_id, error, status, attempts, parked_at, resolved_at, resolution`;
const open = sql.array([...OPEN_STATUSES], 'text');

/**
 * What must stay in order behind a parked event: its stream, except in a chat stream (a group's
 * whole message log), where only the events of the same WhatsApp message wait behind it.
 */
export function orderKey(e: Pick<RecordedEvent, 'streamId' | 'data'>): string {
  if (!e.streamId.startsWith('chat-')) return e.streamId;
  const d = (e.data ?? {}) as { messageId?: unknown; inReplyTo?: unknown; outboxId?: unknown };
  const m = typeof d.inReplyTo === 'string' ? d.inReplyTo : typeof d.messageId === 'string' ? d.messageId : typeof d.outboxId === 'string' ? `outbox:${d.outboxId}` : null;
  return m === null ? e.streamId : `${e.streamId}/${m}`;
}

/** Sets an event aside (or, parked again, records the new error). `behind`: held back by an earlier one of its stream. */
export async function parkEvent(
  q: CommonQueryMethods,
  subscriber: string,
  e: Pick<RecordedEvent, 'id' | 'position' | 'streamId' | 'type' | 'data'> & { metadata?: { tenantId?: string | null } },
  error: string,
  status: 'parked' | 'behind' = 'parked',
): Promise<void> {
  await q.query(write`
    insert into parked_events (subscriber, event_id, position, stream_id, order_key, event_type, tenant_id, error, status)
    values (${subscriber}, ${e.id}, ${e.position.toString()}, ${e.streamId}, ${orderKey(e)}, ${e.type}, ${e.metadata?.tenantId ?? null}, ${error.slice(0, 4000)}, ${status})
    on conflict (subscriber, event_id) do update
      set error = excluded.error, status = excluded.status, attempts = parked_events.attempts + 1, updated_at = now(),
          resolved_at = null, resolution = null`);
}

/** The order keys among `keys` that have an open parked event for this subscriber (their later events wait). */
export async function blockedKeys(q: CommonQueryMethods, subscriber: string, keys: readonly string[]): Promise<Set<string>> {
  if (keys.length === 0) return new Set();
  const rows = await q.anyFirst(sql.type(z.object({ order_key: z.string() }))`
    select distinct order_key from parked_events
     where subscriber = ${subscriber} and status = any(${open}) and order_key = any(${sql.array([...new Set(keys)], 'text')})`);
  return new Set(rows);
}

/** Open events an admin asked to run again, oldest first. */
export async function retryRequested(q: CommonQueryMethods, subscriber: string, limit = 50): Promise<ParkedEvent[]> {
  const rows = await q.any(sql.type(parkedRow)`
    select ${columns} from parked_events where subscriber = ${subscriber} and status = 'retry' order by position limit ${limit}`);
  return rows.map(toParked);
}

export async function markResolved(q: CommonQueryMethods, subscriber: string, eventIds: readonly string[], resolution: string): Promise<void> {
  if (eventIds.length === 0) return;
  await q.query(write`
    update parked_events set status = 'resolved', resolved_at = now(), updated_at = now(), resolution = ${resolution}
     where subscriber = ${subscriber} and event_id = any(${sql.array([...eventIds], 'uuid')}) and status = any(${open})`);
}

/** After the head of a key's queue is resolved or skipped: what waited behind it is run again. */
export async function releaseBehind(q: CommonQueryMethods, subscriber: string, key: string): Promise<void> {
  // Up to the next event of the same key that is itself parked (it holds back what follows it).
  await q.query(write`
    update parked_events set status = 'retry', updated_at = now()
     where subscriber = ${subscriber} and order_key = ${key} and status = 'behind'
       and position < coalesce((select min(position) from parked_events
                                 where subscriber = ${subscriber} and order_key = ${key} and status = 'parked'), 9223372036854775807)`);
}

/** Back in the queue when a retried event failed: it, and whatever of its stream was to be retried after it. */
export async function reparkStream(q: CommonQueryMethods, subscriber: string, e: ParkedEvent, error: string): Promise<void> {
  await q.query(write`
    update parked_events set status = 'parked', error = ${error.slice(0, 4000)}, attempts = attempts + 1, updated_at = now()
     where subscriber = ${subscriber} and event_id = ${e.eventId}`);
  await q.query(write`
    update parked_events set status = 'behind', updated_at = now()
     where subscriber = ${subscriber} and order_key = ${e.orderKey} and status = 'retry' and position > ${e.position.toString()}`);
}

/** An admin's retry: the event (and what waits behind it) is run again by its subscriber's leader. */
export async function requestRetry(q: CommonQueryMethods, subscriber: string, eventId: string): Promise<boolean> {
  const rows = await q.anyFirst(sql.type(z.object({ event_id: z.string() }))`
    update parked_events set status = 'retry', updated_at = now()
     where subscriber = ${subscriber} and event_id = ${eventId} and status = 'parked' returning event_id`);
  return rows.length > 0;
}

export async function getParked(q: CommonQueryMethods, subscriber: string, eventId: string): Promise<ParkedEvent | null> {
  const row = await q.maybeOne(sql.type(parkedRow)`select ${columns} from parked_events where subscriber = ${subscriber} and event_id = ${eventId}`);
  return row ? toParked(row) : null;
}

/** Skipped by an admin (the ParkedEventSkipped event is appended by the caller first). */
export async function markSkipped(q: CommonQueryMethods, p: ParkedEvent, reason: string): Promise<void> {
  await q.query(write`
    update parked_events set status = 'skipped', resolved_at = now(), updated_at = now(), resolution = ${`skipped: ${reason}`.slice(0, 1000)}
     where subscriber = ${p.subscriber} and event_id = ${p.eventId} and status = 'parked'`);
  await releaseBehind(q, p.subscriber, p.orderKey);
}

export async function listParked(q: CommonQueryMethods, options: { open?: boolean; subscriber?: string; limit?: number } = {}): Promise<ParkedEvent[]> {
  const rows = await q.any(sql.type(parkedRow)`
    select ${columns} from parked_events
     where (${options.open ?? true}::boolean = false or status = any(${open}))
       and (${options.subscriber ?? null}::text is null or subscriber = ${options.subscriber ?? null})
     order by parked_at desc, position desc limit ${Math.min(500, options.limit ?? 100)}`);
  return rows.map(toParked);
}

export interface ParkedSummary {
  subscriber: string;
  open: number;
  first: Array<{ eventId: string; position: string; streamId: string; type: string; status: string; error: string }>;
}

/** Per subscriber: how many events are open and the first few (for /health). */
export async function parkedSummary(q: CommonQueryMethods, firstN = 3): Promise<ParkedSummary[]> {
  const counts = await q.any(sql.type(z.object({ subscriber: z.string(), n: z.coerce.number() }))`
    select subscriber, count(*) as n from parked_events where status = any(${open}) group by subscriber order by subscriber`);
  const out: ParkedSummary[] = [];
  for (const c of counts) {
    const first = await q.any(sql.type(parkedRow)`
      select ${columns} from parked_events where subscriber = ${c.subscriber} and status = any(${open}) order by position limit ${firstN}`);
    out.push({
      subscriber: c.subscriber,
      open: c.n,
      first: first.map((r) => ({ eventId: r.event_id, position: r.position.toString(), streamId: r.stream_id, type: r.event_type, status: r.status, error: r.error.slice(0, 300) })),
    });
  }
  return out;
}
