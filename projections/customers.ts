// Read model `customers`: buyers per business (repeat buyers), keyed by phone, else by name.
//
// Decisions: order_count and total_spent count every order that is not cancelled (pending included,
// since most WhatsApp orders are paid on delivery and would otherwise show nothing for days);
// a cancellation takes its order back out. first_order_at / last_order_at span every order placed,
// cancelled ones included. An order whose customer is edited moves to the new customer key.
// Orders with neither phone nor name belong to no customer.
import { sql } from 'slonik';
import { z } from 'zod';
import { cents, fromCents, write, type Projection } from './shared.ts';
import { customerRef } from '../src/customers/customer.ts';
import { erasedName } from '../src/customers/redaction.ts';

interface OrderState { order_id: string; business_id: string; customer_key: string; placed_at: string; total: number; cancelled: boolean }
interface Delta { business_id: string; customer_key: string; name: string | null; phone: string | null; orders: number; spent: number; first: string; last: string }

export function customerKey(phone: string | null | undefined, name: string | null | undefined): string | null {
  if (phone) return phone;
  const n = name?.trim().toLowerCase();
  return n ? `name:${n}` : null;
}

const stateRow = z.object({
  order_id: z.string(), business_id: z.string(), customer_key: z.string(),
  placed_at: z.coerce.date(), total: z.coerce.number(), cancelled: z.boolean(),
});

export const customersProjection: Projection = {
  name: 'customers',
  eventTypes: ['OrderPlaced', 'OrderUpdated', 'StatusChanged', 'StatusChangeUndone', 'CustomerErased'],
  tables: ['customers', 'customer_orders'],
  async apply({ tx, t }, events) {
    // An erasure is applied on its own, between the batch's events before and after it.
    const at = events.findIndex((e) => e.type === 'CustomerErased');
    if (at >= 0) {
      if (at > 0) await customersProjection.apply({ tx, t, touch: () => undefined }, events.slice(0, at));
      const e = events[at]!;
      if (e.type === 'CustomerErased') await eraseCustomer(tx, t, e.data);
      if (at + 1 < events.length) await customersProjection.apply({ tx, t, touch: () => undefined }, events.slice(at + 1));
      return;
    }
    const orders = new Map<string, OrderState>();
    const placedHere = new Set<string>();
    for (const e of events) if (e.type === 'OrderPlaced') placedHere.add(e.data.orderId);
    const toLoad = [...new Set(events.filter((e) => e.type !== 'OrderPlaced').map((e) => (e.data as { orderId: string }).orderId))].filter((id) => !placedHere.has(id));
    if (toLoad.length > 0) {
      const rows = await tx.any(sql.type(stateRow)`
        select order_id, business_id, customer_key, placed_at, total, cancelled from ${t('customer_orders')}
         where order_id = any(${sql.array(toLoad, 'uuid')})`);
      for (const r of rows) orders.set(r.order_id, { ...r, placed_at: r.placed_at.toISOString(), total: cents(r.total) });
    }
    // Customers' current name/phone, for an order moving to a new key by an edit.
    const customerOf = new Map<string, { name: string | null; phone: string | null }>();
    const deltas = new Map<string, Delta>();
    const dirty = new Set<string>();
    const delta = (o: OrderState, sign: 1 | -1, at: string, who?: { name: string | null; phone: string | null }) => {
      const key = `${o.business_id}|${o.customer_key}`;
      let d = deltas.get(key);
      if (!d) {
        d = { business_id: o.business_id, customer_key: o.customer_key, name: null, phone: null, orders: 0, spent: 0, first: at, last: at };
        deltas.set(key, d);
      }
      d.orders += sign;
      d.spent += sign * o.total;
      if (at < d.first) d.first = at;
      if (at > d.last) d.last = at;
      if (who) {
        d.name = who.name ?? d.name;
        d.phone = who.phone ?? d.phone;
      }
    };

    for (const e of events) {
      switch (e.type) {
        case 'OrderPlaced': {
          const c = e.data.customer;
          const key = customerKey(c.phone, c.name);
          if (!key) break;
          const o: OrderState = { order_id: e.data.orderId, business_id: e.data.businessId, customer_key: key, placed_at: e.data.placedAt, total: cents(e.data.totalAmount), cancelled: false };
          orders.set(o.order_id, o);
          customerOf.set(o.order_id, { name: c.name, phone: c.phone });
          dirty.add(o.order_id);
          delta(o, 1, o.placed_at, { name: c.name, phone: c.phone });
          break;
        }
        case 'StatusChanged': {
          const o = orders.get(e.data.orderId);
          if (!o || o.cancelled || e.data.to !== 'cancelled') break;
          delta(o, -1, o.placed_at);
          o.cancelled = true;
          dirty.add(o.order_id);
          break;
        }
        case 'StatusChangeUndone': {
          // An undone cancellation counts the order for its customer again.
          const o = orders.get(e.data.orderId);
          if (!o || !o.cancelled || e.data.from !== 'cancelled') break;
          delta(o, 1, o.placed_at);
          o.cancelled = false;
          dirty.add(o.order_id);
          break;
        }
        case 'OrderUpdated': {
          const o = orders.get(e.data.orderId);
          if (!o) break;
          const d = e.data;
          const prev = customerOf.get(o.order_id) ?? { name: null, phone: o.customer_key.startsWith('name:') ? null : o.customer_key };
          const who = { name: d.customer && 'name' in d.customer ? (d.customer.name ?? null) : prev.name, phone: d.customer && 'phone' in d.customer ? (d.customer.phone ?? null) : prev.phone };
          // Clearing both phone and name keeps the order where it was counted.
          const newKey = (d.customer && ('phone' in d.customer || 'name' in d.customer) ? customerKey(who.phone, who.name) : null) ?? o.customer_key;
          const newTotal = d.totalAmount !== undefined ? cents(d.totalAmount) : o.total;
          if (newKey === o.customer_key && newTotal === o.total) break;
          if (!o.cancelled) delta(o, -1, o.placed_at);
          o.customer_key = newKey;
          o.total = newTotal;
          if (!o.cancelled) delta(o, 1, o.placed_at, who);
          customerOf.set(o.order_id, who);
          dirty.add(o.order_id);
          break;
        }
        default:
          break;
      }
    }

    if (dirty.size > 0) {
      const rows = [...dirty].map((id) => orders.get(id)!).map((o) => ({ ...o, total: fromCents(o.total) }));
      await tx.query(write`
        insert into ${t('customer_orders')} (order_id, business_id, customer_key, placed_at, total, cancelled)
        select * from jsonb_to_recordset(${sql.jsonb(rows)})
          as r(order_id uuid, business_id uuid, customer_key text, placed_at timestamptz, total numeric, cancelled boolean)
        on conflict (order_id) do update set customer_key = excluded.customer_key, total = excluded.total, cancelled = excluded.cancelled`);
    }
    if (deltas.size > 0) {
      const rows = [...deltas.values()].map((d) => ({ ...d, spent: fromCents(d.spent) }));
      await tx.query(write`
        insert into ${t('customers')} as c (business_id, customer_key, name, phone, first_order_at, last_order_at, order_count, total_spent)
        select r.business_id, r.customer_key, r.name, r.phone, r.first, r.last, r.orders, r.spent
          from jsonb_to_recordset(${sql.jsonb(rows)})
            as r(business_id uuid, customer_key text, name text, phone text, orders int, spent numeric, first timestamptz, last timestamptz)
        on conflict (business_id, customer_key) do update set
          name = coalesce(excluded.name, c.name), phone = coalesce(excluded.phone, c.phone),
          first_order_at = least(c.first_order_at, excluded.first_order_at),
          last_order_at = greatest(c.last_order_at, excluded.last_order_at),
          order_count = c.order_count + excluded.order_count,
          total_spent = c.total_spent + excluded.total_spent`);
    }
  },
};

/**
 * CustomerErased: the customer's orders move to their pseudonym (as the redacted events place
 * them on a rebuild), and every customer row they touched is summed again from customer_orders.
 */
async function eraseCustomer(tx: Parameters<Projection['apply']>[0]['tx'], t: Parameters<Projection['apply']>[0]['t'], d: { businessId: string; customerRef: string; orderIds: string[] }): Promise<void> {
  const pseudonym = erasedName(d.customerRef);
  const target = customerKey(null, pseudonym)!;
  const keys = new Set(await tx.anyFirst(sql.type(z.object({ customer_key: z.string() }))`
    select distinct customer_key from ${t('customer_orders')} where business_id = ${d.businessId} and order_id = any(${sql.array(d.orderIds, 'uuid')})`));
  // The erased key itself, even with no order left under it (its orders were moved by edits).
  for (const k of await tx.anyFirst(sql.type(z.object({ customer_key: z.string() }))`select customer_key from ${t('customers')} where business_id = ${d.businessId}`)) {
    if (customerRef(d.businessId, k) === d.customerRef) keys.add(k);
  }
  keys.add(target);
  await tx.query(write`
    update ${t('customer_orders')} set customer_key = ${target}
     where business_id = ${d.businessId} and order_id = any(${sql.array(d.orderIds, 'uuid')})`);
  const all = sql.array([...keys], 'text');
  await tx.query(write`
    delete from ${t('customers')} c where c.business_id = ${d.businessId} and c.customer_key = any(${all})
       and not exists (select 1 from ${t('customer_orders')} o where o.business_id = c.business_id and o.customer_key = c.customer_key)`);
  await tx.query(write`
    insert into ${t('customers')} as c (business_id, customer_key, name, phone, first_order_at, last_order_at, order_count, total_spent)
    select o.business_id, o.customer_key, case when o.customer_key = ${target} then ${pseudonym} end, null,
           min(o.placed_at), max(o.placed_at), count(*) filter (where not o.cancelled), coalesce(sum(o.total) filter (where not o.cancelled), 0)
      from ${t('customer_orders')} o
     where o.business_id = ${d.businessId} and o.customer_key = any(${all})
     group by o.business_id, o.customer_key
    on conflict (business_id, customer_key) do update set
      name = case when excluded.customer_key = ${target} then excluded.name else c.name end,
      phone = case when excluded.customer_key = ${target} then null else c.phone end,
      first_order_at = excluded.first_order_at, last_order_at = excluded.last_order_at,
      order_count = excluded.order_count, total_spent = excluded.total_spent`);
}
