// Read models `orders`, `order_items`, `order_status_history` and `order_counts` (+ `response_times` from MessageSent).
import { sql, type CommonQueryMethods } from 'slonik';
import { z } from 'zod';
import { redactActor, redactCustomer, redactSource, ERASED } from '../src/customers/redaction.ts';
import { ofType, timezoneForCountry, write, type Projection, type ProjectionContext } from './shared.ts';
import { applyPaymentEvent, PAYMENT_EVENT_TYPES } from './payments.ts';

type TableMap = ProjectionContext['t'];

const statusRow = z.object({ id: z.string(), business_id: z.string(), status: z.string(), day: z.string(), hour: z.number() });
type Placed = { business: string; status: string; day: string; hour: number };

/** The batch's orders as they stand: business, status, and the local day and hour they were placed. */
async function statuses(tx: CommonQueryMethods, t: TableMap, ids: readonly string[]): Promise<Map<string, Placed>> {
  if (ids.length === 0) return new Map();
  const rows = await tx.any(sql.type(statusRow)`
    select o.id, o.business_id, o.status, to_char((o.created_at at time zone b.timezone)::date, 'YYYY-MM-DD') as day,
           extract(hour from o.created_at at time zone b.timezone)::int as hour
      from ${t('orders')} o join ${t('order_zones')} b on b.business_id = o.business_id where o.id = any(${sql.array([...ids], 'uuid')})`);
  return new Map(rows.map((r) => [r.id, { business: r.business_id, status: r.status, day: r.day, hour: r.hour }]));
}

/**
 * `order_counts` (per business and status), `order_day_status` (per local day of placement and
 * status) and `order_day_hours` (per local day and hour of placement) follow every status the batch
 * left, whichever event set it: the batch's orders before and after, compared (two indexed reads
 * per batch), so a new event that moves an order needs no counting code of its own.
 */
async function recount(tx: CommonQueryMethods, t: TableMap, before: Map<string, Placed>, ids: readonly string[]): Promise<void> {
  const after = await statuses(tx, t, ids);
  const counts = new Map<string, { business_id: string; status: string; n: number }>();
  const days = new Map<string, { business_id: string; day: string; status: string; n: number }>();
  const hours = new Map<string, { business_id: string; day: string; hour: number; n: number }>();
  const add = (o: Placed, n: number) => {
    const c = counts.get(`${o.business}/${o.status}`) ?? { business_id: o.business, status: o.status, n: 0 };
    c.n += n;
    counts.set(`${o.business}/${o.status}`, c);
    const d = days.get(`${o.business}/${o.day}/${o.status}`) ?? { business_id: o.business, day: o.day, status: o.status, n: 0 };
    d.n += n;
    days.set(`${o.business}/${o.day}/${o.status}`, d);
  };
  for (const id of ids) {
    const b = before.get(id);
    const a = after.get(id);
    if (!b && a) {
      const h = hours.get(`${a.business}/${a.day}/${a.hour}`) ?? { business_id: a.business, day: a.day, hour: a.hour, n: 0 };
      h.n += 1;
      hours.set(`${a.business}/${a.day}/${a.hour}`, h);
    }
    if (b?.status === a?.status) continue;
    if (b) add(b, -1);
    if (a) add(a, 1);
  }
  const live = <T extends { n: number }>(m: Map<string, T>) => [...m.values()].filter((r) => r.n !== 0);
  if (live(counts).length > 0) {
    await tx.query(write`
      insert into ${t('order_counts')} (business_id, status, n)
      select r.business_id, r.status, r.n from jsonb_to_recordset(${sql.jsonb(live(counts))}) as r(business_id uuid, status text, n bigint)
      on conflict (business_id, status) do update set n = ${t('order_counts')}.n + excluded.n`);
  }
  if (live(days).length > 0) {
    await tx.query(write`
      insert into ${t('order_day_status')} (business_id, day, status, n)
      select r.business_id, r.day, r.status, r.n from jsonb_to_recordset(${sql.jsonb(live(days))}) as r(business_id uuid, day date, status text, n bigint)
      on conflict (business_id, day, status) do update set n = ${t('order_day_status')}.n + excluded.n`);
  }
  if (live(hours).length > 0) {
    await tx.query(write`
      insert into ${t('order_day_hours')} (business_id, day, hour, n)
      select r.business_id, r.day, r.hour, r.n from jsonb_to_recordset(${sql.jsonb(live(hours))}) as r(business_id uuid, day date, hour smallint, n bigint)
      on conflict (business_id, day, hour) do update set n = ${t('order_day_hours')}.n + excluded.n`);
  }
}

const erasedRow = z.object({
  id: z.string(), business_id: z.string(), customer_name: z.string().nullable(), customer_phone: z.string().nullable(),
  customer_address: z.string().nullable(), delivery_notes: z.string().nullable(), source: z.unknown(),
});

const SEARCH_TEXT = sql.fragment`lower(concat_ws(' ', customer_name, customer_phone,
  (select string_agg(x->>'name', ' ') from jsonb_array_elements(items) x)))`;

export const ordersProjection: Projection = {
  name: 'orders',
  eventTypes: ['BusinessRegistered', 'BusinessUpdated', 'OrderPlaced', 'OrderUpdated', 'StatusChanged', 'StatusChangeUndone', 'MessageSent', 'CustomerErased', ...PAYMENT_EVENT_TYPES, 'OrderChangeRequested'],
  tables: ['orders', 'order_items', 'order_status_history', 'order_counts', 'order_day_status', 'order_day_hours', 'order_zones', 'payment_proofs'],
  async apply({ tx, t, touch }, events) {
    // Zones first: a business registered in this batch is known before its first order is counted.
    const zones = new Map<string, string>();
    for (const e of events) if (e.type === 'BusinessRegistered' || e.type === 'BusinessUpdated') zones.set(e.data.businessId, timezoneForCountry(e.data.country));
    if (zones.size > 0) {
      const rows = [...zones].map(([business_id, timezone]) => ({ business_id, timezone }));
      await tx.query(write`
        insert into ${t('order_zones')} (business_id, timezone)
        select r.business_id, r.timezone from jsonb_to_recordset(${sql.jsonb(rows)}) as r(business_id uuid, timezone text)
        on conflict (business_id) do update set timezone = excluded.timezone`);
    }
    const ids = [...new Set(events.flatMap((e) => ('orderId' in e.data && typeof e.data.orderId === 'string' ? [e.data.orderId] : [])))];
    const before = await statuses(tx, t, ids);

    // Placements first, set-based: every other event of an order comes after its placement in the
    // store, and orders do not affect each other, so the result equals applying in strict order.
    const placed = ofType(events, 'OrderPlaced');
    if (placed.length > 0) {
      const rows = placed.map((e) => {
        const d = e.data;
        return {
          id: d.orderId, business_id: d.businessId, number: d.number, group_id: d.groupId,
          customer_name: d.customer.name, customer_phone: d.customer.phone, customer_address: d.customer.address,
          items: d.items, total_amount: d.totalAmount, currency: d.currency, delivery_notes: d.deliveryNotes,
          source: d.source, missing: d.missing, parser_version: d.parserVersion, at: d.placedAt,
          revision: Number(e.revision), actor: e.metadata.actor,
          status: d.review ? 'needs_review' : 'pending', review: d.review ?? null,
        };
      });
      await tx.query(write`
        insert into ${t('orders')} (id, business_id, number, group_id, status, customer_name, customer_phone, customer_address,
          items, total_amount, currency, delivery_notes, source, missing, parser_version, search_text, created_at, updated_at, revision, channel, review)
        select r.id, r.business_id, r.number, r.group_id, r.status, r.customer_name, r.customer_phone, r.customer_address,
          r.items, r.total_amount, r.currency, r.delivery_notes, r.source,
          array(select jsonb_array_elements_text(r.missing)), r.parser_version,
          lower(concat_ws(' ', r.customer_name, r.customer_phone, (select string_agg(x->>'name', ' ') from jsonb_array_elements(r.items) x))),
          r.at, r.at, r.revision, coalesce(r.source->>'channel', 'whatsapp'), r.review
        from jsonb_to_recordset(${sql.jsonb(rows)}) as r(id uuid, business_id uuid, number int, group_id uuid, customer_name text,
          customer_phone text, customer_address text, items jsonb, total_amount numeric, currency text, delivery_notes text,
          source jsonb, missing jsonb, parser_version text, at timestamptz, revision bigint, status text, review jsonb)
        on conflict (id) do nothing`);
      await tx.query(write`
        insert into ${t('order_items')} (order_id, business_id, line, sku, name, quantity, unit_price)
        select r.id, r.business_id, i.ord::int, i.sku, i.name, i.quantity, i."unitPrice"
          from jsonb_to_recordset(${sql.jsonb(rows)}) as r(id uuid, business_id uuid, items jsonb),
               rows from (jsonb_to_recordset(r.items) as (name text, sku text, quantity numeric, "unitPrice" numeric))
                 with ordinality as i(name, sku, quantity, "unitPrice", ord)
        on conflict do nothing`);
      await tx.query(write`
        insert into ${t('order_status_history')} (order_id, business_id, seq, status, at, actor, source)
        select r.id, r.business_id, 0, r.status, r.at, r.actor, case when r.source->>'channel' = 'manual' then 'dashboard' else 'whatsapp' end
          from jsonb_to_recordset(${sql.jsonb(rows)}) as r(id uuid, business_id uuid, at timestamptz, actor text, source jsonb, status text)
        on conflict do nothing`);
      for (const e of placed) touch({ type: 'order', businessId: e.data.businessId, orderId: e.data.orderId, event: e.type });
    }

    for (const e of events) {
      const at = e.metadata.occurredAt;
      switch (e.type) {
        case 'OrderUpdated': {
          const d = e.data;
          const c = d.customer ?? {};
          await tx.query(write`
            update ${t('orders')} set
              items = ${d.items !== undefined ? sql.fragment`${sql.jsonb(d.items)}` : sql.fragment`items`},
              customer_name = ${'name' in c ? sql.fragment`${c.name ?? null}` : sql.fragment`customer_name`},
              customer_phone = ${'phone' in c ? sql.fragment`${c.phone ?? null}` : sql.fragment`customer_phone`},
              customer_address = ${'address' in c ? sql.fragment`${c.address ?? null}` : sql.fragment`customer_address`},
              delivery_notes = ${d.deliveryNotes !== undefined ? sql.fragment`${d.deliveryNotes}` : sql.fragment`delivery_notes`},
              total_amount = ${d.totalAmount !== undefined ? sql.fragment`${d.totalAmount}` : sql.fragment`total_amount`},
              change_requested_at = null, change_request = null,
              updated_at = ${at}, revision = ${e.revision.toString()}
            where id = ${d.orderId}`);
          await tx.query(write`update ${t('orders')} set search_text = ${SEARCH_TEXT} where id = ${d.orderId}`);
          if (d.items !== undefined) {
            await tx.query(write`delete from ${t('order_items')} where order_id = ${d.orderId}`);
            await tx.query(write`
              insert into ${t('order_items')} (order_id, business_id, line, sku, name, quantity, unit_price)
              select ${d.orderId}, ${d.businessId}, i.ord::int, i.sku, i.name, i.quantity, i."unitPrice"
                from rows from (jsonb_to_recordset(${sql.jsonb(d.items)}) as (name text, sku text, quantity numeric, "unitPrice" numeric))
                     with ordinality as i(name, sku, quantity, "unitPrice", ord)`);
          }
          touch({ type: 'order', businessId: d.businessId, orderId: d.orderId, event: e.type });
          break;
        }
        case 'StatusChanged': {
          const d = e.data;
          await tx.query(write`
            update ${t('orders')} set status = ${d.to}, change_requested_at = null, change_request = null, updated_at = ${at}, revision = ${e.revision.toString()}
            where id = ${d.orderId}`);
          await tx.query(write`
            insert into ${t('order_status_history')} (order_id, business_id, seq, status, at, actor, source)
            select ${d.orderId}, ${d.businessId}, coalesce(max(seq), -1) + 1, ${d.to}, ${at}, ${e.metadata.actor}, ${d.source}
              from ${t('order_status_history')} where order_id = ${d.orderId}`);
          touch({ type: 'order', businessId: d.businessId, orderId: d.orderId, event: e.type });
          break;
        }
        case 'StatusChangeUndone': {
          const d = e.data;
          await tx.query(write`
            update ${t('orders')} set status = ${d.to}, updated_at = ${at}, revision = ${e.revision.toString()} where id = ${d.orderId}`);
          await tx.query(write`
            insert into ${t('order_status_history')} (order_id, business_id, seq, status, at, actor, source, undone_from)
            select ${d.orderId}, ${d.businessId}, coalesce(max(seq), -1) + 1, ${d.to}, ${at}, ${e.metadata.actor}, ${d.source}, ${d.from}
              from ${t('order_status_history')} where order_id = ${d.orderId}`);
          touch({ type: 'order', businessId: d.businessId, orderId: d.orderId, event: e.type });
          break;
        }
        case 'MessageSent': {
          const d = e.data;
          if (d.orderId === null || d.responseMs === null) break;
          // `confirmationMs`, `statusMs`, …: the latest reply of each kind.
          await tx.query(write`
            update ${t('orders')} set response_times = response_times || jsonb_build_object(${`${d.kind}Ms`}::text, ${d.responseMs}::int)
            where id = ${d.orderId}`);
          touch({ type: 'order', businessId: d.businessId, orderId: d.orderId, event: e.type });
          break;
        }
        case 'CustomerErased': {
          // What the redacted events would have written (src/customers/redaction.ts): a rebuild agrees.
          const d = e.data;
          if (d.orderIds.length === 0) break;
          const rows = await tx.any(sql.type(erasedRow)`
            select id, business_id, customer_name, customer_phone, customer_address, delivery_notes, source from ${t('orders')}
             where business_id = ${d.businessId} and id = any(${sql.array(d.orderIds, 'uuid')})`);
          for (const r of rows) {
            const c = redactCustomer({ name: r.customer_name, phone: r.customer_phone, address: r.customer_address }, d.customerRef) as { name: string | null; phone: null; address: string | null };
            await tx.query(write`
              update ${t('orders')} set customer_name = ${c.name}, customer_phone = null, customer_address = ${c.address},
                     delivery_notes = ${r.delivery_notes ? ERASED : r.delivery_notes},
                     source = ${r.source === null ? null : sql.jsonb(redactSource(r.source) as never)}
               where id = ${r.id}`);
            await tx.query(write`update ${t('orders')} set search_text = ${SEARCH_TEXT} where id = ${r.id}`);
            touch({ type: 'order', businessId: r.business_id, orderId: r.id, event: e.type });
          }
          await tx.query(write`update ${t('payment_proofs')} set text = ${ERASED} where order_id = any(${sql.array(d.orderIds, 'uuid')})`);
          const actors = await tx.anyFirst(sql.type(z.object({ actor: z.string() }))`
            select distinct actor from ${t('order_status_history')} where order_id = any(${sql.array(d.orderIds, 'uuid')})`);
          for (const actor of actors) {
            if (redactActor(actor) === actor) continue;
            await tx.query(write`
              update ${t('order_status_history')} set actor = ${redactActor(actor)}
               where order_id = any(${sql.array(d.orderIds, 'uuid')}) and actor = ${actor}`);
          }
          break;
        }
        case 'OrderChangeRequested': {
          // A customer's change asked after the self-edit window: flagged until the merchant changes the order.
          const d = e.data;
          await tx.query(write`
            update ${t('orders')} set change_requested_at = ${d.requestedAt}, change_request = ${d.text}, updated_at = ${at}, revision = ${e.revision.toString()}
            where id = ${d.orderId}`);
          touch({ type: 'order', businessId: d.businessId, orderId: d.orderId, event: e.type });
          break;
        }
        default:
          await applyPaymentEvent({ tx, t, touch }, e);
          break;
      }
    }
    await recount(tx, t, before, ids);
  },
};
