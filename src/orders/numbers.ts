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
