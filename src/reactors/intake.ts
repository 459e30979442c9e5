// The intake reactor: MessageReceived from linked groups → parser (piscina, in batches) → OrderParsed,
// then PlaceOrder / ChangeStatus / MessageIgnored. Every event id derives from the message, so a
// redelivered message (restart, replay) has exactly one effect.
//
// Groups and businesses are read from their streams, not from the read models: a group linked a
// moment ago is already known here even if the `groups` projection lags behind.
import { z } from 'zod';
import type { Runtime } from '../runtime.ts';
import type { EventMetadata, EventStore, NewEvent, RecordedEvent } from '../eventstore/types.ts';
import { InvalidStoredEvent, WrongExpectedVersion } from '../eventstore/types.ts';
import { EVENT_SCHEMA_VERSION, MAX_FIELD_DOUBTS, e164, validateEvent, type Language, type NoviEventData, type NoviEventOf, type NoviEventType, type ParseResult as StoredParseResult } from '../events/catalog.ts';
import { evolveGroup, groupStreamId, initialGroupState, type GroupEvent, type GroupState } from '../businesses/group.ts';
import { readBusiness, type BusinessState } from '../businesses/business.ts';
import { orderCommandSchemas, decideOrder, type OrderCommand } from '../orders/commands.ts';
import { evolveOrder, initialOrderState, itemsTotal, orderStreamId, type OrderEvent } from '../orders/order.ts';
import { FIRST_ORDER_NUMBER, NumberLedgers, reserveOrderNumbers, type NumberLedger } from '../orders/numbers.ts';
import { SelfEditWindowPassed, statusAuthority } from '../orders/authority.ts';
import { matchSelfCancel } from '../orders/self-cancel.ts';
import { attachPaymentProof } from '../payments/intake.ts';
import { applySelfEdit, matchRepeatLast, matchSelfEdit, matchYes, type SelfEditRequest } from '../orders/self-edit.ts';
import { isDirectChat } from '../whatsapp/transport.ts';
import { CUSTOMER_CANCELLABLE } from '../orders/status.ts';
import { DEFAULT_REVIEW_SETTINGS } from '../businesses/business.ts';
import { parserCatalog } from '../businesses/aliases.ts';
import { isYesReply } from '../whatsapp/templates.ts';
import type { ExplainedResult } from '../parser/explained.ts';
import { handleCommand, parseCommandData } from '../shared/command-handler.ts';
import { Forbidden, IllegalState, IllegalStatusTransition, isDomainError } from '../shared/errors.ts';
import { directChatGroupId, eventId, NS, orderIdForMessage, uuidFromName } from '../shared/ids.ts';
import { PARSER_VERSION, type ParseInput, type ParseResult } from '../parser/index.ts';
import { createParserPool, type ParserPool } from '../parser/pool.ts';
import { parseExplained } from '../parser/explained.ts';
import { SubscriptionRunner, type Subscriber } from '../subscriptions/runner.ts';
import { Waker } from '../subscriptions/wake.ts';

export const INTAKE_CHECKPOINT = 'reactor:intake';

export type Message = NoviEventData<'MessageReceived'>;
/** Results may carry the parser's per-field doubts and the customer's words per item (parseExplained). */
export type ParseFn = (inputs: readonly ParseInput[]) => Promise<Array<ParseResult & Partial<Pick<ExplainedResult, 'doubts' | 'itemTexts'>>>>;

export type Refusal = NonNullable<NoviEventData<'MessageIgnored'>['refusal']>;

export interface Outcome {
  kind: 'order' | 'status' | 'ignored' | 'payment';
  reason?: string;
  orderId?: string;
  /** A customer's own request refused: recorded on the MessageIgnored so the notifier tells them why. */
  refusal?: Refusal;
}

// ── stream lookups (cached per batch) ───────────────────────────────────────────────────
function fold<S, E>(recorded: RecordedEvent[], streamId: string, init: S, evolve: (s: S, e: E) => S): S {
  let state = init;
  for (const r of recorded) {
    const v = validateEvent(r.type, r.data, r.metadata.schemaVersion);
    if (!v.ok) throw new InvalidStoredEvent(streamId, r.position, r.type, v.error);
    state = evolve(state, v.event as E);
  }
  return state;
}

export class Lookups {
  private readonly groups = new Map<string, Promise<GroupState>>();
  private readonly businesses = new Map<string, Promise<BusinessState>>();
  constructor(private readonly store: EventStore) {}

  group(groupId: string): Promise<GroupState> {
    let g = this.groups.get(groupId);
    if (!g) {
      const id = groupStreamId(groupId);
      g = this.store.readStream(id).then((r) => fold<GroupState, GroupEvent>(r, id, initialGroupState(), evolveGroup));
      this.groups.set(groupId, g);
    }
    return g;
  }

  business(businessId: string): Promise<BusinessState> {
    let b = this.businesses.get(businessId);
    if (!b) {
      // Business streams can be long (catalog saves): fold only what is new since the last batch.
      b = readBusiness(this.store, businessId);
      this.businesses.set(businessId, b);
    }
    return b;
  }

}

// ── pure pieces, shared with `novi reparse` ─────────────────────────────────────────────
export type Registered = Extract<BusinessState, { kind: 'registered' }>;

export function parserInput(m: Message, business: Registered, id: number | string): ParseInput {
  const p = business.profile;
  return {
    id,
    text: m.text,
    sender: { name: m.sender.name, phone: m.sender.phone },
    // Learned aliases (issue 11 §4) go in as aliases of their product: the parser's own alias matching.
    business: { country: p.country, currency: p.currency, catalog: parserCatalog(business.catalog, business.learnedAliases) },
  };
}

/**
 * A rider answering an order summary in a delivery (or admin) group by quoting it ("delivered",
 * "on the way"): the order number is the quoted summary's, so the text is read as "#1001 delivered".
 * A reply that names a number itself is read as written.
 */
export function withQuotedOrder(m: Message, groupType: Work['groupType']): Message {
  if (!m.quoted || (groupType !== 'delivery' && groupType !== 'admin') || /#\s?\d+|\b\d{3,}\b/.test(m.text)) return m;
  const number = /#(\d{1,9})\b/.exec(m.quoted.text)?.[1];
  return number ? { ...m, text: `#${number} ${m.text}` } : m;
}

/** The parser's output as the catalog stores it (`id` dropped). */
export function storedResult(r: ParseResult): StoredParseResult {
  const { id: _id, ...rest } = r;
  void _id;
  return rest as StoredParseResult;
}

const phoneOrNull = (p: string | null | undefined): string | null => (p && e164.safeParse(p).success ? p : null);

export function messageMetadata(event: RecordedEvent, m: Message): Omit<EventMetadata, 'schemaVersion'> {
  return {
    tenantId: m.businessId,
    actor: m.sender.id,
    correlationId: uuidFromName(NS.event, `correlation:${m.businessId}:${m.messageId}`),
    causationId: event.id,
    occurredAt: event.metadata.occurredAt,
  };
}

function newEvent<T extends NoviEventType>(type: T, key: string, data: NoviEventData<T>, meta: Omit<EventMetadata, 'schemaVersion'>): NewEvent {
  return { id: eventId(type, key), type, data, metadata: { ...meta, schemaVersion: EVENT_SCHEMA_VERSION[type] } };
}

export function orderParsedEvent(event: RecordedEvent, m: Message, result: ParseResult, parserVersion: string): NewEvent | { invalid: string } {
  const data = { messageId: m.messageId, businessId: m.businessId, groupId: m.groupId, parserVersion, result: storedResult(result) };
  const v = validateEvent('OrderParsed', data);
  if (!v.ok) return { invalid: v.error };
  return newEvent('OrderParsed', `${m.businessId}:${m.messageId}:${parserVersion}`, v.event.data as NoviEventData<'OrderParsed'>, messageMetadata(event, m));
}

export function ignoredEvent(event: RecordedEvent, m: Message, reason: string, refusal?: Refusal): NewEvent {
  const data: NoviEventData<'MessageIgnored'> = { messageId: m.messageId, businessId: m.businessId, groupId: m.groupId, reason: reason.slice(0, 1000) };
  if (refusal) data.refusal = refusal;
  return newEvent('MessageIgnored', `${m.businessId}:${m.messageId}`, data, messageMetadata(event, m));
}

/** What an order message asks for: parser output, or the WhatsApp catalog cart as is. */
export function orderDraft(m: Message, result: ParseResult | undefined, business: Registered) {
  if (m.kind === 'order' && m.nativeOrder) {
    const n = m.nativeOrder;
    return {
      customer: { name: m.sender.name, phone: phoneOrNull(m.sender.phone), address: null },
      items: n.items.map((i) => ({ name: i.name, sku: i.sku, quantity: i.quantity, unitPrice: i.unitPrice })),
      totalAmount: n.total ?? itemsTotal(n.items),
      currency: n.currency ?? business.profile.currency,
      deliveryNotes: null,
      missing: [] as string[],
      parserVersion: null,
    };
  }
  const r = result! as ParseResult & Partial<Pick<ExplainedResult, 'doubts' | 'itemTexts'>>;
  // Below the business's auto-accept threshold the order waits for the merchant's review (issue 11 §3).
  const settings = business.review ?? DEFAULT_REVIEW_SETTINGS;
  const review = r.confidence < settings.autoAcceptThreshold
    ? { review: { confidence: r.confidence, threshold: settings.autoAcceptThreshold, ask: settings.reviewMode === 'ask', doubts: (r.doubts ?? []).slice(0, MAX_FIELD_DOUBTS) } }
    : {};
  return {
    customer: { name: r.customer.name, phone: phoneOrNull(r.customer.phone), address: r.address },
    items: r.items.map((i) => ({ name: i.name, sku: i.sku, quantity: i.quantity, unitPrice: i.unitPrice })),
    totalAmount: r.total ?? itemsTotal(r.items),
    currency: r.currency ?? business.profile.currency,
    deliveryNotes: r.notes,
    missing: [...r.missing],
    parserVersion: PARSER_VERSION,
    ...review,
    ...(r.itemTexts && r.itemTexts.length === r.items.length ? { itemTexts: r.itemTexts.map((t) => t.slice(0, 200)) } : {}),
  };
}

// ── one batch ───────────────────────────────────────────────────────────────────────────
interface Work {
  event: RecordedEvent;
  m: Message;
  business?: Registered;
  groupType?: 'sales' | 'delivery' | 'admin';
  riderPhones?: readonly string[];
  /** A customer's direct (1:1) chat with the business: taken like a sales group, answered privately. */
  direct?: boolean;
  /** A customer in a sales group asking to cancel their own order (by number, or their latest open one). */
  cancel?: { number: number | null; language: Language | null };
  /** A customer changing their own open order (self-edit.ts), by number or their latest open one. */
  edit?: { request: SelfEditRequest; number: number | null };
  /** "Same as last time": offer their last delivered order again. */
  repeat?: { language: Language };
  /** A YES that may answer a repeat offer. */
  yes?: { language: Language };
  /** A customer's "yes" to the bot's review question (ask mode): accepts their order waiting for it. */
  confirm?: boolean;
  result?: ParseResult;
  outcome?: Outcome;
  /** An order to place, validated and decided with a placeholder number; numbered in its business's batch. */
  place?: { orderId: string; data: PlaceOrderData; meta: Omit<EventMetadata, 'schemaVersion'> };
}

type PlaceOrderData = z.output<typeof orderCommandSchemas.PlaceOrder>;

/**
 * Everything the intake appends is re-derivable from the durable MessageReceived (event ids
 * derive from the message) and the reactor's checkpoint moves in a separate, durable commit
 * after these appends, so they are written with relaxed durability (see AppendOptions).
 */
const RELAXED = { durability: 'relaxed' } as const;

export interface ProcessOptions {
  concurrency?: number;
  /**
   * Order-number ledgers kept across batches by a long-lived reactor (one append and no read per
   * business and batch). Must be cleared when a batch fails. A fresh set is used when absent.
   */
  ledgers?: NumberLedgers;
}

/**
 * Handles a batch of MessageReceived (already validated). Round trips, for a batch:
 * 1. stream reads of the groups and businesses involved (cached for the batch);
 * 2. one parser call for all text messages;
 * 3. one append per chat stream with its OrderParsed events and the MessageIgnored whose reason
 *    needs no lookup (unlinked group, no items, not an order …), in message order;
 * 4. per business (businesses in parallel, `concurrency` at a time), in message order: the orders
 *    of a run of consecutive order messages numbered in one append, then placed on their new
 *    streams in parallel without reading them first (expected revision `no_stream`; a redelivery is
 *    an idempotent duplicate); a status message reads and appends to its order;
 * 5. one append per chat stream for the MessageIgnored that a lookup decided (unknown order
 *    number, illegal transition).
 */
export async function processMessages(
  store: EventStore,
  events: ReadonlyArray<{ event: RecordedEvent; m: Message }>,
  parse: ParseFn,
  options: ProcessOptions = {},
): Promise<Outcome[]> {
  const lookups = new Lookups(store);
  const ledgers = options.ledgers ?? new NumberLedgers();
  const work: Work[] = events.map((e) => ({ ...e }));
  const appendLater = new Map<string, NewEvent[]>();
  const later = (streamId: string, e: NewEvent) => {
    const list = appendLater.get(streamId) ?? [];
    list.push(e);
    appendLater.set(streamId, list);
  };
  const ignore = (w: Work, outcome: Outcome) => {
    w.outcome = outcome;
    later(w.event.streamId, ignoredEvent(w.event, w.m, outcome.reason ?? 'ignored', outcome.refusal));
  };

  // 1. Which messages come from a linked group of a known business.
  await Promise.all(
    work.map(async (w) => {
      if (isDirectChat(w.m.chatId)) {
        // A customer's direct chat: its stream derives from the business and the chat, never a group.
        const business = await lookups.business(w.m.businessId);
        if (w.m.groupId !== directChatGroupId(w.m.businessId, w.m.chatId)) w.outcome = { kind: 'ignored', reason: 'direct message recorded outside its chat' };
        else if (business.kind !== 'registered') w.outcome = { kind: 'ignored', reason: 'business not found' };
        else if (!business.settings.directOrders) w.outcome = { kind: 'ignored', reason: 'direct orders are turned off for this business' };
        else {
          w.business = business;
          w.groupType = 'sales';
          w.direct = true;
        }
        return;
      }
      const [group, business] = await Promise.all([lookups.group(w.m.groupId), lookups.business(w.m.businessId)]);
      if (group.kind !== 'linked' || group.businessId !== w.m.businessId || (group.whatsappId !== null && group.whatsappId !== w.m.chatId)) {
        w.outcome = { kind: 'ignored', reason: 'group is not linked to this business' };
      } else if (business.kind !== 'registered') {
        w.outcome = { kind: 'ignored', reason: 'business not found' };
      } else {
        // Admin groups too: the merchant's staff may move orders from there (statusAuthority).
        w.business = business;
        w.groupType = group.groupType;
        w.riderPhones = group.riderPhones ?? [];
      }
    }),
  );

  // 1b. A payment note from a customer with an open order in this chat attaches to it as a proof
  // (src/payments/intake.ts), before any parsing: never items, never a new order.
  await Promise.all(
    work.map(async (w) => {
      if (w.outcome || w.groupType !== 'sales') return;
      const orderId = await attachPaymentProof(store, w.event, w.m);
      if (orderId) w.outcome = { kind: 'payment', orderId };
    }),
  );

  // 2. Parse every text message at once (the pool splits the batch over its threads).
  const toParse = work.filter((w) => w.business && !w.outcome && !(w.m.kind === 'order' && w.m.nativeOrder));
  const parsed = new Map<Work, NewEvent>();
  if (toParse.length > 0) {
    const results = await parse(toParse.map((w, i) => parserInput(withQuotedOrder(w.m, w.groupType), w.business!, i)));
    toParse.forEach((w, i) => {
      const r = results[i];
      if (!r) {
        w.outcome = { kind: 'ignored', reason: 'parser returned no result' };
        return;
      }
      const event = orderParsedEvent(w.event, w.m, r, PARSER_VERSION);
      if ('invalid' in event) {
        w.outcome = { kind: 'ignored', reason: `parser output rejected: ${event.invalid}` };
        return;
      }
      w.result = r;
      parsed.set(w, event);
    });
  }

  // 3. What needs no lookup is decided now and recorded with the OrderParsed, one append per chat,
  // in message order: the record of what the parser said precedes what was done.
  for (const w of work) {
    if (!w.outcome) w.outcome = preDecide(w);
    const p = parsed.get(w);
    if (p) later(w.event.streamId, p);
    if (w.outcome?.kind === 'ignored') later(w.event.streamId, ignoredEvent(w.event, w.m, w.outcome.reason ?? 'ignored', w.outcome.refusal));
  }
  await appendAll(store, appendLater);
  appendLater.clear();

  // 4. Orders and status changes, per business in message order.
  const byBusiness = new Map<string, Work[]>();
  for (const w of work) {
    if (w.outcome) continue;
    const list = byBusiness.get(w.m.businessId) ?? [];
    list.push(w);
    byBusiness.set(w.m.businessId, list);
  }
  const queues = [...byBusiness.entries()];
  const concurrency = options.concurrency ?? 8;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, queues.length) }, async () => {
      for (let q = queues.shift(); q; q = queues.shift()) {
        const [businessId, list] = q;
        const ledger = ledgers.get(businessId);
        let run: Work[] = [];
        const flush = async () => {
          if (run.length === 0) return;
          await placeOrders(store, ledger, run);
          for (const w of run) if (w.outcome?.kind === 'ignored') ignore(w, w.outcome);
          run = [];
        };
        for (const w of list) {
          if (w.place) {
            run.push(w);
            continue;
          }
          await flush(); // a status message may name an order placed just before it
          w.outcome = await changeStatus(store, ledger, w);
          if (w.outcome.kind === 'ignored') ignore(w, w.outcome);
        }
        await flush();
      }
    }),
  );
  // 5. The MessageIgnored that lookups decided.
  await appendAll(store, appendLater);
  return work.map((w) => w.outcome!);
}

async function appendAll(store: EventStore, byStream: Map<string, NewEvent[]>): Promise<void> {
  await Promise.all([...byStream].map(([streamId, events]) => store.append(streamId, events, { expectedRevision: 'any', ...RELAXED })));
}

/**
 * The outcome of a message when it needs no lookup (every ignore reason of that kind), or
 * undefined with `w.place` set for an order to place, or undefined for a status message.
 * An order is validated and decided here with a placeholder number, so an order that would
 * be refused never takes a number.
 */
function preDecide(w: Work): Outcome | undefined {
  const { m } = w;
  const native = m.kind === 'order' && m.nativeOrder !== undefined;
  const intent = native ? 'order' : w.result?.intent;
  try {
    // In a sales group a status message can only be a customer cancelling their own order, asked
    // plainly (the strict matcher: `cancel my order`, `cancela mi pedido`, `cancela o meu pedido`,
    // `#1001 cancelled` …). The parser's status intent alone is not enough: it also says
    // "cancelled" for "why did you cancel my order?". Whether the order is theirs is decided on it.
    if (w.groupType === 'sales' && !native) {
      const asked = matchSelfCancel(m.text);
      if (asked) {
        w.cancel = { number: asked.number, language: asked.language };
        return undefined;
      }
      const numbered = orderNumberIn(m.text);
      const edit = matchSelfEdit(numbered.text);
      if (edit) {
        w.edit = { request: edit, number: numbered.number };
        return undefined;
      }
      const repeat = matchRepeatLast(m.text);
      if (repeat) {
        w.repeat = repeat;
        return undefined;
      }
      // A yes answers the bot's review question (ask mode) or a repeat offer: both are tried, review first.
      if (intent !== 'order' && isYesReply(m.text)) w.confirm = true;
      const yes = matchYes(m.text);
      if (yes || w.confirm) {
        if (yes) w.yes = yes;
        return undefined;
      }
      if (intent === 'status' && w.result?.status === 'cancelled') {
        return { kind: 'ignored', reason: 'not a cancellation request the bot acts on; a customer cancels with "cancel my order" (or "cancel my order #1001")' };
      }
    }
    if (intent === 'order') return orderPlacement(w);
    if (intent === 'status') {
      const r = w.result!;
      if (!r.status) return { kind: 'ignored', reason: 'status message without a recognisable status' };
      const authority = statusAuthority({ groupType: w.groupType!, riderPhones: w.riderPhones }, m.sender.phone, r.status);
      if (authority.kind === 'refused') return { kind: 'ignored', reason: authority.reason };
      if (!r.orderRef?.match(/\d+/)) return { kind: 'ignored', reason: 'status message without an order number' };
      return undefined;
    }
    if (w.groupType === 'admin') return { kind: 'ignored', reason: 'admin groups are read for status updates only' };
    return { kind: 'ignored', reason: `not an order or a status update (confidence ${w.result?.confidence ?? 0})` };
  } catch (error) {
    // Invalid data, a refused order: the merchant sees why in the message log.
    if (isDomainError(error)) return { kind: 'ignored', reason: error.message };
    throw error;
  }
}

/**
 * An order message of a sales group or direct chat: validated and decided with a placeholder
 * number (`w.place` set, undefined returned), so an order that would be refused never takes a number.
 */
function orderPlacement(w: Work): Outcome | undefined {
  const { m } = w;
  const business = w.business!;
  const meta = messageMetadata(w.event, m);
  try {
    if (w.groupType !== 'sales') return { kind: 'ignored', reason: 'orders are taken in sales groups only' };
    const draft = orderDraft(m, w.result, business);
    if (draft.items.length === 0) return { kind: 'ignored', reason: 'no items recognised in the order message' };
    const orderId = orderIdForMessage(m.businessId, m.messageId);
    const data = parseCommandData(
      orderCommandSchemas.PlaceOrder,
      {
        orderId, businessId: m.businessId, groupId: m.groupId, number: FIRST_ORDER_NUMBER, ...draft,
        source: { messageId: m.messageId, text: m.text, sender: { id: m.sender.id.slice(0, 200), name: m.sender.name, phone: m.sender.phone }, receivedAt: m.timestamp },
      },
      'order',
    );
    placeOrderEvents(orderId, data, meta); // throws what placing would throw
    w.place = { orderId, data, meta };
    return undefined;
  } catch (error) {
    if (isDomainError(error)) return { kind: 'ignored', reason: error.message };
    throw error;
  }
}

/** The events of placing a new order (decided on the empty stream), ready to append. */
function placeOrderEvents(orderId: string, data: PlaceOrderData, meta: Omit<EventMetadata, 'schemaVersion'>): NewEvent[] {
  const decided = decideOrder({ type: 'PlaceOrder', data, metadata: { now: new Date(meta.occurredAt), actor: meta.actor } }, initialOrderState());
  return decided.map((event, i) => {
    const valid = validateEvent(event.type, event.data);
    if (!valid.ok) throw new Error(`${event.type} would be invalid: ${valid.error}`);
    return {
      id: i === 0 ? eventId('OrderPlaced', orderId) : eventId(event.type, `${orderId}:${i}`),
      type: event.type,
      data: valid.event.data,
      metadata: { ...meta, schemaVersion: EVENT_SCHEMA_VERSION[event.type] },
    };
  });
}

/** A run of orders of one business: numbered in one append, then placed in parallel. */
async function placeOrders(store: EventStore, ledger: NumberLedger, run: Work[]): Promise<void> {
  const numbers = await reserveOrderNumbers(store, {
    businessId: ledger.businessId,
    orders: run.map((w) => ({ orderId: w.place!.orderId, metadata: w.place!.meta })),
    ledger,
    ...RELAXED,
  });
  await Promise.all(
    run.map(async (w, i) => {
      const { orderId, data, meta } = w.place!;
      const number = numbers[i]!.number;
      try {
        // A new stream: no read. A redelivered message finds its OrderPlaced id stored and the
        // store reports a duplicate whatever the expected revision.
        await store.append(orderStreamId(orderId), placeOrderEvents(orderId, { ...data, number }, meta), { expectedRevision: 'no_stream', ...RELAXED });
        w.outcome = { kind: 'order', orderId };
      } catch (error) {
        if (!(error instanceof WrongExpectedVersion)) throw error;
        // The stream exists without this OrderPlaced: let the command handler decide (and say why).
        try {
          await runOrderCommand(store, orderId, { type: 'PlaceOrder', data: { ...data, number }, metadata: { now: new Date(meta.occurredAt), actor: meta.actor } }, meta, eventId('OrderPlaced', orderId));
          w.outcome = { kind: 'order', orderId };
        } catch (e) {
          if (!isDomainError(e)) throw e;
          w.outcome = { kind: 'ignored', reason: e.message };
        }
      }
    }),
  );
}

async function changeStatus(store: EventStore, ledger: NumberLedger, w: Work): Promise<Outcome> {
  if (w.cancel) return selfCancel(store, ledger, w, w.cancel);
  if (w.edit) return selfEdit(store, ledger, w, w.edit);
  if (w.repeat) return offerRepeat(store, w, w.repeat);
  if (w.confirm) {
    const confirmed = await confirmReview(store, w);
    if (!w.yes || confirmed.kind !== 'ignored') return confirmed;
  }
  if (w.yes) return acceptRepeat(store, ledger, w);
  const { m } = w;
  const r = w.result!;
  const meta = messageMetadata(w.event, m);
  const digits = r.orderRef?.match(/\d+/)?.[0];
  if (!digits || !r.status) return { kind: 'ignored', reason: 'status message without an order number' };
  try {
    const orderId = await ledger.orderByNumber(store, Number(digits));
    if (!orderId) return { kind: 'ignored', reason: `no order #${digits} in this business` };
    const data = parseCommandData(orderCommandSchemas.ChangeStatus, { orderId, businessId: m.businessId, to: r.status, source: 'whatsapp', messageId: m.messageId }, 'status change');
    await runOrderCommand(store, orderId, { type: 'ChangeStatus', data, metadata: { now: new Date(meta.occurredAt), actor: meta.actor } }, meta, eventId('StatusChanged', `${m.businessId}:${m.messageId}`));
    return { kind: 'status', orderId };
  } catch (error) {
    // Illegal transitions, unknown orders, invalid data: the merchant sees why in the message log.
    if (isDomainError(error)) return { kind: 'ignored', reason: error.message };
    throw error;
  }
}

/** How far back in the chat a "cancel my order" without a number looks for the sender's order. */
const SELF_CANCEL_SCAN = { events: 500, orders: 20 } as const;

async function selfCancel(store: EventStore, ledger: NumberLedger, w: Work, c: NonNullable<Work['cancel']>): Promise<Outcome> {
  const { m } = w;
  const meta = messageMetadata(w.event, m);
  const id = eventId('StatusChanged', `${m.businessId}:${m.messageId}`);
  const refuse = (kind: Refusal['kind'], reason: string, number: number | null, status: Refusal['status'] = null): Outcome => ({
    kind: 'ignored',
    reason,
    refusal: { kind, number, status, language: c.language },
  });
  let target: { orderId: string; number: number | null } | undefined;
  if (c.number !== null) {
    const orderId = await ledger.orderByNumber(store, c.number);
    if (!orderId) return refuse('cancel_unknown_order', `no order #${c.number} in this business`, c.number);
    target = { orderId, number: c.number };
  } else {
    target = await latestOpenOrder(store, w, id);
    if (!target) return refuse('cancel_no_open_order', 'no pending or confirmed order of this customer in this chat to cancel', null);
  }
  try {
    const data = parseCommandData(
      orderCommandSchemas.ChangeStatus,
      {
        orderId: target.orderId, businessId: m.businessId, to: 'cancelled', reason: 'cancelled by the customer', source: 'whatsapp', messageId: m.messageId,
        by: customerOf(w),
      },
      'cancellation',
    );
    await runOrderCommand(store, target.orderId, { type: 'ChangeStatus', data, metadata: { now: new Date(meta.occurredAt), actor: meta.actor } }, meta, id);
    return { kind: 'status', orderId: target.orderId };
  } catch (error) {
    if (error instanceof SelfEditWindowPassed) return requestChange(store, w, target.orderId, 'cancel', error.message);
    if (error instanceof Forbidden) return refuse('cancel_not_yours', error.message, target.number);
    if (error instanceof IllegalStatusTransition) return refuse('cancel_not_open', error.message, target.number, error.from as Refusal['status']);
    if (isDomainError(error)) return { kind: 'ignored', reason: error.message };
    throw error;
  }
}

/**
 * A customer's "yes" to the bot's question about their order waiting for review (ask mode): their
 * latest such order in this chat is accepted as it is, with the customer as actor. A yes with no
 * question pending is just a message that is not an order.
 */
async function confirmReview(store: EventStore, w: Work): Promise<Outcome> {
  const { m } = w;
  const meta = messageMetadata(w.event, m);
  const id = eventId('StatusChanged', `${m.businessId}:${m.messageId}`);
  const target = await latestOrderOf(store, w, (state, stream) => stream.some((e) => e.id === id) || (state.status === 'needs_review' && state.review?.ask === true));
  if (!target) return { kind: 'ignored', reason: `not an order or a status update (confidence ${w.result?.confidence ?? 0})` };
  try {
    const data = parseCommandData(
      orderCommandSchemas.AcceptReview,
      { orderId: target.orderId, businessId: m.businessId, to: 'pending', source: 'whatsapp', messageId: m.messageId, by: { kind: 'customer', senderId: m.sender.id.slice(0, 200), phone: m.sender.phone } },
      'confirmation',
    );
    await runOrderCommand(store, target.orderId, { type: 'AcceptReview', data, metadata: { now: new Date(meta.occurredAt), actor: meta.actor } }, meta, id);
    return { kind: 'status', orderId: target.orderId };
  } catch (error) {
    if (isDomainError(error)) return { kind: 'ignored', reason: error.message };
    throw error;
  }
}

/**
 * The sender's latest order placed from this chat before this message that is still pending or
 * confirmed (or the one this very message already cancelled, on a redelivery). Orders derive their
 * id from their message, so the chat stream itself says which messages became whose orders; reading
 * it backwards is bounded (SELF_CANCEL_SCAN) and never waits for a projection.
 */
async function latestOpenOrder(store: EventStore, w: Work, cancelEventId: string): Promise<{ orderId: string; number: number } | undefined> {
  const found = await latestOrderOf(store, w, (state, stream) => stream.some((e) => e.id === cancelEventId) || CUSTOMER_CANCELLABLE.includes(state.status));
  return found && { orderId: found.orderId, number: found.state.number };
}

type PlacedOrder = Extract<ReturnType<typeof initialOrderState> | ReturnType<typeof evolveOrder>, { kind: 'placed' }>;

/**
 * The sender's latest order placed from this chat before this message that `accept` takes.
 * Orders derive their id from their message, so the chat stream itself says which messages became
 * whose orders; reading it backwards is bounded (SELF_CANCEL_SCAN) and never waits for a projection.
 */
async function latestOrderOf(store: EventStore, w: Work, accept: (state: PlacedOrder, stream: RecordedEvent[]) => boolean): Promise<{ orderId: string; state: PlacedOrder } | undefined> {
  if (w.event.revision === 0n) return undefined;
  const { m } = w;
  const recent = await store.readStream(w.event.streamId, { direction: 'backwards', fromRevision: w.event.revision - 1n, maxCount: SELF_CANCEL_SCAN.events });
  let looked = 0;
  for (const r of recent) {
    if (r.type !== 'MessageReceived') continue;
    const v = validateEvent(r.type, r.data, r.metadata.schemaVersion);
    if (!v.ok || v.event.type !== 'MessageReceived') continue;
    if (!sameSender(v.event.data.sender, m.sender)) continue;
    if (++looked > SELF_CANCEL_SCAN.orders) break;
    const orderId = orderIdForMessage(m.businessId, v.event.data.messageId);
    const stream = await store.readStream(orderStreamId(orderId));
    if (stream.length === 0) continue;
    const state = fold<ReturnType<typeof initialOrderState>, OrderEvent>(stream, orderStreamId(orderId), initialOrderState(), evolveOrder);
    if (state.kind !== 'placed') continue;
    if (accept(state, stream)) return { orderId, state };
  }
  return undefined;
}

const sameSender = (a: Message['sender'], b: Message['sender']): boolean => a.id === b.id || (b.phone !== null && a.phone === b.phone);

/** Who asks, as order commands check it: the sender, and the business's self-edit window. */
function customerOf(w: Work) {
  return { kind: 'customer' as const, senderId: w.m.sender.id.slice(0, 200), phone: w.m.sender.phone, windowMinutes: w.business!.settings.selfEditWindowMinutes };
}

/** `add 2 bread to #1001`: the order number typed with `#`, and the text without it. */
function orderNumberIn(text: string): { number: number | null; text: string } {
  const m = /(?:^|\s)(?:(?:to|on|for|in|from|en|del|al|a|de|no|na|do|ao)\s+)?(?:(?:my|the|mi|el|meu|o)\s+)?(?:(?:order|pedido|orden|encomenda)\s+)?#\s?(\d{1,9})(?=\s|[.,!]|$)/iu.exec(text);
  if (!m?.[1]) return { number: null, text };
  return { number: Number(m[1]), text: (text.slice(0, m.index) + text.slice(m.index + m[0].length)).trim() };
}

/** Past the business's window: recorded on the order for the merchant, the order as it was. */
async function requestChange(store: EventStore, w: Work, orderId: string, request: 'add' | 'replace' | 'remove' | 'cancel', why: string): Promise<Outcome> {
  const { m } = w;
  const meta = messageMetadata(w.event, m);
  const data = parseCommandData(
    orderCommandSchemas.RequestOrderChange,
    { orderId, businessId: m.businessId, messageId: m.messageId, request, text: m.text.slice(0, 1000), by: customerOf(w) },
    'change request',
  );
  try {
    await runOrderCommand(store, orderId, { type: 'RequestOrderChange', data, metadata: { now: new Date(meta.occurredAt), actor: meta.actor } }, meta, eventId('OrderChangeRequested', `${m.businessId}:${m.messageId}`));
  } catch (error) {
    if (isDomainError(error)) return { kind: 'ignored', reason: error.message };
    throw error;
  }
  return { kind: 'ignored', reason: `${why} (change requested)`, orderId };
}

/** A customer's own change of their open order: the new items and total, with the customer as actor. */
async function selfEdit(store: EventStore, ledger: NumberLedger, w: Work, e: NonNullable<Work['edit']>): Promise<Outcome> {
  const { m } = w;
  const business = w.business!;
  const meta = messageMetadata(w.event, m);
  const id = eventId('OrderUpdated', `${m.businessId}:${m.messageId}`);
  const language = e.request.language;
  const refuse = (kind: Refusal['kind'], reason: string, number: number | null, extra: Partial<Refusal> = {}): Outcome => ({
    kind: 'ignored',
    reason,
    refusal: { kind, number, status: null, language, ...extra },
  });
  let target: { orderId: string; state: PlacedOrder } | undefined;
  if (e.number !== null) {
    const orderId = await ledger.orderByNumber(store, e.number);
    const stream = orderId ? await store.readStream(orderStreamId(orderId)) : [];
    const state = orderId ? fold<ReturnType<typeof initialOrderState>, OrderEvent>(stream, orderStreamId(orderId), initialOrderState(), evolveOrder) : initialOrderState();
    if (!orderId || state.kind !== 'placed') return refuse('cancel_unknown_order', `no order #${e.number} in this business`, e.number);
    target = { orderId, state };
  } else {
    target = await latestOrderOf(store, w, (state, stream) => stream.some((x) => x.id === id) || CUSTOMER_CANCELLABLE.includes(state.status));
    if (!target) {
      // Nothing of theirs to change, but the message reads as an order ("add 2 bread"): a new order.
      if (w.result?.intent === 'order' && w.result.items.length > 0) {
        const refused = orderPlacement(w);
        if (refused) return refused;
        await placeOrders(store, ledger, [w]);
        return w.outcome ?? { kind: 'order', orderId: w.place!.orderId };
      }
      return refuse('edit_no_open_order', 'no pending or confirmed order of this customer in this chat to change', null);
    }
  }
  const { orderId, state } = target;
  let applied = applySelfEdit(state.items, e.request, business.catalog);
  const request = e.request;
  if (!applied.ok && request.kind === 'add') {
    // The parser knows the catalog's aliases and spellings better than a plain name match.
    const found = w.result?.items.find((i) => i.sku !== null && i.unitPrice !== null);
    if (found) {
      const at = state.items.findIndex((i) => i.sku === found.sku);
      const items = at >= 0
        ? state.items.map((i, k) => (k === at ? { ...i, quantity: i.quantity + request.quantity } : i))
        : [...state.items, { name: found.name, sku: found.sku, quantity: request.quantity, unitPrice: found.unitPrice }];
      applied = { ok: true, removedAll: false, items };
    }
  }
  if (!applied.ok) return refuse('edit_unknown_item', `"${applied.item}" is not on order #${state.number} or in the catalog`, state.number, { item: applied.item.slice(0, 80) });
  if (applied.removedAll) {
    // Taking out the last item is cancelling the order.
    return selfCancel(store, ledger, w, { number: state.number, language });
  }
  try {
    const data = parseCommandData(
      orderCommandSchemas.UpdateOrder,
      { orderId, businessId: m.businessId, items: applied.items, totalAmount: itemsTotal(applied.items), reason: 'customer', by: customerOf(w) },
      'order change',
    );
    await runOrderCommand(store, orderId, { type: 'UpdateOrder', data, metadata: { now: new Date(meta.occurredAt), actor: meta.actor } }, meta, id);
    return { kind: 'order', orderId };
  } catch (error) {
    if (error instanceof SelfEditWindowPassed) return requestChange(store, w, orderId, e.request.kind, error.message);
    if (error instanceof Forbidden) return refuse('edit_not_yours', error.message, state.number);
    if (error instanceof IllegalState) return refuse('edit_not_open', error.message, state.number, { status: state.status });
    if (isDomainError(error)) return { kind: 'ignored', reason: error.message };
    throw error;
  }
}

/** "Same as last time": the customer's last delivered order from this chat, offered back before anything is placed. */
async function offerRepeat(store: EventStore, w: Work, r: NonNullable<Work['repeat']>): Promise<Outcome> {
  const { m } = w;
  const business = w.business!;
  const last = await latestOrderOf(store, w, (state) => state.status === 'delivered');
  if (!last) return { kind: 'ignored', reason: 'no delivered order of this customer in this chat to repeat', refusal: { kind: 'repeat_none', number: null, status: null, language: r.language } };
  // Today's catalog prices for what is still sold; the rest as it was.
  const items = last.state.items.map((i) => {
    const p = i.sku === null ? undefined : business.catalog.find((c) => c.sku === i.sku);
    return p ? { ...i, name: p.name, unitPrice: p.price } : i;
  });
  const data = {
    messageId: m.messageId, businessId: m.businessId, groupId: m.groupId, senderId: m.sender.id.slice(0, 200),
    fromOrderId: last.orderId, fromNumber: last.state.number,
    customer: { name: last.state.customer.name?.slice(0, 200) ?? null, phone: last.state.customer.phone, address: last.state.customer.address?.slice(0, 500) ?? null },
    items, totalAmount: itemsTotal(items), currency: last.state.currency ?? business.profile.currency, language: r.language, offeredAt: w.event.metadata.occurredAt,
  };
  const v = validateEvent('RepeatOrderOffered', data);
  if (!v.ok) return { kind: 'ignored', reason: `the last order cannot be offered again: ${v.error}` };
  await store.append(w.event.streamId, [newEvent('RepeatOrderOffered', `${m.businessId}:${m.messageId}`, v.event.data as NoviEventData<'RepeatOrderOffered'>, messageMetadata(w.event, m))], { expectedRevision: 'any', ...RELAXED });
  return { kind: 'ignored', reason: `offered to repeat #${last.state.number}; placed when the customer answers YES` };
}

/**
 * A YES from the customer a repeat was offered to, within the business's self-edit window of the
 * offer and before any other YES took it: the offered order is placed as it was shown.
 */
async function acceptRepeat(store: EventStore, ledger: NumberLedger, w: Work): Promise<Outcome> {
  const { m } = w;
  const business = w.business!;
  const silent: Outcome = { kind: 'ignored', reason: 'not an order or a status update (a yes with nothing to confirm)' };
  if (w.event.revision === 0n) return silent;
  const recent = await store.readStream(w.event.streamId, { direction: 'backwards', fromRevision: w.event.revision - 1n, maxCount: SELF_CANCEL_SCAN.events });
  let offer: NoviEventData<'RepeatOrderOffered'> | undefined;
  for (const r of recent) {
    const v = validateEvent(r.type, r.data, r.metadata.schemaVersion);
    if (!v.ok) continue;
    if (v.event.type === 'MessageReceived' && sameSender(v.event.data.sender, m.sender) && matchYes(v.event.data.text)) {
      // An earlier YES of this customer already placed the offer.
      const placed = await store.readStream(orderStreamId(orderIdForMessage(m.businessId, v.event.data.messageId)), { maxCount: 1 });
      if (placed.length > 0) return silent;
    }
    if (v.event.type === 'RepeatOrderOffered' && (v.event.data.senderId === m.sender.id.slice(0, 200))) {
      offer = v.event.data;
      break;
    }
  }
  if (!offer) return silent;
  const now = new Date(w.event.metadata.occurredAt);
  if (now.getTime() - Date.parse(offer.offeredAt) > business.settings.selfEditWindowMinutes * 60_000) {
    return { kind: 'ignored', reason: `the repeat offer of #${offer.fromNumber} is older than ${business.settings.selfEditWindowMinutes} minutes` };
  }
  const orderId = orderIdForMessage(m.businessId, m.messageId);
  const meta = messageMetadata(w.event, m);
  try {
    const data = parseCommandData(
      orderCommandSchemas.PlaceOrder,
      {
        orderId, businessId: m.businessId, groupId: m.groupId, number: FIRST_ORDER_NUMBER,
        customer: offer.customer, items: offer.items, totalAmount: offer.totalAmount, currency: offer.currency, deliveryNotes: null, missing: [], parserVersion: null,
        source: { messageId: m.messageId, text: m.text, sender: { id: m.sender.id.slice(0, 200), name: m.sender.name, phone: m.sender.phone }, receivedAt: m.timestamp },
      },
      'order',
    );
    placeOrderEvents(orderId, data, meta);
    w.place = { orderId, data, meta };
  } catch (error) {
    if (isDomainError(error)) return { kind: 'ignored', reason: error.message };
    throw error;
  }
  await placeOrders(store, ledger, [w]);
  return w.outcome ?? { kind: 'order', orderId };
}

async function runOrderCommand(store: EventStore, orderId: string, command: OrderCommand, meta: Omit<EventMetadata, 'schemaVersion'>, id: string) {
  await handleCommand<OrderCommand, ReturnType<typeof initialOrderState>, OrderEvent>({
    store,
    streamId: orderStreamId(orderId),
    evolve: evolveOrder,
    initialState: initialOrderState,
    decide: decideOrder,
    command,
    metadata: meta,
    eventIds: [id],
    ...RELAXED,
  });
}

// ── edited and deleted order messages ───────────────────────────────────────────────────
export const MESSAGE_CHANGE_TYPES = ['MessageEdited', 'MessageRevoked'] as const;
export type MessageChange = NoviEventOf<'MessageEdited'> | NoviEventOf<'MessageRevoked'>;

/**
 * A customer who edits the message of a still-pending order changes the order (the new text is
 * parsed like a new message; an edit that no longer reads as an order leaves it as it was), and
 * deleting the message for everyone cancels the order, with the customer as actor. An order the
 * merchant has taken further (confirmed and beyond) keeps what was agreed, and edits of messages
 * that placed no order change nothing: they stay on the chat stream for the record.
 */
export async function processMessageChanges(store: EventStore, changes: ReadonlyArray<{ event: RecordedEvent; change: MessageChange }>, parse: ParseFn): Promise<Outcome[]> {
  const lookups = new Lookups(store);
  const out: Outcome[] = [];
  for (const { event, change } of changes) {
    const d = change.data;
    const orderId = orderIdForMessage(d.businessId, d.messageId);
    const streamId = orderStreamId(orderId);
    const order = fold<ReturnType<typeof initialOrderState>, OrderEvent>(await store.readStream(streamId), streamId, initialOrderState(), evolveOrder);
    if (order.kind !== 'placed' || order.businessId !== d.businessId || order.status !== 'pending') {
      out.push({ kind: 'ignored', reason: 'the message is not a pending order' });
      continue;
    }
    const meta: Omit<EventMetadata, 'schemaVersion'> = {
      tenantId: d.businessId,
      actor: d.senderId,
      correlationId: uuidFromName(NS.event, `correlation:${d.businessId}:${d.messageId}`),
      causationId: event.id,
      occurredAt: event.metadata.occurredAt,
    };
    const metadata = { now: new Date(meta.occurredAt), actor: d.senderId };
    try {
      if (change.type === 'MessageRevoked') {
        const data = parseCommandData(
          orderCommandSchemas.ChangeStatus,
          { orderId, businessId: d.businessId, to: 'cancelled', reason: 'the customer deleted the order message', source: 'whatsapp', messageId: d.messageId },
          'status change',
        );
        await runOrderCommand(store, orderId, { type: 'ChangeStatus', data, metadata }, meta, eventId('StatusChanged', `${d.businessId}:${d.messageId}:revoked`));
        out.push({ kind: 'status', orderId });
        continue;
      }
      const business = await lookups.business(d.businessId);
      if (business.kind !== 'registered') {
        out.push({ kind: 'ignored', reason: 'business not found' });
        continue;
      }
      const p = business.profile;
      const [r] = await parse([
        {
          id: 0,
          text: change.data.text,
          sender: { name: order.customer.name, phone: order.customer.phone },
          business: { country: p.country, currency: p.currency, catalog: parserCatalog(business.catalog, business.learnedAliases) },
        },
      ]);
      if (!r || r.intent !== 'order' || r.items.length === 0) {
        out.push({ kind: 'ignored', reason: 'the edited message has no items; the order is kept' });
        continue;
      }
      const customer = {
        ...(r.customer.name ? { name: r.customer.name } : {}),
        ...(phoneOrNull(r.customer.phone) ? { phone: phoneOrNull(r.customer.phone) } : {}),
        ...(r.address ? { address: r.address } : {}),
      };
      const items = r.items.map((i) => ({ name: i.name, sku: i.sku, quantity: i.quantity, unitPrice: i.unitPrice }));
      const data = parseCommandData(
        orderCommandSchemas.UpdateOrder,
        // Without a stated total, decide recomputes it from the items and the order's delivery fee and discount.
        {
          orderId, businessId: d.businessId, items, customer, ...(r.total !== null ? { totalAmount: r.total } : {}), ...(r.notes ? { deliveryNotes: r.notes } : {}), reason: 'edit',
          ...(r.itemTexts && r.itemTexts.length === items.length ? { itemTexts: r.itemTexts.map((x) => x.slice(0, 200)) } : {}),
        },
        'order update',
      );
      await runOrderCommand(store, orderId, { type: 'UpdateOrder', data, metadata }, meta, eventId('OrderUpdated', `${d.businessId}:${d.messageId}:${event.id}`));
      out.push({ kind: 'order', orderId });
    } catch (error) {
      if (!isDomainError(error)) throw error;
      out.push({ kind: 'ignored', reason: error.message });
    }
  }
  return out;
}

// ── the live reactor ────────────────────────────────────────────────────────────────────
export interface IntakeOptions {
  batchSize?: number;
  pollMs?: number;
  standbyMs?: number;
  concurrency?: number;
  /** Worker threads of the parser pool; 0 parses on the main thread. */
  parserThreads?: number;
}

export type IntakeItem = { event: RecordedEvent; m: Message; change?: undefined } | { event: RecordedEvent; change: MessageChange; m?: undefined };

/**
 * The intake on the shared subscription runner: MessageReceived in batches, checkpoint moved in a
 * separate durable commit after the batch's relaxed appends (which it also flushes; a crash before
 * it leaves the checkpoint behind whatever it could have lost). Every effect is idempotent, so a
 * batch that fails is re-run one message at a time and only the message that fails is parked;
 * messages do not wait behind one another (each has its own effects), so `ordering: 'none'`.
 */
export function intakeSubscriber(store: EventStore, parse: ParseFn, options: { batchSize?: number; concurrency?: number } = {}): Subscriber<IntakeItem> {
  // Numbering state starts afresh with each leadership and after a failed batch (what the ledgers
  // learnt from its appends may have been lost with them).
  const ledgers = new NumberLedgers();
  return {
    name: INTAKE_CHECKPOINT,
    eventTypes: ['MessageReceived', ...MESSAGE_CHANGE_TYPES],
    ordering: 'none',
    mode: 'after',
    batchSize: options.batchSize ?? 200,
    prepare: (r) => {
      const v = validateEvent(r.type, r.data, r.metadata?.schemaVersion);
      if (!v.ok) return { ok: false, error: `${r.type} at ${r.streamId}@${r.revision} (position ${r.position}) fails its schema: ${v.error}` };
      if (v.event.type === 'MessageEdited' || v.event.type === 'MessageRevoked') return { ok: true, event: { event: r, change: v.event } };
      return { ok: true, event: { event: r, m: v.event.data as Message } };
    },
    handle: async (items) => {
      const messages: Array<{ event: RecordedEvent; m: Message }> = [];
      const changes: Array<{ event: RecordedEvent; change: MessageChange }> = [];
      for (const i of items) {
        if (i.change) changes.push({ event: i.event, change: i.change });
        else if (i.m) messages.push({ event: i.event, m: i.m });
      }
      if (messages.length > 0) await processMessages(store, messages, parse, { concurrency: options.concurrency, ledgers });
      // After the messages they change (an edit always follows its message).
      if (changes.length > 0) await processMessageChanges(store, changes, parse);
    },
    reset: () => ledgers.clear(),
  };
}

export async function startIntakeReactor(rt: Runtime, options: IntakeOptions = {}): Promise<() => Promise<void>> {
  const threads = options.parserThreads ?? 2;
  let pool: ParserPool | undefined;
  const parse: ParseFn = async (inputs) => {
    if (threads === 0 || inputs.length < 8) return inputs.map((i) => parseExplained(i));
    pool ??= createParserPool({ threads });
    return pool.parseBatchExplained(inputs);
  };
  const waker = new Waker(rt.database.url);
  await waker.start();
  const runner = new SubscriptionRunner(rt, intakeSubscriber(rt.store, parse, options), waker, { pollMs: options.pollMs, standbyMs: options.standbyMs });
  runner.start();
  rt.logger.child({ reactor: 'intake' }).info('intake reactor started');
  return async () => {
    await runner.stop();
    await waker.close();
    await pool?.close();
  };
}
