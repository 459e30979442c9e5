-- Issue 18: bot uptime counts the open interval at read time and stops at the last heartbeat of a
-- process that died silently; merchant notes on customers.

-- ── uptime ──────────────────────────────────────────────────────────────────────────────
-- The last SessionHeartbeat of a WORKING session (projections/bot-metrics.ts).
alter table bot_metrics_sessions add column if not exists last_beat_at timestamptz;

-- Until when an open WORKING interval counts: now while the supervisor's heartbeats (every 5 min)
-- are fresh, else the last heartbeat (or the ready time when none came): the process is gone.
create or replace function novi_session_alive_until(working_since timestamptz, last_beat_at timestamptz)
returns timestamptz language sql stable as $$
  select case when now() - coalesce(last_beat_at, working_since) <= interval '10 minutes' then now()
              else coalesce(last_beat_at, working_since) end
$$;

-- Same columns as before (sql/003); uptime now includes the open interval, split over local days.
drop view if exists analytics.bot_metrics;
create view analytics.bot_metrics as
with open_parts as (
  select s.business_id,
         d.day::date as day,
         extract(epoch from least(u.until, (d.day + interval '1 day') at time zone u.tz)
                          - greatest(s.working_since, d.day at time zone u.tz)) as seconds
    from public.bot_metrics_sessions s
    left join public.bot_metrics_tz z on z.business_id = s.business_id
    cross join lateral (select public.novi_session_alive_until(s.working_since, s.last_beat_at) as until,
                               coalesce(z.timezone, 'UTC') as tz) u
    cross join lateral generate_series((s.working_since at time zone u.tz)::date, (u.until at time zone u.tz)::date, interval '1 day') as d(day)
   where u.until > s.working_since
), open_days as (
  select business_id, day, round(sum(seconds))::int as seconds from open_parts where seconds > 0 group by business_id, day
)
select coalesce(m.business_id, o.business_id) as business_id,
       coalesce(m.day, o.day) as day,
       coalesce(m.total_messages, 0) as total_messages,
       coalesce(m.orders_processed, 0) as orders_processed,
       coalesce(m.replies_sent, 0) as replies_sent,
       m.response_time_avg as response_time_avg_ms,
       coalesce(m.uptime_seconds, 0) + coalesce(o.seconds, 0) as uptime_seconds,
       least(100, round((coalesce(m.uptime_seconds, 0) + coalesce(o.seconds, 0)) * 100 / 86400.0, 2)) as uptime_percentage
  from public.bot_metrics m
  full join open_days o on o.business_id = m.business_id and o.day = m.day;
comment on view analytics.bot_metrics is 'WhatsApp bot activity per business and local day; uptime includes the interval still open (up to now, or the last heartbeat of a silent process).';
grant select on analytics.bot_metrics to novi_analyst;

-- ── customers ───────────────────────────────────────────────────────────────────────────
-- The merchant's note per customer (projections/customer-notes.ts, from CustomerNoteSet).
create table customer_notes (
  business_id uuid not null,
  customer_key text not null,
  note text not null,
  updated_at timestamptz not null,
  updated_by text not null,
  primary key (business_id, customer_key)
);
-- The customer pages read these as novi_tenant (web/lib/customers.ts), like the order list.
select novi_enable_tenant_rls('customer_notes');
select novi_enable_tenant_rls('customer_orders');
-- Customer search by name (lower-cased substring) stays within a business.
create index if not exists customers_business_last on customers (business_id, last_order_at desc);
create index if not exists customer_orders_key on customer_orders (business_id, customer_key);
