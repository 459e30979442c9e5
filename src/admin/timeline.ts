// The admin's audit timeline: stored events read straight from es_events with slonik, newest
// first with a position cursor, and the per-order story (its message, parse, order stream and
// the bot's replies).
//
// It needs the PostgreSQL event store: the filters it offers (tenant, correlation id, any data
// field) are SQL over es_events, which the EventStore port's readAll (type and stream-prefix
// filters only) cannot express. With EVENTSTORE_URL the events live in EventStoreDB and
// es_events is empty, so these functions throw TimelineUnavailable (501) instead of showing an
// empty, misleading history.
import { sql, type FragmentSqlToken } from 'slonik';
import { z } from 'zod';
import type { Runtime } from '../runtime.ts';
import { redactSecrets } from '../events/catalog.ts';
import { DomainError, NotFound } from '../shared/errors.ts';
import { redactActor, redactData } from '../customers/redaction.ts';

export class TimelineUnavailable extends DomainError {
  readonly code: string = 'TIMELINE_UNAVAILABLE';
  readonly httpStatus: number = 501;
}

export function assertTimelineAvailable(rt: Runtime): void {
  if (rt.store.kind !== 'postgres') {
    throw new TimelineUnavailable('The admin event timeline reads the PostgreSQL event store; it is not available with EVENTSTORE_URL (EventStoreDB): use the EventStoreDB UI there');
  }
}

const eventRow = z.object({
  position: z.coerce.bigint(),
  stream_id: z.string(),
  revision: z.coerce.bigint(),
  event_id: z.string(),
  type: z.string(),
  data: z.unknown(),
  metadata: z.record(z.unknown()),
  recorded_at: z.coerce.date(),
});
type EventRow = z.infer<typeof eventRow>;

const COLUMNS = sql.fragment`position, stream_id, revision, event_id, type, data, metadata, recorded_at`;

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

export interface TimelineEvent {
  id: string;
  stream: string;
  revision: number;
  position: number;
  type: string;
  data: unknown;
  metadata: {
    tenantId: string | null;
    actor: string | null;
    correlationId: string | null;
    causationId: string | null;
    occurredAt: string | null;
    schemaVersion: number | null;
  };
  recordedAt: string;
}

/** The customerRef of each row an erasure lists: those rows are shown redacted, as every read is. */
async function erasuresOf(rt: Runtime, rows: readonly EventRow[]): Promise<ReadonlyMap<string, string>> {
  if (rows.length === 0) return new Map();
  const found = await rt.pool.any(sql.type(z.object({ event_id: z.string(), customer_ref: z.string() }))`
    select e.event_id, c.customer_ref from erased_events e join customer_erasures c using (erasure_id)
     where e.event_id = any(${sql.array(rows.map((r) => r.event_id), 'uuid')})`);
  return new Map(found.map((r) => [r.event_id, r.customer_ref]));
}

function toEvent(r: EventRow, erasedAs?: string): TimelineEvent {
  if (erasedAs !== undefined) {
    const actor = str(r.metadata['actor']);
    r = { ...r, data: redactData(r.type, r.data, erasedAs), metadata: { ...r.metadata, ...(actor === null ? {} : { actor: redactActor(actor) }) } };
  }
  const m = r.metadata;
  return {
    id: r.event_id,
    stream: r.stream_id,
    revision: Number(r.revision),
    position: Number(r.position),
    type: r.type,
    // Stored data as it is, except fields marked secret (never shown, whatever the version).
    data: redactSecrets(r.type, r.data),
    metadata: {
      tenantId: str(m['tenantId']),
      actor: str(m['actor']),
      correlationId: str(m['correlationId']),
      causationId: str(m['causationId']),
      occurredAt: str(m['occurredAt']),
      schemaVersion: typeof m['schemaVersion'] === 'number' ? m['schemaVersion'] : null,
    },
    recordedAt: r.recorded_at.toISOString(),
  };
}

const dateOrTime = z.union([z.string().datetime({ offset: true }), z.string().date()]);

/** Query of GET /admin/events (and the business / session timelines, which fix one filter). */
export const eventFilters = z.object({
  stream: z.string().min(1).max(300).optional(),
  /** One type or several, comma separated. */
  type: z.string().regex(/^[A-Za-z]+(,[A-Za-z]+)*$/, 'event type names, comma separated').optional(),
  tenantId: z.string().uuid().optional(),
  correlationId: z.string().uuid().optional(),
  /** An event id: that event alone (the target of a causation link). */
  id: z.string().uuid().optional(),
  /** A WhatsApp session: its session-<id> stream and the messages it received and sent. */
  sessionId: z.string().uuid().optional(),
  actor: z.string().min(1).max(200).optional(),
  /** Cursor: events strictly before this position (the `next` of the previous page). */
  before: z.coerce.bigint().positive().optional(),
  /** recorded_at bounds; a bare date is that day from 00:00 UTC (`to` includes the whole day). */
  from: dateOrTime.optional(),
  to: dateOrTime.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type EventFilters = z.infer<typeof eventFilters>;

function whereOf(f: EventFilters): FragmentSqlToken {
  const parts: FragmentSqlToken[] = [sql.fragment`true`];
  if (f.before !== undefined) parts.push(sql.fragment`position < ${f.before.toString()}::bigint`);
  if (f.stream) parts.push(sql.fragment`stream_id = ${f.stream}`);
  if (f.type) parts.push(sql.fragment`type = any(${sql.array(f.type.split(','), 'text')})`);
  // Written exactly as the expression index es_events_tenant_position is, so it is used.
  if (f.tenantId) parts.push(sql.fragment`(metadata->>'tenantId') = ${f.tenantId}`);
  if (f.correlationId) parts.push(sql.fragment`metadata->>'correlationId' = ${f.correlationId}`);
  if (f.id) parts.push(sql.fragment`event_id = ${f.id}::uuid`);
  // An erased customer's events show `erased` as their actor, so their old actor finds none of them.
  if (f.actor) parts.push(sql.fragment`metadata->>'actor' = ${f.actor} and not exists (select 1 from erased_events x where x.event_id = es_events.event_id)`);
  if (f.sessionId) {
    parts.push(sql.fragment`(stream_id = ${`session-${f.sessionId}`}
      or (type in ('MessageReceived', 'MessageSent') and data->>'sessionId' = ${f.sessionId}))`);
  }
  if (f.from) parts.push(sql.fragment`recorded_at >= ${f.from}::timestamptz`);
  if (f.to) {
    parts.push(/^\d{4}-\d{2}-\d{2}$/.test(f.to) ? sql.fragment`recorded_at < ${f.to}::date + 1` : sql.fragment`recorded_at <= ${f.to}::timestamptz`);
  }
  return sql.fragment`${sql.join(parts, sql.fragment` and `)}`;
}

/** Newest first; `next` is the cursor for the following (older) page, null after the last. */
export async function listEvents(rt: Runtime, f: EventFilters): Promise<{ events: TimelineEvent[]; next: string | null }> {
  assertTimelineAvailable(rt);
  const rows = await rt.pool.any(sql.type(eventRow)`
    select ${COLUMNS} from es_events where ${whereOf(f)} order by position desc limit ${f.limit + 1}`);
  const page = rows.slice(0, f.limit);
  const last = page.at(-1);
  const erased = await erasuresOf(rt, page);
  return { events: page.map((r) => toEvent(r, erased.get(r.event_id))), next: rows.length > f.limit && last ? last.position.toString() : null };
}

/** The latest events of the whole store, for the dashboard's recent activity. */
export async function recentEvents(rt: Runtime, limit = 15): Promise<TimelineEvent[]> {
  const recorded = await rt.store.readAll({ direction: 'backwards', maxCount: limit });
  return recorded.map((e) => ({
    id: e.id,
    stream: e.streamId,
    revision: Number(e.revision),
    position: Number(e.position),
    type: e.type,
    data: redactSecrets(e.type, e.data),
    metadata: {
      tenantId: e.metadata.tenantId,
      actor: e.metadata.actor,
      correlationId: e.metadata.correlationId,
      causationId: e.metadata.causationId,
      occurredAt: e.metadata.occurredAt,
      schemaVersion: e.metadata.schemaVersion,
    },
    recordedAt: e.recordedAt.toISOString(),
  }));
}

export interface OrderTimeline {
  orderId: string;
  businessId: string;
  /** Oldest first: the story as it happened. */
  events: TimelineEvent[];
  /** Event ids of the customer's message that created the order, and of the bot's replies. */
  sourceMessageEventId: string | null;
  replyEventIds: string[];
}

const MESSAGE_TYPES = ['MessageReceived', 'OrderParsed', 'MessageIgnored'];

/**
 * An order's story: its own stream (OrderPlaced, OrderUpdated, StatusChanged); the WhatsApp
 * message it came from and what the intake made of it (found by source.messageId, plus the
 * messages behind status changes made over WhatsApp); its reserved number; and the replies
 * the bot sent about it (MessageSent.orderId).
 */
export async function orderTimeline(rt: Runtime, orderId: string): Promise<OrderTimeline> {
  assertTimelineAvailable(rt);
  const own = await rt.pool.any(sql.type(eventRow)`
    select ${COLUMNS} from es_events where stream_id = ${`order-${orderId}`} order by position`);
  const placed = own.find((r) => r.type === 'OrderPlaced');
  if (!placed) throw new NotFound(`Order ${orderId} not found`);
  const pd = z.object({ businessId: z.string(), source: z.object({ messageId: z.string() }) }).parse(placed.data);
  const messageIds = new Set<string>([pd.source.messageId]);
  for (const r of own) {
    const id = r.type === 'StatusChanged' ? str((r.data as Record<string, unknown>)['messageId']) : null;
    if (id) messageIds.add(id);
  }
  const related = await rt.pool.any(sql.type(eventRow)`
    select ${COLUMNS} from es_events
     where (metadata->>'tenantId') = ${pd.businessId}
       and ((type = any(${sql.array(MESSAGE_TYPES, 'text')}) and data->>'messageId' = any(${sql.array([...messageIds], 'text')}))
         or (type in ('MessageSent', 'OrderNumberReserved') and data->>'orderId' = ${orderId}))
     order by position`);
  const byPosition = new Map<bigint, EventRow>();
  for (const r of [...own, ...related]) byPosition.set(r.position, r);
  const erased = await erasuresOf(rt, [...byPosition.values()]);
  const events = [...byPosition.values()].sort((a, b) => (a.position < b.position ? -1 : 1)).map((r) => toEvent(r, erased.get(r.event_id)));
  const source = events.find((e) => e.type === 'MessageReceived' && (e.data as Record<string, unknown>)['messageId'] === pd.source.messageId);
  return {
    orderId,
    businessId: pd.businessId,
    events,
    sourceMessageEventId: source?.id ?? null,
    replyEventIds: events.filter((e) => e.type === 'MessageSent').map((e) => e.id),
  };
}
