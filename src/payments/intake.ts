// The intake's payment-proof step: a message from a customer with an open order in this chat that
// reads as a payment note ("sent the money, ref …", an image captioned "comprovante") becomes a
// PaymentProofReceived on that order, before any order parsing, so it is never read as items or
// as a new order. A sender with no open order goes on through the intake as before.
import type { EventStore, RecordedEvent } from '../eventstore/types.ts';
import { validateEvent, type NoviEventData } from '../events/catalog.ts';
import { evolveOrder, initialOrderState, orderStreamId, type OrderEvent, type OrderState } from '../orders/order.ts';
import { isDomainError } from '../shared/errors.ts';
import { eventId, NS, orderIdForMessage, uuidFromName } from '../shared/ids.ts';
import { acceptsProof } from './commands.ts';
import { handlePaymentCommand } from './handle.ts';
import { matchPaymentProof } from './proof.ts';

type Message = NoviEventData<'MessageReceived'>;

/** How far back in the chat the sender's open order is looked for (as the self-cancel scan). */
const SCAN = { events: 500, orders: 20 } as const;

export const proofEventId = (businessId: string, messageId: string): string => eventId('PaymentProofReceived', `${businessId}:${messageId}`);

/** Attaches the message as a payment proof to the sender's open order; the order id, or null when it is not one. */
export async function attachPaymentProof(store: EventStore, event: RecordedEvent, m: Message): Promise<string | null> {
  if (m.kind === 'order') return null;
  const proof = matchPaymentProof(m.text);
  if (!proof) return null;
  const order = await openOrderOf(store, event, m);
  if (!order) return null;
  try {
    await handlePaymentCommand(store, {
      type: 'AttachPaymentProof',
      data: {
        orderId: order, businessId: m.businessId, groupId: m.groupId, messageId: m.messageId.slice(0, 300), text: m.text,
        reference: proof.reference, method: proof.method, hasMedia: m.kind === 'media', receivedAt: m.timestamp,
      },
      actor: m.sender.id,
      correlationId: uuidFromName(NS.event, `correlation:${m.businessId}:${m.messageId}`),
      causationId: event.id,
      eventIds: [proofEventId(m.businessId, m.messageId)],
      durability: 'relaxed',
      now: new Date(event.metadata.occurredAt),
    });
    return order;
  } catch (error) {
    // Paid or cancelled in the meantime: the message goes on through the intake as any other.
    if (isDomainError(error)) return null;
    throw error;
  }
}

/**
 * The sender's latest order placed from this chat that still takes a proof (not cancelled, not
 * paid), or the one this very message was already attached to (a redelivery). Orders derive their
 * id from their message, so the chat stream says which messages became the sender's orders.
 */
async function openOrderOf(store: EventStore, event: RecordedEvent, m: Message): Promise<string | null> {
  if (event.revision === 0n) return null;
  const recent = await store.readStream(event.streamId, { direction: 'backwards', fromRevision: event.revision - 1n, maxCount: SCAN.events });
  const proofId = proofEventId(m.businessId, m.messageId);
  let looked = 0;
  for (const r of recent) {
    if (r.type !== 'MessageReceived') continue;
    const v = validateEvent(r.type, r.data, r.metadata.schemaVersion);
    if (!v.ok || v.event.type !== 'MessageReceived') continue;
    const sender = v.event.data.sender;
    if (sender.id !== m.sender.id && (m.sender.phone === null || sender.phone !== m.sender.phone)) continue;
    if (++looked > SCAN.orders) break;
    const orderId = orderIdForMessage(m.businessId, v.event.data.messageId);
    const stream = await store.readStream(orderStreamId(orderId));
    if (stream.length === 0) continue;
    let state: OrderState = initialOrderState();
    for (const e of stream) {
      const x = validateEvent(e.type, e.data, e.metadata.schemaVersion);
      if (x.ok) state = evolveOrder(state, x.event as OrderEvent);
    }
    if (state.kind !== 'placed' || state.businessId !== m.businessId) continue;
    if (stream.some((e) => e.id === proofId) || acceptsProof(state)) return orderId;
  }
  return null;
}
