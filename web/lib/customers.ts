// Read-model queries of the customer pages: the customers projection, the merchant's notes and the
// customer's orders, read as novi_tenant (row-level security) for a merchant, like the order list.
import { sql, type CommonQueryMethods, type FragmentSqlToken } from 'slonik';
import { z } from 'zod';
import type { Runtime } from '../../src/runtime.ts';
import { NotFound } from '../../src/shared/errors.ts';
import { narrow, ORDER_COLUMNS, orderJson, orderRow, type OrderJson, type Scope } from './queries.ts';
import { withTenant } from './tenant.ts';

const iso = z.coerce.date().transform((d) => d.toISOString());
const num = z.coerce.number();

/** The page of a customer (in one business when given). */
export const customerHref = (key: string, businessId?: string): string =>
  `/customers/${encodeURIComponent(key)}${businessId ? `?businessId=${encodeURIComponent(businessId)}` : ''}`;

export const customerKeyParam = z.object({ key: z.string().min(1).max(200) });

export const customerFilters = z.object({
  businessId: z.string().uuid().optional(),
  q: z.string().trim().max(100).optional(),
  page: z.coerce.number().int().min(1).max(10_000).default(1),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type CustomerFilters = z.infer<typeof customerFilters>;

const customerRow = z.object({
  business_id: z.string(),
  business_name: z.string(),
  currency: z.string(),
  customer_key: z.string(),
  name: z.string().nullable(),
  phone: z.string().nullable(),
  first_order_at: iso,
  last_order_at: iso,
  order_count: num,
  total_spent: num,
  note: z.string().nullable(),
});

function customerJson(c: z.infer<typeof customerRow>) {
  return {
    key: c.customer_key,
    businessId: c.business_id,
    businessName: c.business_name,
    name: c.name,
    phone: c.phone,
    firstOrderAt: c.first_order_at,
    lastOrderAt: c.last_order_at,
    /** Orders that are not cancelled (as analytics.customers). */
    orderCount: c.order_count,
    totalSpent: { amount: c.total_spent, currency: c.currency },
    repeat: c.order_count > 1,
    note: c.note ?? '',
  };
}
export type CustomerJson = ReturnType<typeof customerJson>;

function read<T>(rt: Runtime, scope: Scope, fn: (db: CommonQueryMethods) => Promise<T>): Promise<T> {
  return scope.all ? fn(rt.pool) : withTenant(rt.pool, scope.businessIds, fn, { userId: scope.userId });
}

function inScope(scope: Scope): FragmentSqlToken {
  return scope.all ? sql.fragment`true` : sql.fragment`c.business_id = any(${sql.array(scope.businessIds, 'uuid')})`;
}

const like = (s: string) => '%' + s.replace(/[\\%_]/g, (c) => '\\' + c) + '%';

/** Name (case-insensitive substring) or phone (digits, ignoring a leading trunk 0 or the + of E.164). */
function searchWhere(q: string | undefined): FragmentSqlToken {
  if (!q) return sql.fragment`true`;
  const digits = q.replace(/\D/g, '').replace(/^0+/, '');
  const byName = sql.fragment`lower(coalesce(c.name, '')) like ${like(q.toLowerCase())}`;
  if (digits.length < 3) return byName;
  return sql.fragment`(${byName} or regexp_replace(coalesce(c.phone, ''), '\\D', '', 'g') like ${like(digits)})`;
}

const SELECT = sql.fragment`
  select c.business_id, b.name as business_name, b.currency, c.customer_key, c.name, c.phone, c.first_order_at, c.last_order_at,
         c.order_count, c.total_spent, n.note
    from customers c
    join businesses b on b.id = c.business_id
    left join customer_notes n on n.business_id = c.business_id and n.customer_key = c.customer_key`;

export async function listCustomers(rt: Runtime, scope: Scope, f: CustomerFilters) {
  const s = narrow(scope, f.businessId);
  const where = sql.fragment`${inScope(s)} and ${searchWhere(f.q)}`;
  const [rows, total] = await read(rt, s, async (db) => [
    await db.any(sql.type(customerRow)`${SELECT} where ${where}
      order by c.last_order_at desc, c.customer_key limit ${f.limit} offset ${(f.page - 1) * f.limit}`),
    await db.oneFirst(sql.type(z.object({ n: num }))`select count(*) as n from customers c where ${where}`),
  ] as const);
  return { customers: rows.map(customerJson), pagination: { page: f.page, limit: f.limit, total, pages: Math.max(1, Math.ceil(total / f.limit)) } };
}

/**
 * One buyer across the user's businesses (the same phone may buy from two of them), or in one
 * business; 404 when the key is nowhere in scope. Orders newest first, every status, at most 200.
 */
export async function getCustomer(rt: Runtime, scope: Scope, key: string, businessId?: string) {
  const s = narrow(scope, businessId);
  const [rows, orders] = await read(rt, s, async (db) => {
    const found = await db.any(sql.type(customerRow)`${SELECT} where ${inScope(s)} and c.customer_key = ${key} order by b.name, c.business_id`);
    if (found.length === 0) return [found, []] as const;
    const ids = found.map((r) => r.business_id);
    const list = await db.any(sql.type(orderRow)`select ${ORDER_COLUMNS} from orders where id in (
        select order_id from customer_orders where customer_key = ${key} and business_id = any(${sql.array(ids, 'uuid')}))
      order by created_at desc, number desc limit 200`);
    return [found, list] as const;
  });
  if (rows.length === 0) throw new NotFound('Customer not found');
  const entries = rows.map(customerJson);
  const totals = new Map<string, number>();
  for (const e of entries) totals.set(e.totalSpent.currency, Math.round(((totals.get(e.totalSpent.currency) ?? 0) + e.totalSpent.amount) * 100) / 100);
  const first = entries[0]!;
  const orderList: OrderJson[] = orders.map(orderJson);
  return {
    key,
    name: entries.find((e) => e.name)?.name ?? null,
    phone: entries.find((e) => e.phone)?.phone ?? null,
    orderCount: entries.reduce((n, e) => n + e.orderCount, 0),
    /** Money per currency, never added across currencies. */
    totalSpent: [...totals].map(([currency, amount]) => ({ currency, amount })),
    lastOrderAt: entries.reduce((a, e) => (e.lastOrderAt > a ? e.lastOrderAt : a), first.lastOrderAt),
    repeat: entries.reduce((n, e) => n + e.orderCount, 0) > 1,
    businesses: entries,
    orders: orderList,
  };
}
export type CustomerDetail = Awaited<ReturnType<typeof getCustomer>>;

/** The note as the projection has it (to wait for a write to show). */
export async function customerNote(rt: Runtime, businessId: string, key: string): Promise<string> {
  const note = await rt.pool.maybeOneFirst(sql.type(z.object({ note: z.string() }))`
    select note from customer_notes where business_id = ${businessId} and customer_key = ${key}`);
  return note ?? '';
}
