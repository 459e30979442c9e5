// Short per-business order numbers (1001, 1002, …) that people type in WhatsApp.
import { InvalidStoredEvent, WrongExpectedVersion, type EventMetadata, type EventStore } from '../eventstore/types.ts';
import { EVENT_SCHEMA_VERSION, validateEvent } from '../events/catalog.ts';
import { Conflict } from '../shared/errors.ts';
import { eventId } from '../shared/ids.ts';

export const FIRST_ORDER_NUMBER = 1001;

export const orderNumbersStreamId = (businessId: string): string => `ordernumbers-${businessId}`;

export interface ReserveOrderNumberInput {
  businessId: string;
  orderId: string;
  metadata: Omit<EventMetadata, 'schemaVersion'>;
  /** Concurrent placements in one business each cost a retry; this bounds a pathological storm. */
  maxAttempts?: number;
}

export interface ReservedNumber {
  number: number;
  /** True when this order already held a number (a retried or redelivered placement). */
  reused: boolean;
}

/**
 * The n-th reservation in `ordernumbers-<businessId>` sits at revision n and gets number
 * 1001 + n; appending at an exact expected revision makes two placements racing for the
 * same number collide, and the loser takes the next one. A number is never reused, even if
 * its order is cancelled. The reservation's event id derives from the order id, so a retried
 * placement's append is reported as a duplicate by the store (whatever the expected
 * revision); only then is the stream scanned to learn the number it got the first time.
 * The common path therefore reads one event, not the whole stream.
 */
export async function reserveOrderNumber(store: EventStore, input: ReserveOrderNumberInput): Promise<ReservedNumber> {
  const streamId = orderNumbersStreamId(input.businessId);
  const id = eventId('OrderNumberReserved', `${input.businessId}:${input.orderId}`);
  const maxAttempts = input.maxAttempts ?? 50;

  const [last] = await store.readStream(streamId, { direction: 'backwards', maxCount: 1 });
  let current: bigint | 'no_stream' = last ? last.revision : 'no_stream';
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    const nextRevision = current === 'no_stream' ? 0n : current + 1n;
    const number = FIRST_ORDER_NUMBER + Number(nextRevision);
    try {
      const result = await store.append(
        streamId,
        [
          {
            id,
            type: 'OrderNumberReserved',
            data: { orderId: input.orderId, businessId: input.businessId, number },
            metadata: { ...input.metadata, schemaVersion: EVENT_SCHEMA_VERSION.OrderNumberReserved },
          },
        ],
        { expectedRevision: current },
      );
      if (result.written) return { number, reused: false };
      return { number: await findReservation(store, streamId, input.orderId), reused: true };
    } catch (error) {
      if (!(error instanceof WrongExpectedVersion)) throw error;
      current = error.actual;
    }
  }
  throw new Conflict(`Could not reserve an order number for business ${input.businessId} after ${maxAttempts} attempts`);
}

async function findReservation(store: EventStore, streamId: string, orderId: string): Promise<number> {
  for (const event of await store.readStream(streamId, { direction: 'backwards' })) {
    const valid = validateEvent(event.type, event.data, event.metadata.schemaVersion);
    if (!valid.ok) throw new InvalidStoredEvent(streamId, event.position, event.type, valid.error);
    if (valid.event.type === 'OrderNumberReserved' && valid.event.data.orderId === orderId) return valid.event.data.number;
  }
  throw new Conflict(`Order ${orderId} is reported as numbered but its reservation is not in ${streamId}`);
}

// ── several orders of one business in one append ────────────────────────────────────────

/**
 * What a writer knows of one business's `ordernumbers-` stream: every reservation up to
 * `revision`. Kept across calls by a long-lived writer (the intake reactor) so that numbering a
 * batch costs one append and no read; it catches up from `revision + 1` when an append finds the
 * stream moved (another writer), and reloads from scratch when the stream is shorter than it
 * thought (a crash took back relaxed reservations). A writer whose own work may have been lost
 * must drop it (`NumberLedgers.clear()`); the intake reactor does so whenever a batch fails.
 */
export class NumberLedger {
  revision: bigint | 'no_stream' = 'no_stream';
  readonly byOrder = new Map<string, number>();
  readonly byNumber = new Map<number, string>();
  private loaded = false;
  constructor(readonly businessId: string) {}

  get streamId(): string {
    return orderNumbersStreamId(this.businessId);
  }

  /** Reads what was appended after `revision` (everything the first time). */
  async catchUp(store: EventStore): Promise<void> {
    const from = this.loaded && this.revision !== 'no_stream' ? this.revision + 1n : 0n;
    const events = await store.readStream(this.streamId, { fromRevision: from });
    for (const event of events) {
      const valid = validateEvent(event.type, event.data, event.metadata.schemaVersion);
      if (!valid.ok) throw new InvalidStoredEvent(this.streamId, event.position, event.type, valid.error);
      if (valid.event.type === 'OrderNumberReserved') this.note(valid.event.data.orderId, valid.event.data.number);
      this.revision = event.revision;
    }
    this.loaded = true;
  }

  private reset(): void {
    this.revision = 'no_stream';
    this.byOrder.clear();
    this.byNumber.clear();
    this.loaded = false;
  }

  note(orderId: string, number: number): void {
    this.byOrder.set(orderId, number);
    this.byNumber.set(number, orderId);
  }

  async ensureLoaded(store: EventStore): Promise<void> {
    if (!this.loaded) await this.catchUp(store);
  }

  /** The order a number names, catching up once if this ledger does not know the number yet. */
  async orderByNumber(store: EventStore, number: number): Promise<string | undefined> {
    await this.ensureLoaded(store);
    if (!this.byNumber.has(number)) await this.catchUp(store);
    return this.byNumber.get(number);
  }

  /** After a conflict: the stream is at `actual`. */
  async resync(store: EventStore, actual: bigint | 'no_stream'): Promise<void> {
    const behind = this.revision === 'no_stream' ? -1n : this.revision;
    const real = actual === 'no_stream' ? -1n : actual;
    if (real < behind) this.reset();
    await this.catchUp(store);
  }
}

/** Ledgers by business, for a writer that numbers orders again and again. */
export class NumberLedgers {
  private readonly ledgers = new Map<string, NumberLedger>();
  get(businessId: string): NumberLedger {
    let l = this.ledgers.get(businessId);
    if (!l) {
      l = new NumberLedger(businessId);
      this.ledgers.set(businessId, l);
    }
    return l;
  }
  clear(): void {
    this.ledgers.clear();
  }
}

export interface ReserveOrderNumbersInput {
  businessId: string;
  /** In the order the numbers are to be given. */
  orders: ReadonlyArray<{ orderId: string; metadata: Omit<EventMetadata, 'schemaVersion'> }>;
  /** A ledger kept from earlier calls (must be this business's); a fresh one reads the whole stream. */
  ledger?: NumberLedger;
  durability?: 'durable' | 'relaxed';
  maxAttempts?: number;
}

/**
 * Numbers several orders of one business with one append: the same scheme as reserveOrderNumber
 * (the n-th reservation sits at revision n and gets 1001 + n, exact expected revision, event id
 * from the order id), for a batch. Exactly once: an order that already holds a number (a retry,
 * a redelivery, a batch cut differently after a restart) gets that number back and is not
 * appended again. The ledger knows every reservation up to its revision, so the orders it does
 * not know are truly new as long as the stream has not moved, and the exact expected revision
 * guarantees that: if it moved, the append conflicts (or is a pure duplicate), the ledger
 * catches up, and the split is made again. So an append never mixes stored and new ids (which
 * would store the new ones at revisions their numbers were not computed for).
 */
export async function reserveOrderNumbers(store: EventStore, input: ReserveOrderNumbersInput): Promise<ReservedNumber[]> {
  const ledger = input.ledger ?? new NumberLedger(input.businessId);
  if (ledger.businessId !== input.businessId) throw new Error('reserveOrderNumbers: ledger of another business');
  const maxAttempts = input.maxAttempts ?? 50;
  await ledger.ensureLoaded(store);
  const held = new Set<string>();
  for (const o of input.orders) if (ledger.byOrder.has(o.orderId)) held.add(o.orderId);
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    const fresh: typeof input.orders[number][] = [];
    const seen = new Set<string>();
    for (const o of input.orders) {
      if (ledger.byOrder.has(o.orderId) || seen.has(o.orderId)) continue;
      seen.add(o.orderId);
      fresh.push(o);
    }
    if (fresh.length === 0) {
      return input.orders.map((o) => ({ number: ledger.byOrder.get(o.orderId)!, reused: held.has(o.orderId) }));
    }
    const current = ledger.revision;
    const base = current === 'no_stream' ? 0n : current + 1n;
    const events = fresh.map((o, i) => ({
      id: eventId('OrderNumberReserved', `${input.businessId}:${o.orderId}`),
      type: 'OrderNumberReserved',
      data: { orderId: o.orderId, businessId: input.businessId, number: FIRST_ORDER_NUMBER + Number(base) + i },
      metadata: { ...o.metadata, schemaVersion: EVENT_SCHEMA_VERSION.OrderNumberReserved },
    }));
    try {
      const result = await store.append(ledger.streamId, events, { expectedRevision: current, durability: input.durability });
      if (result.written) {
        if (result.nextExpectedRevision !== base + BigInt(fresh.length) - 1n) {
          // Cannot happen while the ledger is right (see above); never hand out numbers that may be wrong.
          throw new Conflict(`Order numbers of business ${input.businessId}: the reservation stream is not where its ledger said`);
        }
        fresh.forEach((o, i) => ledger.note(o.orderId, FIRST_ORDER_NUMBER + Number(base) + i));
        ledger.revision = result.nextExpectedRevision;
        continue; // every order is in the ledger now
      }
      // Every id was stored already, under a revision the ledger has not seen: learn it.
      await ledger.resync(store, result.nextExpectedRevision < 0n ? 'no_stream' : result.nextExpectedRevision);
      for (const o of fresh) if (ledger.byOrder.has(o.orderId)) held.add(o.orderId);
    } catch (error) {
      if (!(error instanceof WrongExpectedVersion)) throw error;
      await ledger.resync(store, error.actual);
      for (const o of fresh) if (ledger.byOrder.has(o.orderId)) held.add(o.orderId);
    }
  }
  throw new Conflict(`Could not reserve order numbers for business ${input.businessId} after ${maxAttempts} attempts`);
}
