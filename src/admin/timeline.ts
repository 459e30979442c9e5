// The admin's audit timeline: stored events read through the event store port (so it works on
// the PostgreSQL store and on EventStoreDB alike), newest first with a position cursor, and the
// per-order story (its message, parse, order stream and the bot's replies).
//
// The port filters by event type and stream prefix; the other filters (tenant, correlation id,
// actor, session, time) are applied to the events as they are read, backwards from the cursor, a
// page at a time. A request reads at most SCAN_LIMIT events: when that is reached first, the
// answer has fewer events than asked and `next` continues the scan from where it stopped.
import { z } from 'zod';
import type { Runtime } from '../runtime.ts';
import type { RecordedEvent } from '../eventstore/types.ts';
import { redactSecrets } from '../events/catalog.ts';
import { NotFound } from '../shared/errors.ts';

/** Events a request reads at most (pages of SCAN_PAGE), whatever its filters. */
export const SCAN_LIMIT = 20_000;
const SCAN_PAGE = 1000;

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

function toEvent(e: RecordedEvent): TimelineEvent {
  const m = e.metadata as unknown as Record<string, unknown>;
  return {
    id: e.id,
    stream: e.streamId,
    revision: Number(e.revision),
    position: Number(e.position),
    type: e.type,
    // Stored data as it is, except fields marked secret (never shown, whatever the version).
    data: redactSecrets(e.type, e.data),
    metadata: {
      tenantId: str(m['tenantId']),
      actor: str(m['actor']),
      correlationId: str(m['correlationId']),
      causationId: str(m['causationId']),
      occurredAt: str(m['occurredAt']),
      schemaVersion: typeof m['schemaVersion'] === 'number' ? m['schemaVersion'] : null,
    },
    recordedAt: e.recordedAt.toISOString(),
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

const field = (e: RecordedEvent, name: string): unknown =>
  typeof e.data === 'object' && e.data !== null ? (e.data as Record<string, unknown>)[name] : undefined;

/** The filters the port cannot apply, as a predicate over one event. */
function matcher(f: EventFilters): (e: RecordedEvent) => boolean {
  const types = f.type ? new Set(f.type.split(',')) : null;
  const from = f.from ? Date.parse(f.from) : null;
  // A bare `to` date includes that whole day (UTC).
  const to = f.to ? (/^\d{4}-\d{2}-\d{2}$/.test(f.to) ? Date.parse(`${f.to}T00:00:00Z`) + 86_400_000 - 1 : Date.parse(f.to)) : null;
  return (e) => {
    if (types && !types.has(e.type)) return false;
    if (f.stream && e.streamId !== f.stream) return false;
    if (f.tenantId && e.metadata.tenantId !== f.tenantId) return false;
    if (f.correlationId && e.metadata.correlationId !== f.correlationId) return false;
    if (f.id && e.id !== f.id) return false;
    if (f.actor && e.metadata.actor !== f.actor) return false;
    if (f.sessionId && e.streamId !== `session-${f.sessionId}` && !((e.type === 'MessageReceived' || e.type === 'MessageSent') && field(e, 'sessionId') === f.sessionId)) return false;
    const at = e.recordedAt.getTime();
    if (from !== null && at < from) return false;
    if (to !== null && at > to) return false;
    return true;
  };
}

/**
 * Newest first; `next` is the cursor for the following (older) page, null after the last. One
 * stream is read as a stream; everything else is read from `$all` backwards, filtered by type at
 * the store and by the rest here.
 */
export async function listEvents(rt: Runtime, f: EventFilters): Promise<{ events: TimelineEvent[]; next: string | null }> {
  const matches = matcher(f);
  const found: RecordedEvent[] = [];
  let cursor = f.before;
  let scanned = 0;
  let exhausted = false;
  const types = f.type ? f.type.split(',') : undefined;
  if (f.stream) {
    // One stream: read as a stream (newest first), bounded; `before` is a global position.
    const all = await rt.store.readStream(f.stream, { direction: 'backwards', maxCount: SCAN_LIMIT });
    const hits = all.filter((e) => (f.before === undefined || e.position < f.before) && matches(e));
    const events = hits.slice(0, f.limit);
    return { events: events.map(toEvent), next: hits.length > f.limit ? events.at(-1)!.position.toString() : null };
  }
  while (found.length <= f.limit && scanned < SCAN_LIMIT) {
    const page = await rt.store.readAll({
      direction: 'backwards',
      maxCount: SCAN_PAGE,
      ...(cursor !== undefined ? { fromPosition: cursor } : {}),
      ...(types ? { filter: { eventTypes: types } } : {}),
    });
    for (const e of page) {
      scanned++;
      cursor = e.position;
      if (matches(e)) found.push(e);
      if (found.length > f.limit) break;
    }
    if (page.length < SCAN_PAGE) {
      exhausted = found.length <= f.limit;
      break;
    }
    // Positions follow commit order, recording times almost: past `from` by a minute, nothing older matches.
    const last = page.at(-1);
    if (f.from && last && last.recordedAt.getTime() < Date.parse(f.from) - 60_000) {
      exhausted = found.length <= f.limit;
      break;
    }
  }
  const events = found.slice(0, f.limit);
  if (found.length > f.limit) return { events: events.map(toEvent), next: events.at(-1)!.position.toString() };
  // The scan stopped at its bound before the end: the next page goes on from there.
  return { events: events.map(toEvent), next: exhausted || cursor === undefined ? null : cursor.toString() };
}

/** The latest events of the whole store, for the dashboard's recent activity. */
export async function recentEvents(rt: Runtime, limit = 15): Promise<TimelineEvent[]> {
  const recorded = await rt.store.readAll({ direction: 'backwards', maxCount: limit });
  return recorded.map(toEvent);
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
  const own = await rt.store.readStream(`order-${orderId}`, { maxCount: 5000 });
  const placed = own.find((r) => r.type === 'OrderPlaced');
  if (!placed) throw new NotFound(`Order ${orderId} not found`);
  const pd = z.object({ businessId: z.string(), groupId: z.string(), number: z.number().int(), source: z.object({ messageId: z.string() }) }).parse(placed.data);
  const messageIds = new Set<string>([pd.source.messageId]);
  for (const r of own) {
    const id = r.type === 'StatusChanged' ? str(field(r, 'messageId')) : null;
    if (id) messageIds.add(id);
  }
  const relates = (e: RecordedEvent) =>
    e.metadata.tenantId === pd.businessId &&
    ((MESSAGE_TYPES.includes(e.type) && messageIds.has(String(field(e, 'messageId')))) || (e.type === 'MessageSent' && field(e, 'orderId') === orderId));
  const byPosition = new Map<bigint, RecordedEvent>();
  for (const r of own) byPosition.set(r.position, r);
  // The messages and replies of any chat (a rider's status message comes from the delivery group):
  // `$all` backwards, by type, down to the source message (it precedes OrderPlaced), bounded.
  let cursor: bigint | undefined;
  let scanned = 0;
  let sourceFound = false;
  while (!sourceFound && scanned < SCAN_LIMIT) {
    const page = await rt.store.readAll({ direction: 'backwards', maxCount: SCAN_PAGE, filter: { eventTypes: [...MESSAGE_TYPES, 'MessageSent'] }, ...(cursor !== undefined ? { fromPosition: cursor } : {}) });
    for (const e of page) {
      scanned++;
      cursor = e.position;
      if (relates(e)) byPosition.set(e.position, e);
      if (e.type === 'MessageReceived' && field(e, 'messageId') === pd.source.messageId) sourceFound = true;
    }
    if (page.length < SCAN_PAGE) break;
  }
  // Its number's reservation: revision n of the business's number stream is order number 1001 + n.
  const reserved = await rt.store.readStream(`ordernumbers-${pd.businessId}`, { fromRevision: BigInt(Math.max(0, pd.number - 1001)), maxCount: 1 });
  for (const r of reserved) if (field(r, 'orderId') === orderId) byPosition.set(r.position, r);
  const events = [...byPosition.values()].sort((a, b) => (a.position < b.position ? -1 : 1)).map(toEvent);
  const source = events.find((e) => e.type === 'MessageReceived' && (e.data as Record<string, unknown>)['messageId'] === pd.source.messageId);
  return {
    orderId,
    businessId: pd.businessId,
    events,
    sourceMessageEventId: source?.id ?? null,
    replyEventIds: events.filter((e) => e.type === 'MessageSent').map((e) => e.id),
  };
}
