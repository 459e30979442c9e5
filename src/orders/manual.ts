// A manual order: the merchant enters an order taken by phone or in the shop. The same OrderPlaced
// as a WhatsApp order (numbered on the same ledger, projected into the same read models), with
// `source.channel: 'manual'`, the merchant as the event's actor, and the delivery fee and discount
// in the same append (OrderChargesSet) so the placed total already includes them.
import type { EventStore } from '../eventstore/types.ts';
import type { OrderItem } from '../events/catalog.ts';
import { handleCommand, parseCommandData, type HandleCommandResult } from '../shared/command-handler.ts';
import { ValidationError } from '../shared/errors.ts';
import { eventId } from '../shared/ids.ts';
import { decideOrder, orderCommandSchemas, type PlaceOrder } from './commands.ts';
import { reserveOrderNumber, FIRST_ORDER_NUMBER } from './numbers.ts';
import { chargedTotal, evolveOrder, initialOrderState, itemsTotal, orderStreamId, type OrderEvent, type OrderState } from './order.ts';

export interface ManualOrderInput {
  /** Chosen by the form (a hidden field), so a double submit places the order once. */
  orderId: string;
  businessId: string;
  /** The sales group the order is filed under; its chat gets the confirmation when asked for. */
  groupId: string;
  customer: { name: string | null; phone: string | null; address: string | null };
  items: OrderItem[];
  currency: string;
  deliveryNotes: string | null;
  deliveryFee: number;
  discount: number;
  notifyCustomer: boolean;
  actor: string;
  correlationId: string;
  now?: Date;
}

export async function placeManualOrder(store: EventStore, input: ManualOrderInput): Promise<HandleCommandResult<OrderState>> {
  const now = input.now ?? new Date();
  if (input.items.length === 0) throw new ValidationError('Invalid manual order: items: add at least one item', [{ path: 'items', message: 'add at least one item' }]);
  const items = itemsTotal(input.items);
  if (items !== null && Math.round(input.discount * 100) > Math.round(items * 100) + Math.round(input.deliveryFee * 100)) {
    throw new ValidationError('Invalid manual order: discount: must be at most the items total plus the delivery fee', [{ path: 'discount', message: 'must be at most the items total plus the delivery fee' }]);
  }
  const charges = { deliveryFee: input.deliveryFee, discount: input.discount };
  const draft = (number: number) =>
    parseCommandData(
      orderCommandSchemas.PlaceOrder,
      {
        orderId: input.orderId, businessId: input.businessId, groupId: input.groupId, number, customer: input.customer, items: input.items,
        totalAmount: chargedTotal(items, charges), currency: input.currency, deliveryNotes: input.deliveryNotes,
        source: {
          messageId: `manual:${input.orderId}`, text: '', sender: { name: null, phone: null }, receivedAt: now.toISOString(),
          channel: 'manual', notifyCustomer: input.notifyCustomer,
        },
        parserVersion: null, missing: [],
      },
      'manual order',
    );
  draft(FIRST_ORDER_NUMBER); // refuse bad input before a number is taken
  const metadata = { tenantId: input.businessId, actor: input.actor, correlationId: input.correlationId, causationId: null, occurredAt: now.toISOString() };
  const { number } = await reserveOrderNumber(store, { businessId: input.businessId, orderId: input.orderId, metadata });
  const withCharges = charges.deliveryFee > 0 || charges.discount > 0;
  return handleCommand<PlaceOrder, OrderState, OrderEvent>({
    store,
    streamId: orderStreamId(input.orderId),
    evolve: evolveOrder,
    initialState: initialOrderState,
    decide: (command, state) => {
      const placed: OrderEvent[] = decideOrder(command, state);
      return withCharges ? [...placed, { type: 'OrderChargesSet', data: { orderId: input.orderId, businessId: input.businessId, ...charges } }] : placed;
    },
    command: { type: 'PlaceOrder', data: draft(number), metadata: { now, actor: input.actor } },
    metadata,
    eventIds: [eventId('OrderPlaced', input.orderId), ...(withCharges ? [eventId('OrderChargesSet', `${input.orderId}:placed`)] : [])],
  });
}
