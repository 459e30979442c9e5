// Dashboard aggregates `daily_sales`, `hourly_orders`, `product_sales`, per business in its time zone.
//
// daily_sales.orders and hourly_orders count every order placed (on its placement day / hour);
// daily_sales.revenue and product_sales count orders that are not cancelled: a cancellation takes
// its order back out of the day it was placed, an edit replaces its items and total there.
import { sql } from 'slonik';
import { z } from 'zod';
import type { OrderItem } from '../src/events/catalog.ts';
import { cents, fromCents, localDayHour, timezoneForCountry, write, type Projection } from './shared.ts';

interface OrderState { order_id: string; business_id: string; day: string; total: number; items: OrderItem[]; cancelled: boolean }

const stateRow = z.object({
  order_id: z.string(), business_id: z.string(), day: z.string(), total: z.coerce.number(), items: z.array(z.any()), cancelled: z.boolean(),
});
const tzRow = z.object({ business_id: z.string(), timezone: z.string() });

export const productKey = (item: { sku: string | null; name: string }): string => item.sku ?? `name:${item.name.trim().toLowerCase()}`;

export const dashboardProjection: Projection = {
  name: 'dashboard',
  eventTypes: ['BusinessRegistered', 'BusinessUpdated', 'OrderPlaced', 'OrderUpdated', 'StatusChanged', 'StatusChangeUndone'],
  tables: ['daily_sales', 'hourly_orders', 'product_sales', 'dashboard_orders', 'dashboard_tz'],
  async apply({ tx, t, touch }, events) {
    const businessIds = [...new Set(events.map((e) => (e.data as { businessId: string }).businessId))];
    const tz = new Map<string, string>();
    for (const r of await tx.any(sql.type(tzRow)`
      select business_id, timezone from ${t('dashboard_tz')} where business_id = any(${sql.array(businessIds, 'uuid')})`)) {
      tz.set(r.business_id, r.timezone);
    }
    const tzDirty = new Set<string>();
    const orders = new Map<string, OrderState>();
    const placedHere = new Set(events.flatMap((e) => (e.type === 'OrderPlaced' ? [e.data.orderId] : [])));
    const toLoad = [...new Set(events.flatMap((e) => (e.type === 'OrderUpdated' || e.type === 'StatusChanged' || e.type === 'StatusChangeUndone' ? [e.data.orderId] : [])))].filter((id) => !placedHere.has(id));
    if (toLoad.length > 0) {
      for (const r of await tx.any(sql.type(stateRow)`
        select order_id, business_id, to_char(day, 'YYYY-MM-DD') as day, total, items, cancelled
          from ${t('dashboard_orders')} where order_id = any(${sql.array(toLoad, 'uuid')})`)) {
        orders.set(r.order_id, { ...r, total: cents(r.total), items: r.items as OrderItem[] });
      }
    }
    const dirty = new Set<string>();
    const daily = new Map<string, { business_id: string; day: string; orders: number; revenue: number; cancelled: number }>();
    const hourly = new Map<string, { business_id: string; hour: number; orders: number }>();
    const products = new Map<string, { business_id: string; product_key: string; name: string; quantity: number; revenue: number; orders: number }>();
    const touched = new Map<string, string>();

    const dayDelta = (b: string, day: string) => {
      const key = `${b}|${day}`;
      let d = daily.get(key);
      if (!d) daily.set(key, (d = { business_id: b, day, orders: 0, revenue: 0, cancelled: 0 }));
      return d;
    };
    const countItems = (o: OrderState, sign: 1 | -1) => {
      const seen = new Set<string>();
      for (const item of o.items) {
        const pk = productKey(item);
        const key = `${o.business_id}|${pk}`;
        let p = products.get(key);
        if (!p) products.set(key, (p = { business_id: o.business_id, product_key: pk, name: item.name, quantity: 0, revenue: 0, orders: 0 }));
        p.name = item.name;
        // Thousandths of a unit: quantities are numeric(14,3).
        p.quantity += sign * Math.round(item.quantity * 1000);
        p.revenue += sign * Math.round(item.quantity * cents(item.unitPrice));
        if (!seen.has(pk)) p.orders += sign;
        seen.add(pk);
      }
    };

    for (const e of events) {
      switch (e.type) {
        case 'BusinessRegistered':
        case 'BusinessUpdated': {
          const zone = timezoneForCountry(e.data.country);
          if (tz.get(e.data.businessId) !== zone) {
            tz.set(e.data.businessId, zone);
            tzDirty.add(e.data.businessId);
          }
          break;
        }
        case 'OrderPlaced': {
          const d = e.data;
          const { day, hour } = localDayHour(d.placedAt, tz.get(d.businessId) ?? 'UTC');
          const o: OrderState = { order_id: d.orderId, business_id: d.businessId, day, total: cents(d.totalAmount), items: d.items, cancelled: false };
          orders.set(o.order_id, o);
          dirty.add(o.order_id);
          const dd = dayDelta(o.business_id, day);
          dd.orders += 1;
          dd.revenue += o.total;
          const hk = `${o.business_id}|${hour}`;
          const h = hourly.get(hk) ?? { business_id: o.business_id, hour, orders: 0 };
          h.orders += 1;
          hourly.set(hk, h);
          countItems(o, 1);
          touched.set(o.business_id, e.type);
          break;
        }
        case 'StatusChanged': {
          const o = orders.get(e.data.orderId);
          if (!o || o.cancelled || e.data.to !== 'cancelled') break;
          const dd = dayDelta(o.business_id, o.day);
          dd.cancelled += 1;
          dd.revenue -= o.total;
          countItems(o, -1);
          o.cancelled = true;
          dirty.add(o.order_id);
          touched.set(o.business_id, e.type);
          break;
        }
        case 'StatusChangeUndone': {
          // An undone cancellation puts the order back into its placement day.
          const o = orders.get(e.data.orderId);
          if (!o || !o.cancelled || e.data.from !== 'cancelled') break;
          const dd = dayDelta(o.business_id, o.day);
          dd.cancelled -= 1;
          dd.revenue += o.total;
          countItems(o, 1);
          o.cancelled = false;
          dirty.add(o.order_id);
          touched.set(o.business_id, e.type);
          break;
        }
        case 'OrderUpdated': {
          const o = orders.get(e.data.orderId);
          if (!o || (e.data.items === undefined && e.data.totalAmount === undefined)) break;
          if (!o.cancelled) {
            dayDelta(o.business_id, o.day).revenue -= o.total;
            countItems(o, -1);
          }
          if (e.data.items !== undefined) o.items = e.data.items;
          if (e.data.totalAmount !== undefined) o.total = cents(e.data.totalAmount);
          if (!o.cancelled) {
            dayDelta(o.business_id, o.day).revenue += o.total;
            countItems(o, 1);
          }
          dirty.add(o.order_id);
          touched.set(o.business_id, e.type);
          break;
        }
        default:
          break;
      }
    }

    if (tzDirty.size > 0) {
      const rows = [...tzDirty].map((b) => ({ business_id: b, timezone: tz.get(b) }));
      await tx.query(write`
        insert into ${t('dashboard_tz')} (business_id, timezone)
        select * from jsonb_to_recordset(${sql.jsonb(rows)}) as r(business_id uuid, timezone text)
        on conflict (business_id) do update set timezone = excluded.timezone`);
    }
    if (dirty.size > 0) {
      const rows = [...dirty].map((id) => orders.get(id)!).map((o) => ({ ...o, total: fromCents(o.total) }));
      await tx.query(write`
        insert into ${t('dashboard_orders')} (order_id, business_id, day, total, items, cancelled)
        select * from jsonb_to_recordset(${sql.jsonb(rows)})
          as r(order_id uuid, business_id uuid, day date, total numeric, items jsonb, cancelled boolean)
        on conflict (order_id) do update set total = excluded.total, items = excluded.items, cancelled = excluded.cancelled`);
    }
    if (daily.size > 0) {
      const rows = [...daily.values()].map((d) => ({ ...d, revenue: fromCents(d.revenue) }));
      await tx.query(write`
        insert into ${t('daily_sales')} as s (business_id, day, orders, revenue, cancelled)
        select * from jsonb_to_recordset(${sql.jsonb(rows)}) as r(business_id uuid, day date, orders int, revenue numeric, cancelled int)
        on conflict (business_id, day) do update set orders = s.orders + excluded.orders,
          revenue = s.revenue + excluded.revenue, cancelled = s.cancelled + excluded.cancelled`);
    }
    if (hourly.size > 0) {
      await tx.query(write`
        insert into ${t('hourly_orders')} as s (business_id, hour, orders)
        select * from jsonb_to_recordset(${sql.jsonb([...hourly.values()])}) as r(business_id uuid, hour int, orders int)
        on conflict (business_id, hour) do update set orders = s.orders + excluded.orders`);
    }
    if (products.size > 0) {
      const rows = [...products.values()].map((p) => ({ ...p, quantity: (p.quantity / 1000).toFixed(3), revenue: fromCents(p.revenue) }));
      await tx.query(write`
        insert into ${t('product_sales')} as s (business_id, product_key, name, quantity, revenue, orders)
        select * from jsonb_to_recordset(${sql.jsonb(rows)})
          as r(business_id uuid, product_key text, name text, quantity numeric, revenue numeric, orders int)
        on conflict (business_id, product_key) do update set name = excluded.name, quantity = s.quantity + excluded.quantity,
          revenue = s.revenue + excluded.revenue, orders = s.orders + excluded.orders`);
    }
    for (const [b, event] of touched) touch({ type: 'metrics', businessId: b, event });
  },
};
