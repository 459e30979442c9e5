// Read-model queries of payments, receipts and manual orders: an order's payment proofs, and what
// the manual-order form offers (sales groups, catalog, recent customers). Read as the tenant.
import { sql } from 'slonik';
import { z } from 'zod';
import type { Runtime } from '../../src/runtime.ts';
import { PAYMENT_METHODS } from '../../src/events/catalog.ts';
import { listGroups, reader, type GroupJson, type Scope } from './queries.ts';
import { listCustomers, type CustomerJson } from './customers.ts';

const iso = z.coerce.date().transform((d) => d.toISOString());

const proofRow = z.object({
  message_id: z.string(),
  text: z.string(),
  reference: z.string().nullable(),
  method: z.enum(PAYMENT_METHODS).nullable(),
  has_media: z.boolean(),
  received_at: iso,
  confirmed_at: iso.nullable(),
});

export interface PaymentProofJson {
  messageId: string;
  text: string;
  reference: string | null;
  method: (typeof PAYMENT_METHODS)[number] | null;
  hasMedia: boolean;
  receivedAt: string;
  confirmedAt: string | null;
}

/** An order's payment proofs, newest first (at most 50). The order must already be in scope. */
export async function listProofs(rt: Runtime, scope: Scope, orderId: string): Promise<PaymentProofJson[]> {
  const rows = await reader(rt, scope, (db) =>
    db.any(sql.type(proofRow)`select message_id, text, reference, method, has_media, received_at, confirmed_at
      from payment_proofs where order_id = ${orderId} order by received_at desc limit 50`),
  );
  return rows.map((r) => ({ messageId: r.message_id, text: r.text, reference: r.reference, method: r.method, hasMedia: r.has_media, receivedAt: r.received_at, confirmedAt: r.confirmed_at }));
}

/** The sales groups of a business: where a manual order is filed and its WhatsApp messages go. */
export async function salesGroups(rt: Runtime, scope: Scope, businessId: string): Promise<GroupJson[]> {
  return (await listGroups(rt, scope)).filter((g) => g.businessId === businessId && g.groupType === 'sales');
}

/** The customers the form offers (most recent first), from the customers list. */
export async function customerChoices(rt: Runtime, scope: Scope, businessId: string): Promise<CustomerJson[]> {
  return (await listCustomers(rt, scope, { businessId, page: 1, limit: 200 })).customers;
}
