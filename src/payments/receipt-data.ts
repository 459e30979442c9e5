// A receipt's data from the order stream's state and the business profile (for the notifier).
import type { BusinessProfile } from '../businesses/business.ts';
import type { OrderState } from '../orders/order.ts';
import type { ReceiptData } from './receipt.ts';

export function receiptDataOf(order: Extract<OrderState, { kind: 'placed' }>, profile: BusinessProfile, placedAt: string): ReceiptData {
  return {
    business: { name: profile.name, address: profile.address, phone: profile.phone, country: profile.country, currency: profile.currency },
    number: order.number,
    placedAt,
    customer: { ...order.customer },
    items: order.items,
    deliveryNotes: order.deliveryNotes,
    deliveryFee: order.charges.deliveryFee,
    discount: order.charges.discount,
    total: order.totalAmount,
    currency: order.currency ?? profile.currency,
    payment: { ...order.payment },
  };
}
