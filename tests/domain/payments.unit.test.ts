// Payment decide, given/when/then over the order stream: charges fold into the total (never
// negative), a payment is recorded once and refunded once, proofs attach to open unpaid orders.
import t from 'tap';
import type { NoviEventOf } from '../../src/events/catalog.ts';
import { decidePayment, paymentCommandSchemas, type PaymentCommand } from '../../src/payments/commands.ts';
import { evolveOrder, initialOrderState, type OrderEvent, type OrderState } from '../../src/orders/order.ts';
import { parseCommandData } from '../../src/shared/command-handler.ts';
import { IllegalState, NotFound, ValidationError } from '../../src/shared/errors.ts';
import { given as givenWith } from './given-when-then.ts';

const given = (past: OrderEvent[]) => givenWith<PaymentCommand, OrderState, OrderEvent>({ decide: decidePayment, evolve: evolveOrder, initialState: initialOrderState }, past);
const ORDER = '11111111-1111-4111-8111-111111111111';
const BUSINESS = '22222222-2222-4222-8222-222222222222';
const GROUP = '33333333-3333-4333-8333-333333333333';
const metadata = { now: new Date('2026-01-05T10:00:00.000Z'), actor: 'merchant' };

const placed: NoviEventOf<'OrderPlaced'> = {
  type: 'OrderPlaced',
  data: {
    orderId: ORDER, businessId: BUSINESS, groupId: GROUP, number: 1001, customer: { name: 'Ada', phone: null, address: null },
    items: [{ name: 'Jollof Rice', sku: 'JR', quantity: 2, unitPrice: 2500 }], totalAmount: 5000, currency: 'NGN', deliveryNotes: null,
    source: { messageId: 'm1', text: '2 jollof', sender: { name: 'Ada', phone: null }, receivedAt: '2026-01-05T09:00:00.000Z' },
    parserVersion: 'test', missing: [], placedAt: '2026-01-05T09:00:00.000Z',
  },
};
const cmd = <K extends PaymentCommand['type']>(type: K, data: Record<string, unknown>) =>
  ({ type, data: parseCommandData(paymentCommandSchemas[type], { orderId: ORDER, businessId: BUSINESS, ...data }, type), metadata }) as PaymentCommand;
const charges = (deliveryFee: number, discount: number): OrderEvent => ({ type: 'OrderChargesSet', data: { orderId: ORDER, businessId: BUSINESS, deliveryFee, discount } });
const total = (totalAmount: number | null): OrderEvent => ({ type: 'OrderUpdated', data: { orderId: ORDER, businessId: BUSINESS, totalAmount, reason: 'edit' } });

t.test('charges: recorded with the new total; changed again from the items amount', async (t) => {
  t.same(given([placed]).when(cmd('SetOrderCharges', { deliveryFee: 1000, discount: 500 })).events, [charges(1000, 500), total(5500)]);
  t.same(given([placed, charges(1000, 500), total(5500)]).when(cmd('SetOrderCharges', { deliveryFee: 0, discount: 200 })).events, [charges(0, 200), total(4800)]);
  t.same(given([placed, charges(1000, 500), total(5500)]).when(cmd('SetOrderCharges', { deliveryFee: 1000, discount: 500 })).events, [], 'unchanged: nothing');
  t.type(given([placed]).when(cmd('SetOrderCharges', { deliveryFee: 100, discount: 5101 })).error, ValidationError, 'never negative');
  t.same(given([placed]).when(cmd('SetOrderCharges', { deliveryFee: 100, discount: 5100 })).events?.at(-1), total(0), 'down to zero');
});

t.test('payment once, refund once, not on a cancelled order', async (t) => {
  const paid: OrderEvent = { type: 'PaymentRecorded', data: { orderId: ORDER, businessId: BUSINESS, method: 'cash', reference: null, amount: null, proofMessageId: null, recordedAt: metadata.now.toISOString() } };
  t.same(given([placed]).when(cmd('RecordPayment', { method: 'cash' })).events, [paid]);
  t.type(given([placed, paid]).when(cmd('RecordPayment', { method: 'cash' })).error, IllegalState);
  t.type(given([placed]).when(cmd('RefundPayment', {})).error, IllegalState);
  t.match(given([placed, paid]).when(cmd('RefundPayment', { reason: 'returned' })).events, [{ type: 'PaymentRefunded', data: { reason: 'returned' } }]);
  t.type(given([placed, paid]).when(cmd('SetOrderCharges', { deliveryFee: 1, discount: 0 })).error, IllegalState, 'charges of a paid order');
  const cancelled: OrderEvent = { type: 'StatusChanged', data: { orderId: ORDER, businessId: BUSINESS, from: 'pending', to: 'cancelled', reason: null, source: 'dashboard', messageId: null } };
  t.type(given([placed, cancelled]).when(cmd('RecordPayment', { method: 'cash' })).error, IllegalState);
  t.type(given([]).when(cmd('RecordPayment', { method: 'cash' })).error, NotFound);
});

t.test('proofs: attach once to an open unpaid order; confirming needs a proof of this order', async (t) => {
  const proof = { groupId: GROUP, messageId: 'p1', text: 'sent the money', reference: null, method: null, hasMedia: false, receivedAt: '2026-01-05T09:30:00.000Z' };
  const received = given([placed]).when(cmd('AttachPaymentProof', proof)).events!;
  t.match(received, [{ type: 'PaymentProofReceived', data: { messageId: 'p1' } }]);
  t.same(given([placed, ...received]).when(cmd('AttachPaymentProof', proof)).events, [], 'a redelivery attaches nothing');
  t.type(given([placed]).when(cmd('RecordPayment', { method: 'transfer', proofMessageId: 'p1' })).error, NotFound);
  t.match(given([placed, ...received]).when(cmd('RecordPayment', { method: 'transfer', proofMessageId: 'p1' })).events, [{ type: 'PaymentRecorded', data: { proofMessageId: 'p1' } }]);
});
