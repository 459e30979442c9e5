// Payments and receipts of an order: delivery fee and discount, record / confirm / refund a
// payment, the printable receipt and packing ticket, and sending the receipt on WhatsApp.
// Every route reads the order in the user's scope first: another tenant's order is a 404.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Runtime } from '../../src/runtime.ts';
import { LANGUAGES, money as moneyBound, paymentMethod, type Language } from '../../src/events/catalog.ts';
import { handlePaymentCommand } from '../../src/payments/handle.ts';
import type { ReceiptData } from '../../src/payments/receipt.ts';
import { languageForCountry } from '../../src/whatsapp/templates.ts';
import { NotFound, ValidationError } from '../../src/shared/errors.ts';
import { requireUser } from '../auth/plugin.ts';
import { isHtmx, parse, sendHtml, wantsJson } from '../lib/http.ts';
import { waitForProjection } from '../lib/projection.ts';
import { listProofs } from '../lib/payments.ts';
import { getBusiness, getOrder, userScope, type BusinessJson, type OrderJson } from '../lib/queries.ts';
import { OrderDetail } from '../views/orders.tsx';
import { ReceiptPage, TicketPage, type PaperWidth } from '../views/receipt.tsx';

const orderIdOf = (req: FastifyRequest): string => {
  const p = z.object({ id: z.string().uuid() }).safeParse(req.params);
  if (!p.success) throw new NotFound('Order not found');
  return p.data.id;
};

/** A form's amount: '' or absent is `empty`, else a number within the money bounds. */
const amount = (empty: number | null) =>
  z.preprocess((v) => (v === undefined || v === null || (typeof v === 'string' && v.trim() === '') ? empty : typeof v === 'string' ? (v.length > 20 ? NaN : Number(v)) : v), empty === null ? moneyBound.nullable() : moneyBound);
const text = (max: number) => z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? null : v), z.string().trim().max(max).nullable().default(null));
const revision = z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional();

const chargesBody = z.object({ deliveryFee: amount(0), discount: amount(0), revision });
const paymentBody = z.object({
  method: paymentMethod,
  reference: text(100),
  amount: amount(null).default(null),
  proofMessageId: z.preprocess((v) => (v === '' ? null : v), z.string().min(1).max(300).nullable().default(null)),
  revision,
});
const refundBody = z.object({ reason: text(500), revision });
const receiptQuery = z.object({ width: z.enum(['58', '80']).default('80'), lang: z.enum(LANGUAGES).optional() });

function ifMatch(req: FastifyRequest, form: { revision?: number | undefined }): bigint | undefined {
  const header = req.headers['if-match'];
  if (header !== undefined && header !== '*') {
    const m = /^(?:W\/)?"?(\d{1,18})"?$/.exec(String(header).trim());
    if (!m?.[1]) throw new ValidationError('If-Match must be the order ETag, e.g. "3"');
    return BigInt(m[1]);
  }
  return form.revision !== undefined ? BigInt(form.revision) : undefined;
}

export function receiptData(order: OrderJson, business: BusinessJson): ReceiptData {
  return {
    business: { name: business.name, address: business.address, phone: business.phone, country: business.country, currency: business.currency },
    number: order.number,
    placedAt: order.createdAt,
    customer: { name: order.customerName, phone: order.customerPhone, address: order.customerAddress },
    items: order.items,
    deliveryNotes: order.deliveryNotes,
    deliveryFee: order.deliveryFee,
    discount: order.discount,
    total: order.totalAmount,
    currency: order.currency ?? business.currency,
    payment: { status: order.payment.status, method: order.payment.method, reference: order.payment.reference },
  };
}

export async function paymentRoutes(app: FastifyInstance, rt: Runtime): Promise<void> {
  /** Runs a payment command on an order in the user's scope, then answers like the other order forms. */
  async function command(
    req: FastifyRequest,
    reply: FastifyReply,
    type: 'SetOrderCharges' | 'RecordPayment' | 'RefundPayment' | 'RequestReceipt',
    data: (order: OrderJson) => Record<string, unknown>,
    expected: bigint | undefined,
  ) {
    const id = orderIdOf(req);
    const user = requireUser(req);
    const scope = await userScope(rt, user);
    const current = await getOrder(rt, scope, id); // another tenant's order: 404 before anything else
    const r = await handlePaymentCommand(rt.store, {
      type,
      data: { orderId: id, businessId: current.businessId, ...data(current) },
      actor: user.id,
      correlationId: req.id,
      ...(expected !== undefined ? { expectedRevision: expected } : {}),
    });
    if (r.nextExpectedRevision !== null) await waitForProjection(rt, { table: 'orders', id, revision: r.nextExpectedRevision });
    const order = await getOrder(rt, scope, id);
    reply.header('ETag', `"${order.revision}"`);
    if (wantsJson(req)) return reply.send({ success: true, order });
    if (!isHtmx(req)) return reply.redirect(`/orders/${id}`, 303);
    const business = await getBusiness(rt, scope, order.businessId).catch(() => null);
    return sendHtml(reply, <OrderDetail order={order} business={business} csrf={req.csrfToken} proofs={await listProofs(rt, scope, id)} />);
  }

  app.post('/orders/:id/charges', async (req, reply) => {
    const f = parse(chargesBody, req.body, 'charges');
    return command(req, reply, 'SetOrderCharges', () => ({ deliveryFee: f.deliveryFee, discount: f.discount }), ifMatch(req, f));
  });

  // Record a payment; with proofMessageId it confirms the customer's proof.
  app.post('/orders/:id/payment', async (req, reply) => {
    const f = parse(paymentBody, req.body, 'payment');
    return command(req, reply, 'RecordPayment', () => ({ method: f.method, reference: f.reference, amount: f.amount, proofMessageId: f.proofMessageId }), ifMatch(req, f));
  });

  app.post('/orders/:id/refund', async (req, reply) => {
    const f = parse(refundBody, req.body, 'refund');
    return command(req, reply, 'RefundPayment', () => ({ reason: f.reason }), ifMatch(req, f));
  });

  // The text receipt goes to the customer through the notifier and the outbox (ReceiptSendRequested).
  app.post('/orders/:id/receipt/send', async (req, reply) => command(req, reply, 'RequestReceipt', () => ({}), undefined));

  const slip = (kind: 'receipt' | 'ticket') => async (req: FastifyRequest, reply: FastifyReply) => {
    const id = orderIdOf(req);
    const user = requireUser(req);
    const q = parse(receiptQuery, req.query, `${kind} options`);
    const scope = await userScope(rt, user);
    const order = await getOrder(rt, scope, id);
    const business = await getBusiness(rt, scope, order.businessId);
    const language: Language = q.lang ?? languageForCountry(business.country);
    const props = { r: receiptData(order, business), language, timeZone: business.timezone, width: Number(q.width) as PaperWidth };
    return sendHtml(reply, kind === 'receipt' ? <ReceiptPage {...props} /> : <TicketPage {...props} />);
  };
  app.get('/orders/:id/receipt', slip('receipt'));
  app.get('/orders/:id/ticket', slip('ticket'));
}
