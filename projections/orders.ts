// Read models `orders`, `order_items` and `order_status_history` (+ `response_times` from MessageSent).
import { sql } from 'slonik';
import { ofType, write, type Projection } from './shared.ts';

const SEARCH_TEXT = sql.fragment`lower(concat_ws(' ', customer_name, customer_phone,
  (select string_agg(x->>'name', ' ') from jsonb_array_elements(items) x)))`;

export const ordersProjection: Projection = {
  name: 'orders',
  eventTypes: ['OrderPlaced', 'OrderUpdated', 'StatusChanged', 'StatusChangeUndone', 'MessageSent'],
  tables: ['orders', 'order_items', 'order_status_history'],
  async apply({ tx, t, touch }, events) {
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
          items, total_amount, currency, delivery_notes, source, missing, parser_version, search_text, created_at, updated_at, revision, review)
        select r.id, r.business_id, r.number, r.group_id, r.status, r.customer_name, r.customer_phone, r.customer_address,
          r.items, r.total_amount, r.currency, r.delivery_notes, r.source,
          array(select jsonb_array_elements_text(r.missing)), r.parser_version,
          lower(concat_ws(' ', r.customer_name, r.customer_phone, (select string_agg(x->>'name', ' ') from jsonb_array_elements(r.items) x))),
          r.at, r.at, r.revision, r.review
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
        select r.id, r.business_id, 0, r.status, r.at, r.actor, 'whatsapp'
          from jsonb_to_recordset(${sql.jsonb(rows)}) as r(id uuid, business_id uuid, at timestamptz, actor text, status text)
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
            update ${t('orders')} set status = ${d.to}, updated_at = ${at}, revision = ${e.revision.toString()} where id = ${d.orderId}`);
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
        default:
          break;
      }
    }
  },
};
