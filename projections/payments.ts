// The payment part of the `orders` read model (columns of sql/020) and `payment_proofs`, applied
// by the orders projection for the order stream's payment events (issue 18).
import type { ProjectedEvent, ProjectionContext } from './shared.ts';
import { write } from './shared.ts';

export const PAYMENT_EVENT_TYPES = ['OrderChargesSet', 'PaymentRecorded', 'PaymentRefunded', 'PaymentProofReceived', 'ReceiptSendRequested'] as const;

/** Applies one payment event; returns false for any other event. */
export async function applyPaymentEvent({ tx, t, touch }: ProjectionContext, e: ProjectedEvent): Promise<boolean> {
  const at = e.metadata.occurredAt;
  const rev = e.revision.toString();
  switch (e.type) {
    case 'OrderChargesSet': {
      const d = e.data;
      await tx.query(write`update ${t('orders')} set delivery_fee = ${d.deliveryFee}, discount = ${d.discount}, updated_at = ${at}, revision = ${rev} where id = ${d.orderId}`);
      break;
    }
    case 'PaymentRecorded': {
      const d = e.data;
      await tx.query(write`
        update ${t('orders')} set payment_status = 'paid', payment_method = ${d.method}, payment_reference = ${d.reference},
          paid_amount = coalesce(${d.amount}::numeric, total_amount), paid_at = ${d.recordedAt}, refunded_at = null, updated_at = ${at}, revision = ${rev}
        where id = ${d.orderId}`);
      if (d.proofMessageId !== null) {
        await tx.query(write`update ${t('payment_proofs')} set confirmed_at = ${d.recordedAt} where order_id = ${d.orderId} and message_id = ${d.proofMessageId}`);
      }
      break;
    }
    case 'PaymentRefunded': {
      const d = e.data;
      await tx.query(write`update ${t('orders')} set payment_status = 'refunded', refunded_at = ${d.refundedAt}, updated_at = ${at}, revision = ${rev} where id = ${d.orderId}`);
      break;
    }
    case 'PaymentProofReceived': {
      const d = e.data;
      await tx.query(write`
        insert into ${t('payment_proofs')} (order_id, business_id, message_id, group_id, text, reference, method, has_media, received_at)
        values (${d.orderId}, ${d.businessId}, ${d.messageId}, ${d.groupId}, ${d.text}, ${d.reference}, ${d.method}, ${d.hasMedia}, ${d.receivedAt})
        on conflict do nothing`);
      await tx.query(write`update ${t('orders')} set updated_at = ${at}, revision = ${rev} where id = ${d.orderId}`);
      break;
    }
    case 'ReceiptSendRequested':
      await tx.query(write`update ${t('orders')} set revision = ${rev} where id = ${e.data.orderId}`);
      break;
    default:
      return false;
  }
  touch({ type: 'order', businessId: e.data.businessId, orderId: e.data.orderId, event: e.type });
  return true;
}
