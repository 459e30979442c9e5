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
