// Manual orders (GET/POST /orders/new): the merchant enters an order taken by phone or in the
// shop. Catalog items take the catalog's price (never the form's); the customer comes from the
// customers list or is new. Placed through src/orders/manual.ts: the same OrderPlaced and read
// models as a WhatsApp order, with a manual source and the merchant as actor.
import { t } from '../i18n/index.ts';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Runtime } from '../../src/runtime.ts';
import { MAX_ORDER_ITEMS, money as moneyBound, quantity as quantityBound, type OrderItem } from '../../src/events/catalog.ts';
import { placeManualOrder } from '../../src/orders/manual.ts';
import { normalizePhone } from '../../src/parser/phone.ts';
import { newId } from '../../src/shared/ids.ts';
import { NotFound, ValidationError } from '../../src/shared/errors.ts';
import { requireUser } from '../auth/plugin.ts';
import { getCustomer } from '../lib/customers.ts';
import { parse, sendHtml, wantsJson } from '../lib/http.ts';
import { customerChoices, salesGroups } from '../lib/payments.ts';
import { waitForProjection } from '../lib/projection.ts';
import { getBusiness, getCatalog, getOrder, listBusinesses, narrow, userScope } from '../lib/queries.ts';
import { Layout } from '../views/layout.tsx';
import { ManualOrderForm } from '../views/manual-order.tsx';

const MAX_CATALOG_ROWS = 2000;
const MAX_FREE_ITEMS = 50;

const blank = (v: unknown) => (v === undefined || v === null || (typeof v === 'string' && v.trim() === '') ? undefined : v);
const num = (v: unknown) => (typeof v === 'string' ? (v.length > 24 ? NaN : Number(v)) : v);
const optText = (max: number) => z.preprocess(blank, z.string().trim().max(max).optional());

/** The JSON body; a browser form's flat fields are turned into it first. */
const body = z.object({
  orderId: z.string().uuid().optional(),
  businessId: z.string().uuid(),
  groupId: z.string().uuid().optional(),
  customer: z.object({ key: optText(200), name: optText(200), phone: optText(40), address: optText(500) }).default({}),
  items: z
    .array(
      z.union([
        z.object({ sku: z.string().trim().min(1).max(64), quantity: quantityBound }).strict(),
        z.object({ name: z.string().trim().min(1).max(200), quantity: quantityBound, unitPrice: moneyBound.nullable().default(null) }).strict(),
      ]),
    )
    .max(MAX_ORDER_ITEMS),
  deliveryFee: z.preprocess((v) => num(blank(v) ?? 0), moneyBound).default(0),
  discount: z.preprocess((v) => num(blank(v) ?? 0), moneyBound).default(0),
  deliveryNotes: optText(1000),
  notifyCustomer: z.boolean().default(false),
});

const many = (max: number, each: number) => z.preprocess((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]), z.array(z.string().max(each)).max(max));
const form = z.object({
  orderId: z.string().max(36).optional(),
  businessId: z.string().max(36),
  groupId: z.string().max(36).optional(),
  customerKey: z.string().max(200).optional(),
  customerName: z.string().max(200).optional(),
  customerPhone: z.string().max(40).optional(),
  customerAddress: z.string().max(500).optional(),
  sku: many(MAX_CATALOG_ROWS, 64),
  qty: many(MAX_CATALOG_ROWS, 24),
  itemName: many(MAX_FREE_ITEMS, 200),
  itemQty: many(MAX_FREE_ITEMS, 24),
  itemPrice: many(MAX_FREE_ITEMS, 24),
  deliveryFee: z.string().max(24).optional(),
  discount: z.string().max(24).optional(),
  deliveryNotes: z.string().max(1000).optional(),
  notifyCustomer: z.literal('on').optional(),
});

function fromForm(f: z.infer<typeof form>): unknown {
  const items: unknown[] = [];
  f.sku.forEach((sku, i) => {
    const q = (f.qty[i] ?? '').trim();
    if (q !== '' && Number(q) !== 0) items.push({ sku, quantity: num(q) });
  });
  f.itemName.forEach((name, i) => {
    if (name.trim() === '') return;
    const q = (f.itemQty[i] ?? '').trim();
    const price = (f.itemPrice[i] ?? '').trim();
    items.push({ name, quantity: q === '' ? 1 : num(q), unitPrice: price === '' ? null : num(price) });
  });
  return {
    orderId: f.orderId, businessId: f.businessId, groupId: f.groupId,
    customer: { key: f.customerKey, name: f.customerName, phone: f.customerPhone, address: f.customerAddress },
    items, deliveryFee: f.deliveryFee, discount: f.discount, deliveryNotes: f.deliveryNotes, notifyCustomer: f.notifyCustomer === 'on',
  };
}

export async function manualOrderRoutes(app: FastifyInstance, rt: Runtime): Promise<void> {
  app.get('/orders/new', async (req, reply) => {
    const user = requireUser(req);
    const q = parse(z.object({ businessId: z.string().uuid().optional() }), req.query, 'new order');
    const scope = await userScope(rt, user);
    const businesses = await listBusinesses(rt, scope);
    const business = q.businessId ? await getBusiness(rt, scope, q.businessId) : businesses[0];
    if (!business) throw new NotFound('Create a business first (Businesses) to enter orders');
    const [groups, catalog, customers] = await Promise.all([salesGroups(rt, scope, business.id), getCatalog(rt, business.id), customerChoices(rt, scope, business.id)]);
    if (wantsJson(req)) return reply.send({ business: { id: business.id, name: business.name, currency: business.currency }, groups, catalog, customers });
    return sendHtml(
      reply,
      <Layout title={t('mo.title')} user={user} csrf={req.csrfToken} active="/orders">
        <ManualOrderForm csrf={req.csrfToken} orderId={newId()} businesses={businesses} business={business} groups={groups} catalog={catalog} customers={customers} />
      </Layout>,
    );
  });

  app.post('/orders/new', async (req, reply) => {
    const user = requireUser(req);
    const json = wantsJson(req) || String(req.headers['content-type'] ?? '').startsWith('application/json');
    const b = parse(body, json ? req.body : fromForm(parse(form, req.body, 'manual order')), 'manual order');
    const scope = narrow(await userScope(rt, user), b.businessId); // another tenant's business: 404
    const business = await getBusiness(rt, scope, b.businessId);
    const groups = await salesGroups(rt, scope, business.id);
    const group = b.groupId ? groups.find((g) => g.id === b.groupId) : groups[0];
    if (!group) {
      if (b.groupId) throw new NotFound(`Group ${b.groupId} not found`);
      throw new ValidationError('Invalid manual order: groupId: link a sales group to this business first', [{ path: 'groupId', message: 'no sales group' }]);
    }

    // Catalog lines take the catalog's name and price.
    const catalog = new Map((await getCatalog(rt, business.id)).map((p) => [p.sku, p]));
    const items: OrderItem[] = b.items.map((i, n) => {
      if ('sku' in i) {
        const p = catalog.get(i.sku);
        if (!p) throw new ValidationError(`Invalid manual order: items.${n}.sku: ${JSON.stringify(i.sku)} is not in the catalog`, [{ path: `items.${n}.sku`, message: 'not in the catalog' }]);
        return { name: p.name, sku: p.sku, quantity: i.quantity, unitPrice: p.price };
      }
      return { name: i.name, sku: null, quantity: i.quantity, unitPrice: i.unitPrice };
    });

    // The customer: one of the business's buyers (their latest details), overridden by what was typed.
    let known: { name: string | null; phone: string | null; address: string | null } = { name: null, phone: null, address: null };
    if (b.customer.key) {
      const c = await getCustomer(rt, scope, b.customer.key, business.id); // a buyer of another business: 404
      known = { name: c.name, phone: c.phone, address: c.orders[0]?.customerAddress ?? null };
    }
    let phone = known.phone;
    if (b.customer.phone) {
      phone = normalizePhone(b.customer.phone, business.country);
      if (!phone) throw new ValidationError('Invalid manual order: customer.phone: not a phone number', [{ path: 'customer.phone', message: 'not a phone number' }]);
    }
    const customer = { name: b.customer.name ?? known.name, phone, address: b.customer.address ?? known.address };
    if (!customer.name && !customer.phone) {
      throw new ValidationError('Invalid manual order: customer: pick a customer or give a name or phone', [{ path: 'customer.name', message: 'pick a customer or give a name or phone' }]);
    }

    const orderId = b.orderId ?? newId();
    const r = await placeManualOrder(rt.store, {
      orderId, businessId: business.id, groupId: group.id, customer, items, currency: business.currency, deliveryNotes: b.deliveryNotes ?? null,
      deliveryFee: b.deliveryFee, discount: b.discount, notifyCustomer: b.notifyCustomer, actor: user.id, correlationId: req.id,
    });
    if (r.nextExpectedRevision !== null) await waitForProjection(rt, { table: 'orders', id: orderId, revision: r.nextExpectedRevision }, 5000);
    const order = await getOrder(rt, scope, orderId); // a reused id of another tenant's order stays a 404
    if (wantsJson(req)) return reply.code(201).send({ success: true, order });
    return reply.redirect(`/orders/${orderId}`, 303);
  });
}
