// `novi reparse --business <id> --since <ISO date>`: replays a business's messages through the
// current parser and records corrections as new events (OrderParsed with the new parser version;
// OrderUpdated with reason 'reparse' for open orders whose items, customer or total changed).
// Events are never rewritten; running it twice records nothing new (deterministic event ids).
// It never overrides the merchant: an order edited by hand (OrderUpdated reason 'edit') is left as it
// is and reported. It never places or withdraws an order either: messages the newer parser would
// read as an order, or no longer as one, are reported. Its events carry the actor REPARSE_ACTOR, so
// the notifier sends nothing for them.
import { parseArgs } from 'node:util';
import type { Runtime } from '../runtime.ts';
import type { EventStore, RecordedEvent } from '../eventstore/types.ts';
import { isoTimestamp, uuid, validateEvent } from '../events/catalog.ts';
import { ERASED } from '../customers/redaction.ts';
import { decideOrder, orderCommandSchemas, type OrderCommand } from '../orders/commands.ts';
import { evolveOrder, initialOrderState, orderStreamId, type OrderEvent, type OrderState } from '../orders/order.ts';
import { isFinalStatus } from '../orders/status.ts';
import { handleCommand, parseCommandData } from '../shared/command-handler.ts';
import { sameData } from '../shared/equal.ts';
import { eventId, NS, orderIdForMessage, uuidFromName } from '../shared/ids.ts';
import { REPARSE_ACTOR } from '../shared/actors.ts';
import { PARSER_VERSION as CURRENT_PARSER_VERSION, parseMessage } from '../parser/index.ts';
import { createParserPool } from '../parser/pool.ts';
import { Lookups, orderDraft, orderParsedEvent, parserInput, type Message, type ParseFn } from '../reactors/intake.ts';

export interface ReparseSummary {
  parserVersion: string;
  scanned: number;
  alreadyCurrent: number;
  reparsed: number;
  ordersUpdated: number;
  ordersUnchanged: number;
  ordersClosed: number;
  /** Orders the newer parser reads differently but the merchant corrected by hand: left alone. */
  editedByHand: Array<{ orderId: string; number: number; messageId: string }>;
  /** Placed orders whose message the newer parser no longer reads as an order (items): left placed. */
  noLongerOrders: Array<{ messageId: string; orderId: string; number: number; status: string }>;
  /** Messages that placed no order but that the newer parser reads as one: no order is placed. */
  wouldNowBeOrders: Array<{ messageId: string; receivedAt: string }>;
}

async function readAllOfType(store: EventStore, type: string, keep: (e: RecordedEvent) => boolean): Promise<RecordedEvent[]> {
  const out: RecordedEvent[] = [];
  let from = 0n;
  for (;;) {
    const page = await store.readAll({ fromPosition: from, maxCount: 5000, filter: { eventTypes: [type] } });
    if (page.length === 0) return out;
    for (const e of page) if (keep(e)) out.push(e);
    from = page[page.length - 1]!.position;
  }
}

export interface ReparseOptions {
  businessId: string;
  since: Date;
  /** The parser to replay messages through (default: this build's parser, on the main thread). */
  parse?: ParseFn;
  /**
   * The version `parse` is (default PARSER_VERSION). Messages whose latest OrderParsed has this
   * version are skipped; the corrections' event ids derive from it. Tests pass a stand-in "newer
   * parser" through `parse` + `parserVersion`.
   */
  parserVersion?: string;
  now?: Date;
}

export async function reparseBusiness(store: EventStore, opts: ReparseOptions): Promise<ReparseSummary> {
  const parse: ParseFn = opts.parse ?? (async (inputs) => inputs.map((i) => parseMessage(i)));
  const PARSER_VERSION = opts.parserVersion ?? CURRENT_PARSER_VERSION;
  const summary: ReparseSummary = { parserVersion: PARSER_VERSION, scanned: 0, alreadyCurrent: 0, reparsed: 0, ordersUpdated: 0, ordersUnchanged: 0, ordersClosed: 0,
    editedByHand: [], noLongerOrders: [], wouldNowBeOrders: [] };
  const ofBusiness = (e: RecordedEvent) => (e.data as { businessId?: string }).businessId === opts.businessId;
  const messages = (await readAllOfType(store, 'MessageReceived', ofBusiness)).filter((e) => Date.parse((e.data as Message).timestamp) >= opts.since.getTime());
  const latestVersion = new Map<string, string>();
  for (const e of await readAllOfType(store, 'OrderParsed', ofBusiness)) {
    const d = e.data as { messageId: string; parserVersion: string };
    latestVersion.set(d.messageId, d.parserVersion);
  }
  const lookups = new Lookups(store);
  const business = await lookups.business(opts.businessId);
  if (business.kind !== 'registered') throw new Error(`business ${opts.businessId} not found`);
  const now = opts.now ?? new Date();

  const todo: Array<{ event: RecordedEvent; m: Message }> = [];
  for (const e of messages) {
    const v = validateEvent(e.type, e.data, e.metadata.schemaVersion);
    if (!v.ok) throw new Error(`MessageReceived at position ${e.position} fails its schema: ${v.error}`);
    const m = v.event.data as Message;
    summary.scanned++;
    if (m.kind === 'order' && m.nativeOrder) continue; // a catalog cart was never parsed
    if (m.text === ERASED) continue; // an erased customer's message: its text is gone, its order stays as it was
    // Only messages the intake parsed (from linked groups) are re-parsed.
    const version = latestVersion.get(m.messageId);
    if (version === undefined) continue;
    if (version === PARSER_VERSION) {
      summary.alreadyCurrent++;
      continue;
    }
    todo.push({ event: e, m });
  }
  const results = await parse(todo.map((w, i) => parserInput(w.m, business, i)));
  for (const [i, w] of todo.entries()) {
    const r = results[i];
    if (!r) continue;
    const meta = {
      tenantId: opts.businessId,
      actor: REPARSE_ACTOR,
      correlationId: uuidFromName(NS.event, `reparse:${opts.businessId}:${PARSER_VERSION}`),
      causationId: w.event.id,
      occurredAt: now.toISOString(),
    };
    const parsed = orderParsedEvent(w.event, w.m, r, PARSER_VERSION);
    if ('invalid' in parsed) continue;
    await store.append(w.event.streamId, [{ ...parsed, metadata: { ...parsed.metadata, ...meta } }], { expectedRevision: 'any' });
    summary.reparsed++;

    const orderId = orderIdForMessage(w.m.businessId, w.m.messageId);
    let state: OrderState = initialOrderState();
    let editedByHand = false;
    for (const e of await store.readStream(orderStreamId(orderId))) {
      const v = validateEvent(e.type, e.data, e.metadata.schemaVersion);
      if (!v.ok) continue;
      state = evolveOrder(state, v.event as OrderEvent);
      if (v.event.type === 'OrderUpdated' && v.event.data.reason !== 'reparse') editedByHand = true;
    }
    const isOrder = r.intent === 'order' && r.items.length > 0;
    if (state.kind !== 'placed') {
      if (isOrder) summary.wouldNowBeOrders.push({ messageId: w.m.messageId, receivedAt: w.m.timestamp });
      continue;
    }
    if (!isOrder) {
      summary.noLongerOrders.push({ messageId: w.m.messageId, orderId, number: state.number, status: state.status });
      continue;
    }
    if (isFinalStatus(state.status)) {
      summary.ordersClosed++;
      continue;
    }
    const draft = orderDraft(w.m, r, business);
    const changed =
      !sameData(draft.items, state.items) || draft.totalAmount !== state.totalAmount ||
      draft.customer.name !== state.customer.name || draft.customer.phone !== state.customer.phone || draft.customer.address !== state.customer.address;
    if (!changed) {
      summary.ordersUnchanged++;
      continue;
    }
    if (editedByHand) {
      summary.editedByHand.push({ orderId, number: state.number, messageId: w.m.messageId });
      continue;
    }
    const data = parseCommandData(orderCommandSchemas.UpdateOrder, {
      orderId, businessId: opts.businessId, items: draft.items, customer: draft.customer, totalAmount: draft.totalAmount, reason: 'reparse',
    }, 'reparse update');
    const result = await handleCommand<OrderCommand, OrderState, OrderEvent>({
      store, streamId: orderStreamId(orderId), evolve: evolveOrder, initialState: initialOrderState, decide: decideOrder,
      command: { type: 'UpdateOrder', data, metadata: { now, actor: REPARSE_ACTOR } }, metadata: meta,
      eventIds: [eventId('OrderUpdated', `reparse:${orderId}:${PARSER_VERSION}`)],
    });
    if (result.written) summary.ordersUpdated++;
    else summary.ordersUnchanged++;
  }
  return summary;
}

export async function runReparse(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { business: { type: 'string' }, since: { type: 'string' }, threads: { type: 'string' } } });
  const businessId = uuid.safeParse(values.business);
  const since = z_since(values.since);
  if (!businessId.success || !since) {
    process.stderr.write('usage: novi reparse --business <uuid> --since <ISO date, e.g. 2025-01-01 or 2025-01-01T00:00:00Z>\n');
    return 2;
  }
  const { createRuntime } = await import('../runtime.ts');
  const rt: Runtime = await createRuntime();
  const pool = createParserPool({ threads: Number(values.threads ?? 2) || 2 });
  try {
    const s = await reparseBusiness(rt.store, { businessId: businessId.data, since, parse: (inputs) => pool.parseBatch(inputs) });
    process.stdout.write(
      `parser ${s.parserVersion}: ${s.scanned} messages scanned, ${s.alreadyCurrent} already parsed by this version, ${s.reparsed} re-parsed;\n` +
        `orders: ${s.ordersUpdated} corrected (OrderUpdated reason 'reparse'), ${s.ordersUnchanged} unchanged, ${s.ordersClosed} closed (left as they are)\n` +
        `no WhatsApp message is sent for anything a reparse records\n`,
    );
    const list = <T,>(title: string, rows: T[], line: (r: T) => string) => {
      if (rows.length === 0) return;
      process.stdout.write(`${title} (${rows.length}):\n`);
      for (const r of rows.slice(0, 100)) process.stdout.write(`  ${line(r)}\n`);
      if (rows.length > 100) process.stdout.write(`  … and ${rows.length - 100} more\n`);
    };
    list('edited by hand, left as the merchant set them', s.editedByHand, (o) => `#${o.number} order ${o.orderId} (message ${o.messageId})`);
    list('placed orders the new parser would not make (left placed)', s.noLongerOrders, (o) => `#${o.number} ${o.status} order ${o.orderId} (message ${o.messageId})`);
    list('messages the new parser would make an order (none placed)', s.wouldNowBeOrders, (m) => `message ${m.messageId} of ${m.receivedAt}`);
    return 0;
  } finally {
    await pool.close();
    await rt.close();
    await rt.database.release();
  }
}

function z_since(value: string | undefined): Date | undefined {
  if (!value) return undefined;
  const full = /^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value;
  return isoTimestamp.safeParse(full).success ? new Date(full) : undefined;
}
