-- Read-path speed at 100k orders per merchant (docs/benchmarks.md, "web").
--
-- (Row-level security is evaluated once per query since sql/019.)

-- 1. The orders search (`?q=`, a substring of search_text) by trigram index instead of reading
--    every order of the merchant. pg_trgm is a trusted extension: the database owner may create it.
create extension if not exists pg_trgm;
create index if not exists orders_search_trgm on orders using gin (search_text gin_trgm_ops);

-- 2. Orders per business and status, kept by the orders projection (projections/orders.ts), so the
--    orders list's total (`pagination.total`) is a few rows, not a count over every order of the
--    merchant. Filters other than status (q, from, to) still count the matching orders.
create table order_counts (
  business_id uuid not null,
  status text not null,
  -- No check (n >= 0): an upsert's proposed row carries the delta (-1), and CHECK is tested before the conflict.
  n bigint not null,
  primary key (business_id, status)
);
insert into order_counts (business_id, status, n) select business_id, status, count(*) from orders group by 1, 2;
select novi_enable_tenant_rls('order_counts');

-- 3. The orders list shows orders waiting for review first (issue 11 §3): an index in that order,
--    so the first page is read in order instead of sorting every order of the merchant.
create index if not exists orders_review_first on orders ((status = 'needs_review') desc, created_at desc, number desc);

-- 4. Riders read through their own role. sql/019's rider policy was a second permissive policy for
--    novi_tenant, so every merchant query's row filter became `business_id = any(…) OR id = any(…)`:
--    the planner could no longer use the business indexes and estimated one row (the dashboard's
--    charts over 100k orders: seq scans and nested loops, ~330 ms). Riders' reads
--    (web/lib/staff.ts) now `set local role novi_rider`, which has only the rider policy; novi_tenant
--    has only the tenant one. Same rows for each reader as before, for a rider fewer: a rider reading
--    as novi_tenant sees nothing.
do $$
begin
  create role novi_rider nologin;
exception when duplicate_object then null;
end $$;
do $$
begin
  execute format('grant novi_rider to %I', current_user);
exception when others then null;
end $$;
grant select on orders to novi_rider;
alter policy rider_rows on orders to novi_rider;

-- `novi rebuild` copies the policies with their own roles (it wrote every one for novi_tenant).
create or replace function novi_copy_tenant_rls(src regclass, dst regclass) returns void language plpgsql as $$
declare
  p record;
begin
  if not (select relrowsecurity from pg_class where oid = src) then
    return;
  end if;
  execute format('alter table %s enable row level security', dst);
  for p in
    select pol.polname, pg_get_expr(pol.polqual, pol.polrelid) as qual,
           (select string_agg(quote_ident(r.rolname), ', ') from pg_roles r where r.oid = any (pol.polroles)) as roles
      from pg_policy pol where pol.polrelid = src and pol.polcmd = 'r'
  loop
    execute format('drop policy if exists %I on %s', p.polname, dst);
    execute format('create policy %I on %s for select to %s using (%s)', p.polname, dst, coalesce(p.roles, 'novi_tenant'), p.qual);
  end loop;
  execute format('grant select on %s to novi_tenant', dst);
  if exists (select from pg_policy pol join pg_roles r on r.oid = any (pol.polroles) where pol.polrelid = src and r.rolname = 'novi_rider') then
    execute format('grant select on %s to novi_rider', dst);
  end if;
end $$;

-- 5. The dashboard's status chart and peak hours over a date range, kept per local day of placement
--    by the orders projection (as order_counts): a few rows per day instead of every order of the
--    range (over 100k orders, 30 days held ~43k orders: ~180 ms and ~300 ms a request).
create table order_day_status (
  business_id uuid not null,
  day date not null,
  status text not null,
  n bigint not null,
  primary key (business_id, day, status)
);
create table order_day_hours (
  business_id uuid not null,
  day date not null,
  hour smallint not null check (hour between 0 and 23),
  n bigint not null,
  primary key (business_id, day, hour)
);
insert into order_day_status (business_id, day, status, n)
select o.business_id, (o.created_at at time zone b.timezone)::date, o.status, count(*)
  from orders o join businesses b on b.id = o.business_id group by 1, 2, 3;
insert into order_day_hours (business_id, day, hour, n)
select o.business_id, (o.created_at at time zone b.timezone)::date, extract(hour from o.created_at at time zone b.timezone)::int, count(*)
  from orders o join businesses b on b.id = o.business_id group by 1, 2, 3;
select novi_enable_tenant_rls('order_day_status');
select novi_enable_tenant_rls('order_day_hours');
-- The zone of each business as the orders projection has seen it (from BusinessRegistered /
-- BusinessUpdated in its own subscription), so a placement's local day never waits for the
-- businesses projection, which runs on its own.
create table order_zones (
  business_id uuid primary key,
  timezone text not null
);
insert into order_zones (business_id, timezone) select id, timezone from businesses;
select novi_enable_tenant_rls('order_zones');
