// Orders: list with filters and pagination, detail with ETag, status moves and edits with
// If-Match (412 when stale), and the streamed CSV/XLSX export.
import { num, t } from '../i18n/index.ts';
import { once } from 'node:events';
import { PassThrough } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import ExcelJS from 'exceljs';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Runtime } from '../../src/runtime.ts';
import { ORDER_STATUSES, orderStatus } from '../../src/events/catalog.ts';
import { decideOrder } from '../../src/orders/commands.ts';
import { evolveOrder, initialOrderState, orderStreamId } from '../../src/orders/order.ts';
import { handleCommand, parseCommandData } from '../../src/shared/command-handler.ts';
import { orderCommandSchemas } from '../../src/orders/commands.ts';
import { undoStatusChange } from '../../src/orders/handle.ts';
import { acceptReview, learnFromCorrection, readOrder } from '../../src/orders/review.ts';
import { NotFound, ValidationError } from '../../src/shared/errors.ts';
import { requireUser } from '../auth/plugin.ts';
import { ExportInProgress } from '../lib/errors.ts';
import { isHtmx, parse, sendHtml, wantsJson } from '../lib/http.ts';
import { waitForProjection } from '../lib/projection.ts';
import {
  getBusiness,
  getCatalog,
  getOrder,
  listBusinesses,
  listOrders,
  narrow,
  orderFilters,
  exportOrders,
  userScope,
  type BusinessJson,
  type OrderFilters,
  type OrderJson,
} from '../lib/queries.ts';
import { Csrf, Layout, statusLabel } from '../views/layout.tsx';
import { OrderDetail, OrderRow, OrderTableHead } from '../views/orders.tsx';
import { riderPanel } from './staff.tsx';
import { listProofs } from '../lib/payments.ts';

export const listQuery = orderFilters.extend({
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  limit: z.coerce.number().int().min(1).max(200).default(25),
});
const emptyToUndefined = (q: unknown) =>
  typeof q === 'object' && q !== null ? Object.fromEntries(Object.entries(q).filter(([, v]) => v !== '')) : q;

const customerInfo = z.object({
  name: z.string().trim().max(200).nullable().optional(),
  phone: z.string().trim().nullable().optional(),
  address: z.string().trim().max(500).nullable().optional(),
});
export const putBody = z.object({
  status: orderStatus.optional(),
  reason: z.string().max(500).optional(),
  items: z.array(z.object({ name: z.string(), sku: z.string().nullable().default(null), quantity: z.number(), unitPrice: z.number().nullable().default(null) })).optional(),
  customerInfo: customerInfo.optional(),
  deliveryNotes: z.string().max(1000).nullable().optional(),
});
type PutBody = z.infer<typeof putBody>;

const many = z.preprocess((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]), z.array(z.string()));
const editForm = z.object({
  revision: z.coerce.number().int().min(0),
  customerName: z.string().optional(),
  customerPhone: z.string().optional(),
  customerAddress: z.string().optional(),
  itemName: many,
  itemSku: many,
  itemQty: many,
  itemPrice: many,
});

const reviewBody = z.object({
  to: z.enum(['pending', 'confirmed']).default('pending'),
  items: z.array(z.object({ name: z.string(), sku: z.string().nullable().default(null), quantity: z.number(), unitPrice: z.number().nullable().default(null) })).max(500).optional(),
  address: z.string().trim().max(500).nullable().optional(),
});
const reviewForm = z.object({
  revision: z.coerce.number().int().min(0),
  action: z.enum(['accept', 'correct']),
  to: z.enum(['pending', 'confirmed']).optional(),
  customerAddress: z.string().max(500).optional(),
  itemName: many.pipe(z.array(z.string().max(200)).max(500)),
  itemSku: many.pipe(z.array(z.string().max(64)).max(500)),
  itemQty: many.pipe(z.array(z.string().max(32)).max(500)),
});

/** `If-Match: "3"` (or W/"3", or 3) → 3n; absent → undefined. */
function ifMatch(req: FastifyRequest): bigint | undefined {
  const header = req.headers['if-match'];
  if (header === undefined || header === '*') return undefined;
  const m = /^(?:W\/)?"?(\d+)"?$/.exec(String(header).trim());
  if (!m?.[1]) throw new ValidationError('If-Match must be the order ETag, e.g. "3"');
  return BigInt(m[1]);
}

const orderIdOf = (req: FastifyRequest): string => {
  const p = z.object({ id: z.string().uuid() }).safeParse(req.params);
  // A malformed id is just another id that does not exist.
  if (!p.success) throw new NotFound('Order not found');
  return p.data.id;
};

async function applyChanges(rt: Runtime, req: FastifyRequest, orderId: string, body: PutBody, expected: bigint | undefined, source: 'dashboard' | 'api') {
  const user = requireUser(req);
  const scope = await userScope(rt, user);
  const current = await getOrder(rt, scope, orderId);
  const metadata = { tenantId: current.businessId, actor: user.id, correlationId: req.id, causationId: null, occurredAt: new Date().toISOString() };
  const common = { store: rt.store, streamId: orderStreamId(orderId), evolve: evolveOrder, initialState: initialOrderState, decide: decideOrder, metadata };
  let expectedRevision = expected;
  let revision: bigint | null = null;
  const edits = body.items !== undefined || body.customerInfo !== undefined || body.deliveryNotes !== undefined;
  // The order as parsed and edited so far: what an item correction teaches (issue 11 §4).
  const before = body.items !== undefined ? await readOrder(rt.store, orderId) : null;
  if (edits) {
    const data = parseCommandData(
      orderCommandSchemas.UpdateOrder,
      { orderId, businessId: current.businessId, items: body.items, customer: body.customerInfo, deliveryNotes: body.deliveryNotes, reason: 'edit' },
      'order edit',
    );
    const r = await handleCommand({ ...common, command: { type: 'UpdateOrder', data, metadata: { now: new Date(), actor: user.id } }, ...(expectedRevision !== undefined ? { expectedRevision } : {}) });
    revision = r.nextExpectedRevision;
    if (expectedRevision !== undefined && r.nextExpectedRevision !== null) expectedRevision = r.nextExpectedRevision;
    if (r.written && data.items && before?.state.kind === 'placed') {
      await learnFromCorrection(rt.store, {
        businessId: current.businessId, requestedBy: { userId: user.id, role: user.role }, actor: user.id, correlationId: req.id,
        before: before.state.items, texts: before.state.itemTexts, after: data.items,
      });
    }
  }
  if (body.status !== undefined) {
    const data = parseCommandData(
      orderCommandSchemas.ChangeStatus,
      { orderId, businessId: current.businessId, to: body.status, reason: body.reason ?? null, source, messageId: null },
      'status change',
    );
    const r = await handleCommand({ ...common, command: { type: 'ChangeStatus', data, metadata: { now: new Date(), actor: user.id } }, ...(expectedRevision !== undefined ? { expectedRevision } : {}) });
    revision = r.nextExpectedRevision;
  }
  if (!edits && body.status === undefined) throw new ValidationError('Nothing to change: give status, items or customerInfo');
  if (revision !== null) await waitForProjection(rt, { table: 'orders', id: orderId, revision });
  return getOrder(rt, scope, orderId);
}

function OrdersResults(p: { orders: OrderJson[]; pagination: { page: number; pages: number; total: number }; query: Record<string, string> }): JSX.Element {
  const link = (page: number) => `/orders?${new URLSearchParams({ ...p.query, page: String(page) }).toString()}`;
  // The list puts orders waiting for review first (listOrders); they get their own section.
  const review = p.orders.filter((o) => o.status === 'needs_review');
  const rest = p.orders.filter((o) => o.status !== 'needs_review');
  return (
    <div id="orders-results">
      <p class="muted" safe>{t('orders.count', { count: num(p.pagination.total) })}</p>
      {review.length ? (
        <section class="review-queue" id="review-queue">
          <h2 safe>{t('orders.needsReview', { count: num(review.length) })}</h2>
          <table class="orders">
            <OrderTableHead />
            <tbody>
              {review.map((o) => (
                <OrderRow order={o} />
              ))}
            </tbody>
          </table>
        </section>
      ) : (
        ''
      )}
      <table class="orders">
        <OrderTableHead />
        <tbody id="orders-tbody">
          {rest.map((o) => (
            <OrderRow order={o} />
          ))}
        </tbody>
      </table>
      <nav class="pager">
        {p.pagination.page > 1 ? (
          <a href={link(p.pagination.page - 1)} hx-get={link(p.pagination.page - 1)} hx-target="#orders-results" hx-swap="outerHTML" hx-push-url="true">
            {t('orders.newer')}
          </a>
        ) : (
          ''
        )}
        <span safe>{t('orders.page', { page: num(p.pagination.page), pages: num(p.pagination.pages) })}</span>
        {p.pagination.page < p.pagination.pages ? (
          <a href={link(p.pagination.page + 1)} hx-get={link(p.pagination.page + 1)} hx-target="#orders-results" hx-swap="outerHTML" hx-push-url="true">
            {t('orders.older')}
          </a>
        ) : (
          ''
        )}
      </nav>
    </div>
  );
}

/** The order list's filter fields, shared by the merchant and the admin lists. */
export function FilterFields(p: { businesses: BusinessJson[]; f: Partial<OrderFilters> }): JSX.Element {
  return (
    <>
      <label>
        {t('orders.status')}
        <select name="status">
          <option value="">{t('orders.any')}</option>
          {ORDER_STATUSES.map((s) => (
            <option value={s} selected={p.f.status === s}>
              {statusLabel(s)}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t('orders.business')}
        <select name="businessId">
          <option value="">{t('orders.all')}</option>
          {p.businesses.map((b) => (
            <option value={b.id} selected={p.f.businessId === b.id} safe>
              {b.name}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t('orders.from')} <input type="date" name="from" value={p.f.from ?? ''} />
      </label>
      <label>
        {t('orders.to')} <input type="date" name="to" value={p.f.to ?? ''} />
      </label>
    </>
  );
}

export const exportBody = z.preprocess(
  (v) => {
    // Browser forms post flat fields; the API nests them.
    if (typeof v !== 'object' || v === null || 'dateRange' in v || 'filters' in v) return v;
    const f = emptyToUndefined(v) as Record<string, unknown>;
    return { format: f['format'], dateRange: { from: f['from'], to: f['to'] }, filters: { status: f['status'], businessId: f['businessId'], q: f['q'] } };
  },
  z.object({
    format: z.enum(['csv', 'xlsx']),
    dateRange: z.object({ from: z.string().date().optional(), to: z.string().date().optional() }).optional(),
    filters: z.object({ status: orderStatus.optional(), businessId: z.string().uuid().optional(), q: z.string().max(200).optional() }).optional(),
  }),
);

const EXPORT_COLUMNS = ['number', 'createdAt', 'status', 'customerName', 'customerPhone', 'customerAddress', 'items', 'totalAmount', 'currency', 'deliveryNotes', 'id', 'businessId'] as const;

function exportRow(o: OrderJson): Array<string | number | null> {
  return [o.number, o.createdAt, o.status, o.customerName, o.customerPhone, o.customerAddress, o.items.map((i) => `${i.quantity} x ${i.name}`).join('; '), o.totalAmount, o.currency, o.deliveryNotes, o.id, o.businessId];
}

function csvCell(v: string | number | null): string {
  if (v === null) return '';
  let s = String(v);
  // A cell starting with = + - @ would be a formula in a spreadsheet (CSV injection).
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export async function orderRoutes(app: FastifyInstance, rt: Runtime): Promise<void> {
  app.get('/orders', async (req, reply) => {
    const user = requireUser(req);
    const q = parse(listQuery, emptyToUndefined(req.query), 'order filters');
    const scope = await userScope(rt, user);
    const { page, limit, ...filters } = q;
    const result = await listOrders(rt, scope, filters, page, limit);
    if (wantsJson(req)) return reply.send(result);
    const query = Object.fromEntries(Object.entries({ ...filters, limit: String(limit) }).filter((e): e is [string, string] => typeof e[1] === 'string'));
    const results = <OrdersResults orders={result.orders} pagination={result.pagination} query={query} />;
    if (isHtmx(req) && req.headers['hx-target'] === 'orders-results') return sendHtml(reply, results);
    const businesses = await listBusinesses(rt, scope);
    return sendHtml(
      reply,
      <Layout title={t('orders.title')} user={user} csrf={req.csrfToken} active="/orders">
        <h1>{t('orders.title')}</h1>
        <p>
          <a href="/orders/new" class="button" id="new-order-link">{t('orders.new')}</a>
        </p>
        <form class="filters" method="get" action="/orders" hx-get="/orders" hx-target="#orders-results" hx-swap="outerHTML" hx-push-url="true" hx-trigger="submit, change from:select, search">
          <label>
            {t('orders.search')} <input type="search" name="q" value={filters.q ?? ''} placeholder={t('orders.searchHint')} />
          </label>
          <FilterFields businesses={businesses} f={filters} />
          <button type="submit">{t('orders.filter')}</button>
        </form>
        {results}
      </Layout>,
    );
  });

  app.get('/orders/:id', async (req, reply) => {
    const user = requireUser(req);
    const id = orderIdOf(req);
    const scope = await userScope(rt, user);
    const order = await getOrder(rt, scope, id);
    reply.header('ETag', `"${order.revision}"`);
    const proofs = await listProofs(rt, scope, id);
    if (wantsJson(req)) return reply.send({ order: { ...order, paymentProofs: proofs } });
    const business = await getBusiness(rt, scope, order.businessId).catch(() => null);
    const catalog = order.status === 'needs_review' ? await getCatalog(rt, order.businessId) : [];
    return sendHtml(
      reply,
      <Layout title={t('order.title', { number: String(order.number) })} user={user} csrf={req.csrfToken} active="/orders">
        <p>
          <a href="/orders">{t('order.back')}</a>
        </p>
        <OrderDetail order={order} business={business} csrf={req.csrfToken} proofs={proofs} catalog={catalog} />
        {await riderPanel(rt, user, order, req.csrfToken)}
      </Layout>,
    );
  });

  app.put('/orders/:id', async (req, reply) => {
    const id = orderIdOf(req);
    requireUser(req);
    const body = parse(putBody, req.body, 'order change');
    const order = await applyChanges(rt, req, id, body, ifMatch(req), wantsJson(req) ? 'api' : 'dashboard');
    reply.header('ETag', `"${order.revision}"`);
    return reply.send({ success: true, order });
  });

  const answerDetail = async (req: FastifyRequest, order: Awaited<ReturnType<typeof getOrder>>) => {
    const scope = await userScope(rt, requireUser(req));
    const business = await getBusiness(rt, scope, order.businessId).catch(() => null);
    const catalog = order.status === 'needs_review' ? await getCatalog(rt, order.businessId) : [];
    return <OrderDetail order={order} business={business} csrf={req.csrfToken} proofs={await listProofs(rt, scope, order.id)} catalog={catalog} />;
  };

  // Review queue (issue 11 §3): accept an order waiting for review, as is or corrected. A form posts
  // `action=accept` (as is) or `action=correct` with the item rows and the address; JSON posts
  // `{ to?, items?, address? }`. Item rows that name a catalog sku take its name and price.
  app.post('/orders/:id/review', async (req, reply) => {
    const id = orderIdOf(req);
    const user = requireUser(req);
    const scope = await userScope(rt, user);
    const current = await getOrder(rt, scope, id); // another tenant's order is a 404 here
    const json = wantsJson(req) && !isHtmx(req) && typeof req.headers['content-type'] === 'string' && req.headers['content-type'].includes('json');
    let to: 'pending' | 'confirmed' = 'pending';
    let items: unknown;
    let address: string | null | undefined;
    let expected = ifMatch(req);
    if (json) {
      const b = parse(reviewBody, req.body ?? {}, 'review');
      to = b.to;
      items = b.items;
      address = b.address;
    } else {
      const f = parse(reviewForm, req.body ?? {}, 'review');
      expected ??= BigInt(f.revision);
      if (f.to) to = f.to;
      if (f.action === 'correct') {
        const catalog = await getCatalog(rt, current.businessId);
        const bySku = new Map(catalog.map((c) => [c.sku.toUpperCase(), c]));
        items = f.itemName.flatMap((name, i): Array<{ name: string; sku: string | null; quantity: number; unitPrice: number | null }> => {
          const sku = (f.itemSku[i] ?? '').trim();
          const product = sku ? bySku.get(sku.toUpperCase()) : undefined;
          if (name.trim() === '' && !product) return [];
          const old = current.items[i];
          const qty = Number(f.itemQty[i] || 1);
          if (product) return [{ name: product.name, sku: product.sku, quantity: qty, unitPrice: product.price }];
          // Off the catalog: keep the line's price when the merchant left the product as it was.
          const keepPrice = old && old.sku === null && old.name === name.trim() ? old.unitPrice : null;
          return [{ name: name.trim(), sku: null, quantity: qty, unitPrice: keepPrice }];
        });
        address = f.customerAddress === undefined ? undefined : f.customerAddress.trim() === '' ? null : f.customerAddress.trim();
      }
    }
    const { result } = await acceptReview(rt.store, {
      orderId: id, businessId: current.businessId, requestedBy: { userId: user.id, role: user.role }, actor: user.id, correlationId: req.id,
      to, items, address, source: json ? 'api' : 'dashboard', ...(expected !== undefined ? { expectedRevision: expected } : {}),
    });
    if (result.nextExpectedRevision !== null) await waitForProjection(rt, { table: 'orders', id, revision: result.nextExpectedRevision });
    const order = await getOrder(rt, scope, id);
    reply.header('ETag', `"${order.revision}"`);
    if (wantsJson(req) && !isHtmx(req)) return reply.send({ success: true, order });
    if (!isHtmx(req)) return reply.redirect(`/orders/${id}`, 303);
    return sendHtml(reply, await answerDetail(req, order));
  });

  app.post('/orders/:id/status', async (req, reply) => {
    const id = orderIdOf(req);
    requireUser(req);
    const form = parse(z.object({ status: orderStatus, reason: z.string().max(500).optional() }), req.body, 'status change');
    const order = await applyChanges(rt, req, id, { status: form.status, reason: form.reason }, ifMatch(req), 'dashboard');
    if (wantsJson(req)) return reply.send({ success: true, order });
    if (!isHtmx(req)) return reply.redirect(`/orders/${id}`, 303);
    return sendHtml(reply, await answerDetail(req, order));
  });

  // Undo the latest status change (within 24 h): htmx button on the order page, or the JSON API.
  app.post('/orders/:id/undo', async (req, reply) => {
    const id = orderIdOf(req);
    const user = requireUser(req);
    const form = parse(
      z.object({ reason: z.string().trim().max(500).optional(), revision: z.coerce.number().int().min(0).optional() }),
      req.body ?? {},
      'undo',
    );
    const scope = await userScope(rt, user);
    const current = await getOrder(rt, scope, id); // another tenant's order is a 404 here
    const expected = ifMatch(req) ?? (form.revision !== undefined ? BigInt(form.revision) : undefined);
    const r = await undoStatusChange(rt.store, {
      orderId: id, businessId: current.businessId, actor: user.id, correlationId: req.id, reason: form.reason || null,
      source: wantsJson(req) ? 'api' : 'dashboard', ...(expected !== undefined ? { expectedRevision: expected } : {}),
    });
    if (r.nextExpectedRevision !== null) await waitForProjection(rt, { table: 'orders', id, revision: r.nextExpectedRevision });
    const order = await getOrder(rt, scope, id);
    reply.header('ETag', `"${order.revision}"`);
    if (wantsJson(req)) return reply.send({ success: true, order });
    if (!isHtmx(req)) return reply.redirect(`/orders/${id}`, 303);
    return sendHtml(reply, await answerDetail(req, order));
  });

  app.post('/orders/:id/edit', async (req, reply) => {
    const id = orderIdOf(req);
    requireUser(req);
    const f = parse(editForm, req.body, 'order edit');
    const items = f.itemName.flatMap((name, i): Array<{ name: string; sku: string | null; quantity: number; unitPrice: number | null }> => {
      if (name.trim() === '') return [];
      const price = (f.itemPrice[i] ?? '').trim();
      return [{ name: name.trim(), sku: (f.itemSku[i] ?? '').trim() || null, quantity: Number(f.itemQty[i] || 1), unitPrice: price === '' ? null : Number(price) }];
    });
    const text = (v: string | undefined) => (v === undefined ? undefined : v.trim() === '' ? null : v.trim());
    const order = await applyChanges(
      rt,
      req,
      id,
      { items, customerInfo: { name: text(f.customerName), phone: text(f.customerPhone), address: text(f.customerAddress) } },
      BigInt(f.revision),
      'dashboard',
    );
    if (!isHtmx(req)) return reply.redirect(`/orders/${id}`, 303);
    return sendHtml(reply, await answerDetail(req, order));
  });

  app.get('/export', async (req, reply) => {
    const user = requireUser(req);
    const businesses = await listBusinesses(rt, await userScope(rt, user));
    return sendHtml(
      reply,
      <Layout title={t('export.title')} user={user} csrf={req.csrfToken} active="/export">
        <section class="card narrow">
          <h1>{t('export.heading')}</h1>
          <form method="post" action="/orders/export" class="stack">
            <Csrf token={req.csrfToken} />
            <label>
              {t('export.format')}
              <select name="format">
                <option value="xlsx">Excel (.xlsx)</option>
                <option value="csv">CSV</option>
              </select>
            </label>
            <FilterFields businesses={businesses} f={{}} />
            <button type="submit">{t('export.download')}</button>
          </form>
        </section>
      </Layout>,
    );
  });

  // One export at a time per user, in this web process: a second concurrent one is a 409.
  const exportsRunning = new Set<string>();

  app.post('/orders/export', async (req, reply) => {
    const user = requireUser(req);
    const body = parse(exportBody, req.body, 'export');
    const scope = narrow(await userScope(rt, user), body.filters?.businessId);
    const filters: OrderFilters = { status: body.filters?.status, q: body.filters?.q, from: body.dateRange?.from, to: body.dateRange?.to };
    if (exportsRunning.has(user.id)) throw new ExportInProgress('An export is already running for you; wait for it to finish and try again');
    exportsRunning.add(user.id);
    // A client that goes away (socket closed before the file is complete) aborts the export: the
    // pipeline stops, the page reader stops before its next page, and the slot is freed.
    const abort = new AbortController();
    const finish = () => exportsRunning.delete(user.id);
    reply.raw.once('close', () => {
      if (!reply.raw.writableFinished) abort.abort();
      finish();
    });
    const { signal } = abort;
    const failed = (what: string) => (e: unknown) => {
      if (!signal.aborted) req.log.error({ err: e }, `${what} export failed`);
    };
    const out = new PassThrough();
    const stamp = new Date().toISOString().slice(0, 10);
    reply.header('content-disposition', `attachment; filename="novi-orders-${stamp}.${body.format}"`);
    if (body.format === 'csv') {
      reply.type('text/csv; charset=utf-8');
      const lines = async function* () {
        yield EXPORT_COLUMNS.join(',') + '\n';
        for await (const o of exportOrders(rt, scope, filters, signal)) yield exportRow(o).map(csvCell).join(',') + '\n';
      };
      void pipeline(lines, out, { signal }).catch(failed('csv')).finally(finish);
    } else {
      reply.type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
      const zip = new PassThrough();
      void pipeline(zip, out, { signal }).catch(failed('xlsx')).finally(finish);
      void (async () => {
        const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: zip, useStyles: false, useSharedStrings: false });
        const sheet = workbook.addWorksheet('Orders');
        sheet.addRow([...EXPORT_COLUMNS]).commit();
        for await (const o of exportOrders(rt, scope, filters, signal)) {
          sheet.addRow(exportRow(o)).commit();
          if (zip.writableNeedDrain) await once(zip, 'drain', { signal });
        }
        sheet.commit();
        await workbook.commit();
      })().catch((e: unknown) => {
        failed('xlsx')(e);
        zip.destroy(e as Error);
      });
    }
    return reply.send(out);
  });
}
