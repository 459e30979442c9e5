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
 * same number collide, and the loser re-reads and takes the next one. A number is never
 * reused, even if its order is cancelled. The whole stream is read on each attempt
 * because a retried placement must find its earlier reservation wherever it is.
 */
export async function reserveOrderNumber(store: EventStore, input: ReserveOrderNumberInput): Promise<ReservedNumber> {
  const streamId = orderNumbersStreamId(input.businessId);
  const id = eventId('OrderNumberReserved', `${input.businessId}:${input.orderId}`);
  const maxAttempts = input.maxAttempts ?? 50;

  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    const recorded = await store.readStream(streamId);
    for (const event of recorded) {
      const valid = validateEvent(event.type, event.data, event.metadata.schemaVersion);
      if (!valid.ok) throw new InvalidStoredEvent(streamId, event.position, event.type, valid.error);
      if (valid.event.type === 'OrderNumberReserved' && valid.event.data.orderId === input.orderId) {
        return { number: valid.event.data.number, reused: true };
      }
    }
    const last = recorded.at(-1);
    const nextRevision = last ? last.revision + 1n : 0n;
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
        { expectedRevision: last ? last.revision : 'no_stream' },
      );
      // Not written: a concurrent retry of this same placement stored it first; re-read to learn its number.
      if (result.written) return { number, reused: false };
    } catch (error) {
      if (!(error instanceof WrongExpectedVersion)) throw error;
    }
  }
  throw new Conflict(`Could not reserve an order number for business ${input.businessId} after ${maxAttempts} attempts`);
}
