// Erasing one customer's personal data from a business (issue 17 §5): the command behind
// POST /customers/:key/erase and `novi erase-customer`, and the read side that makes every read of
// the event store forget them (RedactingEventStore over erased_events, sql/015).
//
// How an erasure runs (docs/architecture.md, "Erasure"):
//  1. Find, in the log up to its head, every event that carries the customer's personal data:
//     their orders (placed or edited with their key) and every event of those order streams; the
//     WhatsApp messages those orders came from, the customer's own messages (same phone), what
//     the intake made of them, and the bot's replies to them; the merchant's notes on them.
//  2. List those event ids in erased_events (status pending): from now on every read redacts them.
//  3. Append CustomerErased (no personal data: the customer's stream uuid, order and message ids).
//     Projections scrub their rows on it; the admin timeline shows it with who and when.
//  4. Look again at what was appended meanwhile (a message arriving during the erasure) and
//     record it as a further part; then scrub the operational tables (reply outbox, simulator).
// Events appended after that are a new customer's, even from the same phone.
import pg from 'pg';
import { sql, type DatabasePool } from 'slonik';
import { z } from 'zod';
import type { Runtime } from '../runtime.ts';
import { MAX_ERASED_MESSAGES, MAX_ERASED_ORDERS, makeMetadata, type NoviEventData } from '../events/catalog.ts';
import type { EventStore, RecordedEvent } from '../eventstore/types.ts';
import { RedactingEventStore, type ErasureLookup } from '../eventstore/redacting.ts';
import { customerKey } from '../../projections/customers.ts';
import { eventId, newId } from '../shared/ids.ts';
import { NotFound } from '../shared/errors.ts';
import { customerRef as customerRefOf, customerStreamId } from './customer.ts';
import { ERASABLE_TYPES, ERASED, ERASED_ID, redactData, redactMetadata } from './redaction.ts';

const anyRow = z.object({}).passthrough();
const write = sql.type(anyRow);

// ── the read side ────────────────────────────────────────────────────────────────────────

/**
 * customerRef of each given event id that an erasure lists (one indexed lookup per read). Its own
 * small pg pool: reads happen inside projection transactions, where slonik refuses other queries.
 */
export function erasureLookup(databaseUrl: string): ErasureLookup & { end: () => Promise<void> } {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 2, idleTimeoutMillis: 10_000 });
  pool.on('error', () => undefined); // an idle connection dropped: the next lookup opens another
  const lookup = async (ids: readonly string[]) => {
    const { rows } = await pool.query<{ event_id: string; customer_ref: string }>(
      `select e.event_id::text, c.customer_ref::text from erased_events e join customer_erasures c using (erasure_id)
        where e.event_id = any($1::uuid[])`,
      [ids],
    );
    return new Map(rows.map((r) => [r.event_id, r.customer_ref]));
  };
  return Object.assign(lookup, { end: () => pool.end() });
}

export function redactRecorded(e: RecordedEvent, customerRef: string): RecordedEvent {
  return { ...e, data: redactData(e.type, e.data, customerRef), metadata: redactMetadata(e.metadata) };
}

/** The store every role reads through: erased customers' events come back redacted. */
export function withErasures(store: EventStore, databaseUrl: string): EventStore {
  const lookup = erasureLookup(databaseUrl);
  return new RedactingEventStore(store, lookup, redactRecorded, ERASABLE_TYPES, lookup.end);
}

/** The projections that scrub their rows on CustomerErased (a page waits for them after an erasure). */
export const ERASING_PROJECTIONS = ['orders', 'customers', 'customer_notes', 'messages'] as const;

/** Whether every projection that scrubs on CustomerErased is past `position`. */
export async function erasureProjected(pool: DatabasePool, position: bigint): Promise<boolean> {
  const n = await pool.oneFirst(sql.type(z.object({ n: z.coerce.number() }))`
    select count(*) as n from projection_checkpoints
     where name = any(${sql.array([...ERASING_PROJECTIONS], 'text')}) and position >= ${position.toString()}::bigint`);
  return n === ERASING_PROJECTIONS.length;
}

// ── finding a customer's events ──────────────────────────────────────────────────────────

interface Found {
  events: Set<string>;
  orders: Set<string>;
  messages: Set<string>;
  /** WhatsApp sender ids of the customer (their messages carry their phone). */
  senders: Set<string>;
}

const ORDER_TYPES = ['OrderPlaced', 'OrderUpdated'];
// With them: the order number reserved for each of their orders (its actor is the sender).
const MESSAGE_TYPES = ['MessageReceived', 'MessageEdited', 'MessageRevoked', 'OrderParsed', 'MessageIgnored', 'MessageSent', 'OrderNumberReserved'];
const PAGE = 5000;

async function* scan(store: EventStore, types: string[], from: bigint, to: bigint): AsyncGenerator<RecordedEvent> {
  let position = from;
  for (;;) {
    const page = await store.readAll({ fromPosition: position, maxCount: PAGE, filter: { eventTypes: types } });
    for (const e of page) {
      if (e.position > to) return;
      yield e;
    }
    if (page.length < PAGE) return;
    position = page.at(-1)!.position;
  }
}

/** Adds to `found` what (from, to] holds of the customer `key` of `businessId`. */
async function collect(store: EventStore, businessId: string, key: string, found: Found, from: bigint, to: bigint): Promise<void> {
  const phone = key.startsWith('+') ? key : null;
  const newOrders: string[] = [];
  const keyOfName = (name: string | null | undefined) => customerKey(null, name);
  for await (const e of scan(store, ORDER_TYPES, from, to)) {
    const d = e.data as { businessId?: unknown };
    if (d.businessId !== businessId) continue;
    if (e.type === 'OrderPlaced') {
      const p = e.data as NoviEventData<'OrderPlaced'>;
      if (customerKey(p.customer.phone, p.customer.name) !== key) continue;
      if (!found.orders.has(p.orderId)) newOrders.push(p.orderId);
      found.orders.add(p.orderId);
      found.messages.add(p.source.messageId);
      if (phone && p.source.sender.phone === phone && p.source.sender.id) found.senders.add(p.source.sender.id);
    } else {
      const u = e.data as NoviEventData<'OrderUpdated'>;
      const c = u.customer;
      if (!c || found.orders.has(u.orderId)) continue;
      if ((c.phone && c.phone === key) || (c.name && keyOfName(c.name) === key)) {
        newOrders.push(u.orderId);
        found.orders.add(u.orderId);
      }
    }
  }
  // Every event of their orders: the placement and its edits carry their data, status changes
  // may carry them as the actor (a customer cancelling by message).
  for (const orderId of newOrders) {
    for (const e of await store.readStream(`order-${orderId}`)) {
      if (e.position > to) break;
      found.events.add(e.id);
      if (e.type === 'OrderPlaced') found.messages.add((e.data as NoviEventData<'OrderPlaced'>).source.messageId);
    }
  }
  for await (const e of scan(store, MESSAGE_TYPES, from, to)) {
    const d = e.data as { businessId?: unknown; messageId?: unknown };
    if (d.businessId !== businessId) continue;
    let theirs = false;
    if (e.type === 'MessageReceived') {
      const m = e.data as NoviEventData<'MessageReceived'>;
      if (phone && m.sender.phone === phone) {
        found.senders.add(m.sender.id);
        theirs = true;
      }
      theirs ||= found.messages.has(m.messageId) || found.senders.has(m.sender.id);
      if (theirs) found.messages.add(m.messageId);
    } else if (e.type === 'MessageSent') {
      const s = e.data as NoviEventData<'MessageSent'>;
      theirs = (s.orderId !== null && found.orders.has(s.orderId)) || (s.inReplyTo !== null && found.messages.has(s.inReplyTo));
    } else if (e.type === 'OrderNumberReserved') {
      theirs = found.orders.has((e.data as NoviEventData<'OrderNumberReserved'>).orderId);
    } else if (e.type === 'MessageEdited' || e.type === 'MessageRevoked') {
      const m = e.data as { messageId: string; senderId: string };
      theirs = found.messages.has(m.messageId) || found.senders.has(m.senderId);
    } else {
      theirs = typeof d.messageId === 'string' && found.messages.has(d.messageId);
    }
    if (theirs || found.senders.has(e.metadata.actor)) found.events.add(e.id);
  }
}

async function collectNotes(store: EventStore, businessId: string, key: string, found: Found, to: bigint): Promise<void> {
  for (const e of await store.readStream(customerStreamId(businessId, key))) {
    if (e.position <= to && e.type === 'CustomerNoteSet') found.events.add(e.id);
  }
}

// ── the command ──────────────────────────────────────────────────────────────────────────

export interface EraseCustomer {
  businessId: string;
  customerKey: string;
  /** A user id (the owner, or an admin for support) or `system` for the CLI. */
  actor: string;
  correlationId: string;
  now?: Date;
}

export interface ErasureResult {
  erasureId: string;
  customerRef: string;
  orders: number;
  messages: number;
  events: number;
  parts: number;
  /** Position of the last CustomerErased part (read models have forgotten the customer once past it). */
  position: bigint;
}

const chunk = <T>(xs: T[], n: number): T[][] => {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += n) out.push(xs.slice(i, i + n));
  return out.length ? out : [[]];
};

export async function eraseCustomer(rt: Runtime, cmd: EraseCustomer): Promise<ErasureResult> {
  const { businessId, customerKey: key } = cmd;
  const customerRef = customerRefOf(businessId, key);
  const now = cmd.now ?? new Date();
  const pending = await rt.pool.maybeOneFirst(sql.type(z.object({ erasure_id: z.string() }))`
    select erasure_id from customer_erasures where business_id = ${businessId} and customer_ref = ${customerRef} and status = 'pending'
     order by requested_at limit 1`);
  const erasureId = pending ?? newId();

  const found: Found = { events: new Set(), orders: new Set(), messages: new Set(), senders: new Set() };
  let head = await rt.store.headPosition();
  await collect(rt.store, businessId, key, found, 0n, head);
  await collectNotes(rt.store, businessId, key, found, head);
  if (found.events.size === 0) throw new NotFound('Customer not found');

  const listed = new Set<string>();
  const recordedOrders = new Set<string>();
  const recordedMessages = new Set<string>();
  let part = 0;
  /** Lists what is new in `found`, then records it as one or more CustomerErased parts. */
  const record = async (): Promise<bigint> => {
    const events = [...found.events].filter((id) => !listed.has(id));
    const orders = [...found.orders].filter((id) => !recordedOrders.has(id));
    const messages = [...found.messages].filter((id) => !recordedMessages.has(id));
    await rt.pool.transaction(async (tx) => {
      await tx.query(write`
        insert into customer_erasures (erasure_id, business_id, customer_ref, status, requested_by, requested_at)
        values (${erasureId}, ${businessId}, ${customerRef}, 'pending', ${cmd.actor}, ${now.toISOString()})
        on conflict (erasure_id) do nothing`);
      for (const ids of chunk(events, 5000)) {
        if (ids.length === 0) continue;
        await tx.query(write`
          insert into erased_events (event_id, erasure_id)
          select unnest(${sql.array(ids, 'uuid')}), ${erasureId}::uuid
          on conflict (event_id) do nothing`);
      }
    });
    let position = 0n;
    const orderChunks = chunk(orders, MAX_ERASED_ORDERS);
    const messageChunks = chunk(messages, MAX_ERASED_MESSAGES);
    const n = Math.max(orderChunks.length, messageChunks.length);
    for (let i = 0; i < n; i++) {
      part += 1;
      const data: NoviEventData<'CustomerErased'> = {
        erasureId, businessId, customerRef,
        orderIds: orderChunks[i] ?? [], messageIds: messageChunks[i] ?? [],
        events: i === 0 ? events.length : 0, part, by: cmd.actor,
      };
      const meta = makeMetadata({ tenantId: businessId, actor: cmd.actor, correlationId: cmd.correlationId, now, type: 'CustomerErased' });
      const r = await rt.store.append(`erasure-${erasureId}`, [{ id: eventId('CustomerErased', `${erasureId}:${part}`), type: 'CustomerErased', data, metadata: meta }]);
      position = r.position;
    }
    for (const id of events) listed.add(id);
    for (const id of orders) recordedOrders.add(id);
    for (const id of messages) recordedMessages.add(id);
    return position;
  };

  let until = await record();
  // A message that arrived while the erasure was being recorded belongs to it too.
  for (let round = 0; round < 5; round++) {
    const before = found.events.size;
    await collect(rt.store, businessId, key, found, head, until);
    await collectNotes(rt.store, businessId, key, found, until);
    head = until;
    if (found.events.size === before) break;
    const next = await record();
    if (next > until) until = next;
  }

  await rt.pool.transaction(async (tx) => {
    const orders = sql.array([...found.orders], 'uuid');
    const messages = sql.array([...found.messages], 'text');
    // Operational tables written by the notifier and the simulator: the reply texts and recipients.
    await tx.query(write`
      update simulator_outbox set text = ${ERASED}, recipient = ${ERASED_ID}
       where business_id = ${businessId}
         and (in_reply_to = any(${messages}) or outbox_id in (select id from whatsapp_outbox where business_id = ${businessId} and order_id = any(${orders})))`);
    await tx.query(write`
      update whatsapp_outbox set text = ${ERASED}, recipient = ${ERASED_ID}
       where business_id = ${businessId} and (order_id = any(${orders}) or in_reply_to = any(${messages}))`);
    await tx.query(write`
      update simulator_inbox set text = ${ERASED}, from_name = null, from_id = ${ERASED_ID}
       where business_id = ${businessId} and message_id = any(${messages})`);
    // Webhook deliveries (sql/021) hold the event as it was sent: kept in the log without its body,
    // and those not yet sent are not sent (the receiver would get the erased data).
    await tx.query(write`
      update webhook_deliveries
         set body = ${JSON.stringify({ erased: true })},
             status = case when status in ('pending', 'sending') then 'failed' else status end,
             last_error = case when status in ('pending', 'sending') then 'not sent: the customer was erased' else last_error end,
             updated_at = now()
       where business_id = ${businessId} and event_id = any(${sql.array([...found.events], 'uuid')})`);
    await tx.query(write`
      update customer_erasures set status = 'recorded', recorded_at = now(),
             events = (select count(*) from erased_events where erasure_id = ${erasureId})
       where erasure_id = ${erasureId}`);
  });
  return { erasureId, customerRef, orders: found.orders.size, messages: found.messages.size, events: found.events.size, parts: part, position: until };
}
