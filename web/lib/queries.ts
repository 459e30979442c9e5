// Read-model queries of the merchant pages, always scoped to the businesses the user may see.
import { sql, type CommonQueryMethods, type FragmentSqlToken } from 'slonik';
import { z } from 'zod';
import type { Runtime } from '../../src/runtime.ts';
import { Forbidden, NotFound, ValidationError } from '../../src/shared/errors.ts';
import type { OrderStatus } from '../../src/events/catalog.ts';
import { memberRole, orderStatus, PAYMENT_METHODS, PAYMENT_STATUSES, type MemberRole } from '../../src/events/catalog.ts';
import { permits, type Action } from '../../src/staff/permissions.ts';
import { UNDO_WINDOW_MS } from '../../src/orders/status.ts';
import type { AuthUser } from '../auth/plugin.ts';
import { withTenant } from './tenant.ts';

/**
 * The businesses a user may act in for one action (src/staff/permissions.ts): from their
 * memberships (owner included), or all for an admin. `forbidden`: businesses they belong to but may
 * not do that action in (a 403 rather than a 404); `roles`: their role in each of their businesses.
 */
export type Scope =
  | { all: true }
  | {
      all: false;
      businessIds: readonly string[];
      userId?: string;
      roles?: Readonly<Record<string, MemberRole>>;
      forbidden?: readonly string[];
    };

const iso = z.coerce.date().transform((d) => d.toISOString());
const num = z.coerce.number();
const numOrNull = z.coerce.number().nullable();

const businessRow = z.object({
  id: z.string(),
  owner_id: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  address: z.string().nullable(),
  phone: z.string().nullable(),
  email: z.string().nullable(),
  country: z.string(),
  currency: z.string(),
  timezone: z.string(),
  created_at: iso,
  updated_at: iso,
  revision: num,
});
export type BusinessRow = z.infer<typeof businessRow>;

export function businessJson(b: BusinessRow) {
  return {
    id: b.id,
    ownerId: b.owner_id,
    name: b.name,
    description: b.description,
    address: b.address,
    phone: b.phone,
    email: b.email,
    country: b.country,
    currency: b.currency,
    timezone: b.timezone,
    createdAt: b.created_at,
    updatedAt: b.updated_at,
    revision: b.revision,
  };
}
export type BusinessJson = ReturnType<typeof businessJson>;

/** The user's scope for `action` (default: the orders), from the memberships read model (sql/019). */
export async function userScope(rt: Runtime, user: AuthUser, action: Action = 'orders'): Promise<Scope> {
  // An API key sees its one business (web/auth/api-keys.ts checked that its owner still owns it).
  if (user.apiKey) return { all: false, businessIds: [user.apiKey.businessId] };
  if (user.role === 'admin') return { all: true };
  // The founder's row comes from businesses too: the members projection may not have caught up yet.
  const rows = await rt.pool.any(sql.type(z.object({ business_id: z.string(), role: memberRole }))`
    select business_id, role from (
      select business_id, role, joined_at from memberships where user_id = ${user.id}
      union
      select id, 'owner', created_at from businesses where owner_id = ${user.id}
    ) m order by joined_at, business_id`);
  const roles: Record<string, MemberRole> = Object.fromEntries(rows.map((r) => [r.business_id, r.role]));
  const mine = Object.entries(roles);
  const businessIds = mine.filter(([, role]) => permits(role, action)).map(([id]) => id);
  const forbidden = mine.filter(([, role]) => !permits(role, action)).map(([id]) => id);
  return { all: false, businessIds, userId: user.id, roles, forbidden };
}

/** The user's role in a business (memberships) to hand to a decide, or undefined. */
export function memberRoleIn(scope: Scope, businessId: string): MemberRole | undefined {
  return scope.all ? undefined : scope.roles?.[businessId];
}

/**
 * Every read of the merchant and admin pages runs here: in a transaction with the web role's
 * statement timeout (`NOVI_WEB_STATEMENT_TIMEOUT_MS`; past it slonik throws StatementTimeoutError,
 * answered 503 QUERY_TIMEOUT by web/lib/errors.ts), and for a merchant behind row-level security as
 * well (sql/007_rls.sql, web/lib/tenant.ts): a query that forgot its business filter still sees only
 * that merchant's rows. Admins read as the owner.
 */
export function reader<T>(rt: Runtime, scope: Scope, fn: (db: CommonQueryMethods) => Promise<T>): Promise<T> {
  const timed = async (db: CommonQueryMethods): Promise<T> => {
    await db.query(sql.type(z.object({ v: z.string().nullable() }))`select set_config('statement_timeout', ${String(rt.config.webStatementTimeoutMs)}, true) as v`);
    return fn(db);
  };
  return scope.all ? rt.pool.transaction(timed) : withTenant(rt.pool, scope.businessIds, timed, { userId: scope.userId });
}

function inScope(scope: Scope, column: string): FragmentSqlToken {
  if (scope.all) return sql.fragment`true`;
  return sql.fragment`${sql.identifier(column.split('.'))} = any(${sql.array(scope.businessIds, 'uuid')})`;
}

/** Narrows a scope to one business, which must be inside it (else 404, whatever the id). */
export function narrow(scope: Scope, businessId: string | undefined): Scope {
  if (businessId === undefined) return scope;
  if (scope.all) return { all: false, businessIds: [businessId] };
  denyForbidden(scope, businessId);
  if (!scope.businessIds.includes(businessId)) throw new NotFound(`Business ${businessId} not found`);
  return { ...scope, businessIds: [businessId] };
}

/** A business the user belongs to but may not do this in answers 403, not 404. */
function denyForbidden(scope: Scope, businessId: string): void {
  if (!scope.all && scope.forbidden?.includes(businessId)) throw new Forbidden('Your role in this business does not allow this');
}

/** Lists without a `limit` parameter (businesses, groups) stop at this many rows (docs/http-api.md). */
export const LIST_CAP = 1000;

export async function listBusinesses(rt: Runtime, scope: Scope): Promise<BusinessJson[]> {
  const rows = await rt.pool.any(sql.type(businessRow)`
    select id, owner_id, name, description, address, phone, email, country, currency, timezone, created_at, updated_at, revision
      from businesses where ${inScope(scope, 'id')} order by created_at, name limit ${LIST_CAP}`);
  return rows.map(businessJson);
}

export async function getBusiness(rt: Runtime, scope: Scope, id: string): Promise<BusinessJson> {
  const row = await rt.pool.maybeOne(sql.type(businessRow)`
    select id, owner_id, name, description, address, phone, email, country, currency, timezone, created_at, updated_at, revision
      from businesses where id = ${id} and ${inScope(scope, 'id')}`);
  if (!row) denyForbidden(scope, id);
  if (!row) throw new NotFound(`Business ${id} not found`);
  return businessJson(row);
}

const productRow = z.object({ sku: z.string(), name: z.string(), price: num, aliases: z.array(z.string()) });
export type ProductJson = z.infer<typeof productRow>;

export async function getCatalog(rt: Runtime, businessId: string): Promise<ProductJson[]> {
  const rows = await rt.pool.any(sql.type(productRow)`
    select sku, name, price, aliases from catalog_products where business_id = ${businessId} order by position, sku`);
  return [...rows];
}

const groupRow = z.object({
  id: z.string(),
  business_id: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  group_type: z.enum(['sales', 'delivery', 'admin']),
  whatsapp_id: z.string().nullable(),
  rider_phones: z.array(z.string()),
  created_at: iso,
  updated_at: iso,
});

const groupJson = (g: z.infer<typeof groupRow>) => ({
  id: g.id,
  businessId: g.business_id,
  name: g.name,
  description: g.description,
  groupType: g.group_type,
  whatsappId: g.whatsapp_id,
  /** Delivery groups: status messages count only from these numbers when any are listed. */
  riderPhones: g.rider_phones,
  createdAt: g.created_at,
  updatedAt: g.updated_at,
});
export type GroupJson = ReturnType<typeof groupJson>;

export async function listGroups(rt: Runtime, scope: Scope): Promise<GroupJson[]> {
  const rows = await rt.pool.any(sql.type(groupRow)`
    select id, business_id, name, description, group_type, whatsapp_id, rider_phones, created_at, updated_at
      from groups where ${inScope(scope, 'business_id')} and unlinked_at is null order by created_at, name limit ${LIST_CAP}`);
  return rows.map(groupJson);
}

export async function getGroup(rt: Runtime, scope: Scope, id: string): Promise<GroupJson> {
  const row = await rt.pool.maybeOne(sql.type(groupRow)`
    select id, business_id, name, description, group_type, whatsapp_id, rider_phones, created_at, updated_at
      from groups where id = ${id} and ${inScope(scope, 'business_id')} and unlinked_at is null`);
  if (!row) throw new NotFound(`Group ${id} not found`);
  return groupJson(row);
}

/** Who else holds a WhatsApp chat id (for LinkGroup's uniqueness check). */
export async function groupLinkedTo(rt: Runtime, whatsappId: string | null | undefined): Promise<string | null> {
  if (!whatsappId) return null;
  return rt.pool.maybeOneFirst(sql.type(z.object({ id: z.string() }))`select id from groups where whatsapp_id = ${whatsappId}`);
}

// ── orders ──────────────────────────────────────────────────────────────────────────
const itemJson = z.object({ name: z.string(), sku: z.string().nullable().default(null), quantity: num, unitPrice: numOrNull.default(null) });
const sourceJson = z
  .object({
    messageId: z.string(),
    text: z.string(),
    sender: z.object({ name: z.string().nullable(), phone: z.string().nullable() }),
    receivedAt: z.string().optional(),
  })
  .passthrough()
  .nullable();

/** What the parser doubted on an order placed for review (issue 11 §3). */
const reviewJson = z.object({
  confidence: num,
  threshold: num,
  ask: z.boolean(),
  doubts: z.array(z.object({ field: z.enum(['item', 'quantity', 'address', 'total']), line: z.number().nullable(), reason: z.string() })),
});
export type ReviewJson = z.infer<typeof reviewJson>;

export const orderRow = z.object({
  id: z.string(),
  number: num,
  business_id: z.string(),
  group_id: z.string().nullable(),
  status: orderStatus,
  customer_name: z.string().nullable(),
  customer_phone: z.string().nullable(),
  customer_address: z.string().nullable(),
  items: z.array(itemJson),
  total_amount: numOrNull,
  currency: z.string().nullable(),
  delivery_notes: z.string().nullable(),
  source: sourceJson,
  response_times: z.record(z.unknown()),
  created_at: iso,
  updated_at: iso,
  revision: num,
  // Payments and manual orders (sql/020).
  channel: z.enum(['whatsapp', 'manual']),
  delivery_fee: num,
  discount: num,
  payment_status: z.enum(PAYMENT_STATUSES),
  payment_method: z.enum(PAYMENT_METHODS).nullable(),
  payment_reference: z.string().nullable(),
  paid_amount: numOrNull,
  paid_at: iso.nullable(),
  refunded_at: iso.nullable(),
  change_requested_at: iso.nullable(),
  change_request: z.string().nullable(),
  review: reviewJson.nullable().default(null),
});

export const ORDER_COLUMNS = sql.fragment`id, number, business_id, group_id, status, customer_name, customer_phone, customer_address,
  items, total_amount, currency, delivery_notes, source, response_times, created_at, updated_at, revision,
  channel, delivery_fee, discount, payment_status, payment_method, payment_reference, paid_amount, paid_at, refunded_at,
  change_requested_at, change_request, review`;

export interface StatusEntry {
  status: OrderStatus;
  at: string;
  actor: string;
  /** Set on a row written by an undo: the status that was left (`status` is the one restored). */
  undoneFrom?: OrderStatus | null;
}

/** What "undo" on the order page would do: leave `from` for `to`, possible until `until`. */
export interface UndoOffer {
  from: OrderStatus;
  to: OrderStatus;
  until: string;
}

/**
 * The latest status change can be undone within UNDO_WINDOW_MS, once: not the placement, not an
 * undo. Mirrors undoStatusChange's decide (src/orders/commands.ts), which has the last word.
 */
export function undoOffer(history: readonly StatusEntry[], now = Date.now()): UndoOffer | null {
  const last = history.at(-1);
  const before = history.at(-2);
  if (!last || !before || last.undoneFrom) return null;
  const until = Date.parse(last.at) + UNDO_WINDOW_MS;
  if (!(until > now)) return null;
  return { from: last.status, to: before.status, until: new Date(until).toISOString() };
}

export function orderJson(o: z.infer<typeof orderRow>) {
  return {
    id: o.id,
    number: o.number,
    businessId: o.business_id,
    groupId: o.group_id,
    status: o.status,
    customerName: o.customer_name,
    customerPhone: o.customer_phone,
    customerAddress: o.customer_address,
    items: o.items,
    totalAmount: o.total_amount,
    currency: o.currency,
    deliveryNotes: o.delivery_notes,
    source: o.source,
    responseTimes: o.response_times,
    createdAt: o.created_at,
    updatedAt: o.updated_at,
    revision: o.revision,
    channel: o.channel,
    /** Already included in totalAmount (items + deliveryFee − discount). */
    deliveryFee: o.delivery_fee,
    discount: o.discount,
    payment: { status: o.payment_status, method: o.payment_method, reference: o.payment_reference, amount: o.paid_amount, paidAt: o.paid_at, refundedAt: o.refunded_at },
    /** A customer's change asked by message after the self-edit window, until the merchant changes the order. */
    changeRequest: o.change_requested_at ? { at: o.change_requested_at, text: o.change_request ?? '' } : null,
    /** Set when the order was placed for review: its confidence and the fields the parser doubted. */
    review: o.review,
  };
}
export type OrderJson = ReturnType<typeof orderJson> & { statusHistory?: StatusEntry[]; undo?: UndoOffer | null };

export const orderFilters = z.object({
  status: orderStatus.optional(),
  businessId: z.string().uuid().optional(),
  q: z.string().trim().max(200).optional(),
  from: z.string().date().optional(),
  to: z.string().date().optional(),
});
export type OrderFilters = z.infer<typeof orderFilters>;

function orderWhere(scope: Scope, f: OrderFilters): FragmentSqlToken {
  const parts: FragmentSqlToken[] = [inScope(narrow(scope, f.businessId), 'business_id')];
  if (f.status) parts.push(sql.fragment`status = ${f.status}`);
  if (f.q) parts.push(sql.fragment`search_text like ${'%' + f.q.toLowerCase().replace(/[\\%_]/g, (c) => '\\' + c) + '%'}`);
  if (f.from) parts.push(sql.fragment`created_at >= ${f.from}::date`);
  if (f.to) parts.push(sql.fragment`created_at < ${f.to}::date + 1`);
  return sql.fragment`${sql.join(parts, sql.fragment` and `)}`;
}

/**
 * How many orders the filters match: from `order_counts` (kept by the orders projection, a few rows
 * per business) when only business and status filter; else counted (the search by trigram index).
 */
async function orderTotal(db: CommonQueryMethods, scope: Scope, f: OrderFilters, where: FragmentSqlToken): Promise<number> {
  if (f.q || f.from || f.to) return db.oneFirst(sql.type(z.object({ n: num }))`select count(*) as n from orders where ${where}`);
  const status = f.status ? sql.fragment`and status = ${f.status}` : sql.fragment``;
  return db.oneFirst(sql.type(z.object({ n: num }))`
    select coalesce(sum(n), 0) as n from order_counts where ${inScope(narrow(scope, f.businessId), 'business_id')} ${status}`);
}

export async function listOrders(
  rt: Runtime,
  scope: Scope,
  f: OrderFilters,
  page: number,
  limit: number,
): Promise<{ orders: OrderJson[]; pagination: { page: number; limit: number; total: number; pages: number } }> {
  const where = orderWhere(scope, f);
  const [rows, total] = await reader(rt, scope, async (db) => [
    // The review queue first (issue 11 §3), then newest first.
    await db.any(sql.type(orderRow)`select ${ORDER_COLUMNS} from orders where ${where}
      order by (status = 'needs_review') desc, created_at desc, number desc limit ${limit} offset ${(page - 1) * limit}`),
    await orderTotal(db, scope, f, where),
  ] as const);
  return { orders: rows.map(orderJson), pagination: { page, limit, total, pages: Math.max(1, Math.ceil(total / limit)) } };
}

export async function getOrder(rt: Runtime, scope: Scope, id: string): Promise<OrderJson & { statusHistory: StatusEntry[]; undo: UndoOffer | null }> {
  const [row, history] = await reader(rt, scope, async (db) => {
    const found = await db.maybeOne(sql.type(orderRow)`select ${ORDER_COLUMNS} from orders where id = ${id} and ${inScope(scope, 'business_id')}`);
    if (!found) return [null, []] as const;
    const statuses = await db.any(sql.type(z.object({ status: orderStatus, at: iso, actor: z.string(), undoneFrom: orderStatus.nullable() }))`
      select status, at, actor, undone_from as "undoneFrom" from order_status_history where order_id = ${id} order by seq`);
    return [found, statuses] as const;
  });
  if (!row) throw new NotFound(`Order ${id} not found`);
  // `undoneFrom` only on undo rows: the entries of plain moves keep their documented shape.
  const statusHistory: StatusEntry[] = history.map(({ undoneFrom, ...h }) => (undoneFrom ? { ...h, undoneFrom } : h));
  return { ...orderJson(row), statusHistory, undo: undoOffer(statusHistory) };
}

/** Rows per page of an export: one short query each, so no connection is held between pages. */
export const EXPORT_PAGE_ROWS = 200;
const exportRowType = orderRow.extend({ cursor_at: z.string() });

/**
 * The orders of an export, oldest first, read a page at a time by keyset (created_at, number, id).
 * Each page is its own short reader transaction (statement timeout, row-level security); between
 * pages no database connection is held, however slowly the client reads. An aborted `signal` ends
 * the iteration before the next page is read. Orders placed during an export appear at its end;
 * an order edited during it appears as it was when its page was read.
 */
export async function* exportOrders(rt: Runtime, scope: Scope, f: OrderFilters, signal: AbortSignal): AsyncGenerator<OrderJson> {
  const where = orderWhere(scope, f);
  type Key = { at: string; number: number; id: string };
  let after: Key | null = null;
  for (;;) {
    signal.throwIfAborted();
    const last: Key | null = after;
    const keyset: FragmentSqlToken = last ? sql.fragment`and (created_at, number, id) > (${last.at}::timestamptz, ${last.number}, ${last.id}::uuid)` : sql.fragment``;
    const rows: ReadonlyArray<z.infer<typeof exportRowType>> = await reader(rt, scope, (db) =>
      db.any(sql.type(exportRowType)`select ${ORDER_COLUMNS}, created_at::text as cursor_at from orders where ${where} ${keyset}
        order by created_at, number, id limit ${EXPORT_PAGE_ROWS}`),
    );
    for (const row of rows) yield orderJson(row);
    const tail = rows.at(-1);
    if (!tail || rows.length < EXPORT_PAGE_ROWS) return;
    after = { at: tail.cursor_at, number: tail.number, id: tail.id };
  }
}

// ── dashboard ───────────────────────────────────────────────────────────────────────
// Figures equal the analysts' (`analytics.*`, tests/pipeline/dashboard-analytics.int.test.ts):
// average order value = revenue / (orders − cancelled), as analytics.daily_revenue; money is never
// added across currencies (one figure per currency, the scalar only when the scope has one currency);
// days and hours are local to each business's time zone.

const round2 = (n: number): number => Math.round(n * 100) / 100;
const aov = (orders: number, cancelled: number, revenue: number): number => (orders - cancelled > 0 ? round2(revenue / (orders - cancelled)) : 0);

async function scopeCurrencies(db: CommonQueryMethods, scope: Scope): Promise<string[]> {
  const rows = await db.anyFirst(sql.type(z.object({ currency: z.string() }))`
    select distinct currency from businesses where ${inScope(scope, 'id')} order by currency`);
  return [...rows];
}

export async function dashboardKpis(rt: Runtime, scope: Scope) {
  const where = inScope(scope, 'business_id');
  return reader(rt, scope, async (db) => {
    const sales = await db.any(sql.type(
      z.object({ currency: z.string(), orders_today: num, revenue_today: num, revenue_month: num, orders_all: num, cancelled_all: num, revenue_all: num }),
    )`
      select b.currency,
             coalesce(sum(d.orders) filter (where d.day = (now() at time zone b.timezone)::date), 0) as orders_today,
             coalesce(sum(d.revenue) filter (where d.day = (now() at time zone b.timezone)::date), 0) as revenue_today,
             coalesce(sum(d.revenue) filter (where d.day >= date_trunc('month', now() at time zone b.timezone)::date), 0) as revenue_month,
             coalesce(sum(d.orders), 0) as orders_all,
             coalesce(sum(d.cancelled), 0) as cancelled_all,
             coalesce(sum(d.revenue), 0) as revenue_all
        from daily_sales d join businesses b on b.id = d.business_id
       where ${inScope(scope, 'd.business_id')}
       group by b.currency order by b.currency`);
    const pending = await db.oneFirst(sql.type(z.object({ n: num }))`
      select coalesce(sum(n), 0) as n from order_counts where ${where} and status = 'pending'`);
    const customers = await db.one(sql.type(z.object({ total: num, repeat: num }))`
      select count(*) as total, count(*) filter (where order_count > 1) as repeat from customers where ${where}`);
    const currencies = await scopeCurrencies(db, scope);
    const byCurrency = currencies.map((currency) => {
      const s = sales.find((r) => r.currency === currency);
      return {
        currency,
        revenueToday: s?.revenue_today ?? 0,
        revenueThisMonth: s?.revenue_month ?? 0,
        averageOrderValue: s ? aov(s.orders_all, s.cancelled_all, s.revenue_all) : 0,
      };
    });
    const only = byCurrency.length === 1 ? byCurrency[0] : undefined;
    return {
      ordersToday: sales.reduce((n, s) => n + s.orders_today, 0),
      revenueToday: only ? only.revenueToday : null,
      revenueThisMonth: only ? only.revenueThisMonth : null,
      averageOrderValue: only ? only.averageOrderValue : null,
      pendingOrders: pending,
      repeatCustomerRate: customers.total > 0 ? Math.round((customers.repeat / customers.total) * 1000) / 1000 : 0,
      currency: only ? only.currency : null,
      /** One entry per currency of the scope's businesses. */
      byCurrency,
    };
  });
}
export type Kpis = Awaited<ReturnType<typeof dashboardKpis>>;

/** Orders waiting for review, newest first (the dashboard's review queue). */
export async function reviewQueue(rt: Runtime, scope: Scope, limit = 20): Promise<OrderJson[]> {
  const rows = await reader(rt, scope, (db) => db.any(sql.type(orderRow)`select ${ORDER_COLUMNS} from orders where ${inScope(scope, 'business_id')}
    and status = 'needs_review' order by created_at desc limit ${limit}`));
  return rows.map(orderJson);
}

export async function recentOrders(rt: Runtime, scope: Scope, limit = 10): Promise<OrderJson[]> {
  const rows = await reader(rt, scope, (db) => db.any(sql.type(orderRow)`select ${ORDER_COLUMNS} from orders where ${inScope(scope, 'business_id')}
    order by created_at desc limit ${limit}`));
  return rows.map(orderJson);
}

export const analyticsQuery = z.object({
  businessId: z.string().uuid().optional(),
  from: z.string().date().optional(),
  to: z.string().date().optional(),
});

/** The widest range the charts draw (one point per day); a wider one is refused, not truncated. */
export const MAX_ANALYTICS_DAYS = 366;
const DAY_MS = 86_400_000;

/**
 * The analytics range with its defaults (to: `today`, from: 29 days before to), checked before the
 * charts' queries run: from <= to and at most MAX_ANALYTICS_DAYS days, inclusive (else a 400 naming
 * `from`). `today` is the merchant's local day (see localToday), not the server's UTC day.
 */
export function analyticsRange(q: { from?: string | undefined; to?: string | undefined }, today: string): { from: string; to: string } {
  const to = q.to ?? today;
  const from = q.from ?? new Date(Date.parse(to) - 29 * DAY_MS).toISOString().slice(0, 10);
  const days = Math.round((Date.parse(to) - Date.parse(from)) / DAY_MS) + 1;
  const fail = (message: string): never => {
    throw new ValidationError(`Invalid analytics query: from: ${message}`, [{ path: 'from', message }]);
  };
  if (!Number.isFinite(days)) fail('from and to must be dates (YYYY-MM-DD)');
  if (days < 1) fail(`must be on or before to (${from} is after ${to})`);
  if (days > MAX_ANALYTICS_DAYS) fail(`${from} to ${to} spans ${days} days; the range may span at most ${MAX_ANALYTICS_DAYS} days`);
  return { from, to };
}

/**
 * Today in the scope's businesses' zones: the latest local day among them (UTC when the scope has
 * none), so an order a Lagos shop takes at 00:30 local (23:30 UTC) is on the default charts.
 */
async function localToday(db: CommonQueryMethods, scope: Scope, now: Date): Promise<string> {
  const day = await db.maybeOneFirst(sql.type(z.object({ day: z.string().nullable() }))`
    select to_char(max((${now.toISOString()}::timestamptz at time zone timezone)::date), 'YYYY-MM-DD') as day
      from businesses where ${inScope(scope, 'id')}`);
  return day ?? now.toISOString().slice(0, 10);
}

/** The dashboard's charts over [from, to] (default: the 30 local days ending today); `now` is for tests. */
export async function analytics(rt: Runtime, scope: Scope, q: { from?: string | undefined; to?: string | undefined }, now = new Date()) {
  const where = inScope(scope, 'business_id');
  const scoped = inScope(scope, 'o.business_id');
  return reader(rt, scope, async (db) => {
    const { from, to } = analyticsRange(q, q.to ?? (await localToday(db, scope, now)));
    // Orders whose placement is on a local day of [from, to] in their business's zone. The padded
    // created_at bounds (no zone is a day away from UTC) let the (business_id, created_at) index work.
    const placedInRange = sql.fragment`o.created_at >= ${from}::date - 1 and o.created_at < ${to}::date + 2
    and (o.created_at at time zone b.timezone)::date between ${from}::date and ${to}::date`;
    const days = await db.any(sql.type(z.object({ day: z.string(), orders: num }))`
      select to_char(g.day, 'YYYY-MM-DD') as day, coalesce(sum(d.orders), 0) as orders
        from generate_series(${from}::date, ${to}::date, interval '1 day') as g(day)
        left join daily_sales d on d.day = g.day::date and ${where}
       group by g.day order by g.day`);
    const money = await db.any(sql.type(z.object({ day: z.string(), currency: z.string(), orders: num, cancelled: num, revenue: num }))`
      select to_char(d.day, 'YYYY-MM-DD') as day, b.currency, sum(d.orders) as orders, sum(d.cancelled) as cancelled, sum(d.revenue) as revenue
        from daily_sales d join businesses b on b.id = d.business_id
       where ${inScope(scope, 'd.business_id')} and d.day between ${from}::date and ${to}::date
       group by d.day, b.currency`);
    // From the per-day counters the orders projection keeps (sql/023), not from every order of the range.
    const statuses = await db.any(sql.type(z.object({ status: z.string(), count: num }))`
      select status, sum(n) as count from order_day_status
       where ${where} and day between ${from}::date and ${to}::date
       group by status having sum(n) > 0 order by count desc, status`);
    // Top products of non-cancelled orders, per currency (ten each), keyed as product_sales is (sku, else the name).
    const top = await db.any(sql.type(z.object({ currency: z.string(), name: z.string(), quantity: num, revenue: num, orders: num }))`
      select currency, name, quantity, revenue, orders from (
        select b.currency, min(i.name) as name, sum(i.quantity) as quantity, round(coalesce(sum(i.quantity * i.unit_price), 0), 2) as revenue,
               count(distinct i.order_id) as orders,
               row_number() over (partition by b.currency order by coalesce(sum(i.quantity * i.unit_price), 0) desc, sum(i.quantity) desc) as rank
          from order_items i join orders o on o.id = i.order_id join businesses b on b.id = o.business_id
         where ${scoped} and o.status <> 'cancelled' and ${placedInRange}
         group by b.currency, coalesce(i.sku, 'name:' || lower(btrim(i.name)))
      ) x where rank <= 10 order by currency, revenue desc, quantity desc`);
    // Every order placed in the range, by local hour of placement (order_day_hours, kept by the orders projection).
    const hours = await db.any(sql.type(z.object({ hour: num, orders: num }))`
      select h.hour, coalesce(sum(d.n), 0) as orders
        from generate_series(0, 23) as h(hour)
        left join order_day_hours d on d.hour = h.hour and ${where} and d.day between ${from}::date and ${to}::date
       group by h.hour order by h.hour`);
    const customers = await db.one(sql.type(z.object({ total: num, repeat: num }))`
      select count(*) as total, count(*) filter (where order_count > 1) as repeat from customers where ${where}`);
    const currencies = await scopeCurrencies(db, scope);
    const byCurrency = currencies.map((currency) => {
      const rows = money.filter((m) => m.currency === currency);
      const orders = rows.reduce((n, m) => n + m.orders, 0);
      const cancelled = rows.reduce((n, m) => n + m.cancelled, 0);
      const revenue = round2(rows.reduce((n, m) => n + m.revenue, 0));
      return { currency, orders, cancelled, revenue, averageOrderValue: aov(orders, cancelled, revenue) };
    });
    const single = byCurrency.length === 1 ? byCurrency[0] : undefined;
    return {
      from,
      to,
      currencies,
      orderTrends: days.map((d) => ({ date: d.day, orders: d.orders })),
      /** revenue: the day's revenue when the scope has one currency, else null (see byCurrency). */
      revenueChart: days.map((d) => {
        const per = Object.fromEntries(currencies.map((c) => [c, round2(money.filter((m) => m.day === d.day && m.currency === c).reduce((n, m) => n + m.revenue, 0))]));
        return { date: d.day, revenue: single ? (per[single.currency] ?? 0) : null, byCurrency: per };
      }),
      statusDistribution: statuses.map((s) => ({ status: s.status, count: s.count })),
      topProducts: [...top],
      peakHours: hours.map((h) => ({ hour: h.hour, orders: h.orders })),
      averageOrderValue: single ? single.averageOrderValue : null,
      byCurrency,
      repeatCustomerRate: customers.total > 0 ? Math.round((customers.repeat / customers.total) * 1000) / 1000 : 0,
    };
  });
}
export type Analytics = Awaited<ReturnType<typeof analytics>>;

// ── simulator / whatsapp ────────────────────────────────────────────────────────────
const messageRow = z.object({
  message_id: z.string(),
  group_id: z.string().nullable(),
  sender_name: z.string().nullable(),
  text: z.string(),
  received_at: iso,
  outcome: z.string().nullable(),
  /** Why a message was ignored (or the move a status message made): the merchant reads it in the log. */
  outcome_reason: z.string().nullable(),
  order_id: z.string().nullable(),
});
export type MessageRow = z.infer<typeof messageRow>;

export async function recentMessages(rt: Runtime, businessId: string, limit = 20): Promise<MessageRow[]> {
  const rows = await rt.pool.any(sql.type(messageRow)`
    select message_id, group_id, sender_name, text, received_at, outcome, outcome_reason, order_id
      from messages where business_id = ${businessId} order by received_at desc limit ${limit}`);
  return [...rows];
}
