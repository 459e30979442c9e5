-- Order pipeline: state the projections keep beside the read models, and the analysts' interface
-- (schema `analytics`, read-only role `novi_analyst`). Documented in sql/analytics/README.md.

-- ── projection state ───────────────────────────────────────────────────────────────────
-- Each projection keeps what it needs from other streams in its own tables, so it never reads
-- another projection's (possibly lagging) read model and a rebuild gives the same rows.

-- Exact average: response_time_avg = response_time_sum / response_time_count.
alter table bot_metrics add column response_time_sum bigint not null default 0;

-- The time zone of each business as the bot_metrics projection saw it (from BusinessRegistered/Updated).
create table bot_metrics_tz (
  business_id uuid primary key,
  timezone text not null
);

-- Sessions currently WORKING, and since when: closed intervals add to bot_metrics.uptime_seconds.
create table bot_metrics_sessions (
  session_id uuid primary key,
  business_id uuid not null,
  working_since timestamptz not null
);

create table dashboard_tz (
  business_id uuid primary key,
  timezone text not null
);

-- What the dashboard aggregates counted for each order, so a cancellation or an edit can take it back.
create table dashboard_orders (
  order_id uuid primary key,
  business_id uuid not null,
  day date not null,
  total numeric(14, 2) not null default 0,
  items jsonb not null default '[]'::jsonb,
  cancelled boolean not null default false
);

-- Which customer each order was counted for, and with what total.
create table customer_orders (
  order_id uuid primary key,
  business_id uuid not null,
  customer_key text not null,
  placed_at timestamptz not null,
  total numeric(14, 2) not null default 0,
  cancelled boolean not null default false
);

-- Order list lookups by number (WhatsApp "#1042 delivered") are covered by unique (business_id, number).
create index order_status_history_business on order_status_history (business_id, at desc);
create index messages_business_order on messages (business_id, order_id) where order_id is not null;

-- ── analytics ───────────────────────────────────────────────────────────────────────────
-- Stable column names: add columns at the end, never rename or drop (analysts' saved queries).
create schema if not exists analytics;

create view analytics.orders as
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
       o.updated_at
  from public.orders o;
comment on view analytics.orders is 'One row per order (every status). Money in the order currency.';

create view analytics.order_items as
select i.order_id,
       i.business_id,
       i.line,
       i.sku,
       i.name as product_name,
       i.quantity,
       i.unit_price,
       i.quantity * i.unit_price as line_total,
       o.status as order_status,
       o.currency,
       o.created_at as order_created_at
  from public.order_items i
  join public.orders o on o.id = i.order_id;
comment on view analytics.order_items is 'One row per order line; line_total is null when the line has no price.';

create view analytics.daily_revenue as
select d.business_id,
       d.day,
       d.orders,
       d.cancelled,
       d.revenue,
       case when d.orders - d.cancelled > 0 then round(d.revenue / (d.orders - d.cancelled), 2) end as average_order_value,
       b.currency,
       b.timezone
  from public.daily_sales d
  join public.businesses b on b.id = d.business_id;
comment on view analytics.daily_revenue is 'Per business and local day (business time zone): orders placed, cancelled, revenue of non-cancelled orders.';

create view analytics.customers as
select c.business_id,
       c.customer_key,
       c.name,
       c.phone,
       c.first_order_at,
       c.last_order_at,
       c.order_count,
       c.total_spent,
       c.order_count > 1 as is_repeat
  from public.customers c;
comment on view analytics.customers is 'Buyers per business; order_count and total_spent exclude cancelled orders.';

create view analytics.bot_metrics as
select m.business_id,
       m.day,
       m.total_messages,
       m.orders_processed,
       m.replies_sent,
       m.response_time_avg as response_time_avg_ms,
       m.uptime_seconds,
       m.uptime_percentage
  from public.bot_metrics m;
comment on view analytics.bot_metrics is 'WhatsApp bot activity per business and local day.';

do $$ begin
  create role novi_analyst nologin;
exception when duplicate_object then null;
end $$;

-- Nothing but the analytics views: no grants on public tables (PUBLIC has none either).
grant usage on schema analytics to novi_analyst;
grant select on all tables in schema analytics to novi_analyst;
