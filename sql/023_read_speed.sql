-- Read-path speed at 100k orders per merchant (docs/benchmarks.md, "web").
--
-- 1. Row-level security evaluated once per query, not once per row. The policies compared each
--    row with novi_tenant_ids(), an inlined SQL function, so PostgreSQL re-parsed the
--    `novi.business_ids` setting into a uuid[] for every row: `select count(*) from orders` over
--    100k rows took ~470 ms under the tenant role (seq scan, the policy as a per-row filter).
--    Wrapped in a scalar subquery the ids are an InitPlan computed once, and the count is an
--    index scan. Same rows visible: only the evaluation changes.
create or replace function novi_enable_tenant_rls(tbl regclass, col text default 'business_id') returns void language plpgsql as $$
begin
  execute format('alter table %s enable row level security', tbl);
  execute format('drop policy if exists tenant_rows on %s', tbl);
  execute format('create policy tenant_rows on %s for select to novi_tenant using (%I = any ((select novi_tenant_ids())::uuid[]))', tbl, col);
  execute format('grant select on %s to novi_tenant', tbl);
end $$;

do $$
declare
  p record;
begin
  for p in
    select pol.polrelid::regclass as tbl, substring(pg_get_expr(pol.polqual, pol.polrelid) from '^\(?(\w+) = ANY \(novi_tenant_ids\(\)\)\)?$') as col
      from pg_policy pol where pol.polname = 'tenant_rows'
  loop
    if p.col is not null then
      perform novi_enable_tenant_rls(p.tbl, p.col);
    end if;
  end loop;
end $$;

-- 2. The orders search (`?q=`, a substring of search_text) by trigram index instead of reading
--    every order of the merchant. pg_trgm is a trusted extension: the database owner may create it.
create extension if not exists pg_trgm;
create index if not exists orders_search_trgm on orders using gin (search_text gin_trgm_ops);

-- 3. Orders per business and status, kept by the orders projection (projections/orders.ts), so the
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
