-- Issue 18: payments (status, method, reference), delivery fee and discount, customers' payment
-- proofs, and manual orders (the channel an order came from). Written by projections/orders.ts.

alter table orders add column if not exists channel text not null default 'whatsapp';
alter table orders add column if not exists delivery_fee numeric(14, 2) not null default 0;
alter table orders add column if not exists discount numeric(14, 2) not null default 0;
alter table orders add column if not exists payment_status text not null default 'unpaid';
alter table orders add column if not exists payment_method text;
alter table orders add column if not exists payment_reference text;
alter table orders add column if not exists paid_amount numeric(14, 2);
alter table orders add column if not exists paid_at timestamptz;
alter table orders add column if not exists refunded_at timestamptz;

-- A customer's "sent the money, ref …" message attached to their open order, until confirmed.
create table if not exists payment_proofs (
  order_id uuid not null,
  business_id uuid not null,
  message_id text not null,
  group_id uuid,
  text text not null,
  reference text,
  method text,
  has_media boolean not null default false,
  received_at timestamptz not null,
  confirmed_at timestamptz,
  primary key (order_id, message_id)
);
create index if not exists payment_proofs_business on payment_proofs (business_id, received_at desc);
select novi_enable_tenant_rls('payment_proofs');

-- Same columns as before, the payment ones appended at the end (analysts' saved queries keep working).
create or replace view analytics.orders as
select o.id as order_id,
       o.business_id,
       o.number as order_number,
       o.group_id,
       o.status,
       o.customer_name,
       o.customer_phone,
       o.customer_address,
       jsonb_array_length(o.items) as item_count,
       o.total_amount,
       o.currency,
       o.delivery_notes,
       o.parser_version,
       o.created_at,
       o.updated_at,
       o.channel,
       o.delivery_fee,
       o.discount,
       o.payment_status,
       o.payment_method,
       o.paid_at
  from public.orders o;
comment on view analytics.orders is 'One row per order (every status). Money in the order currency; total_amount includes delivery_fee and discount. channel: whatsapp or manual.';
