-- Row-level security on the tenant read models: a second wall behind the web layer's scoping.
-- Merchant read paths switch to the NOLOGIN role novi_tenant for one transaction
-- (`set local role novi_tenant; select set_config('novi.business_ids', '<id>,<id>', true)`,
-- web/lib/tenant.ts) and then see only their businesses' rows, even when a query forgets its
-- business filter or is given another tenant's id. Table owners (the app's own connection, the
-- projector, rebuilds) bypass RLS as owners: RLS is enabled, not forced.

do $$
begin
  create role novi_tenant nologin;
exception when duplicate_object then null; -- roles are per server: another database made it
end $$;

-- The app's user must be able to `set role novi_tenant` (a superuser always can).
do $$
begin
  execute format('grant novi_tenant to %I', current_user);
exception when others then null;
end $$;

-- The business ids of the current transaction; none when unset (then nothing is visible).
create or replace function novi_tenant_ids() returns uuid[] language sql stable as $$
  select coalesce(string_to_array(nullif(current_setting('novi.business_ids', true), ''), ',')::uuid[], '{}'::uuid[])
$$;

create or replace function novi_enable_tenant_rls(tbl regclass, col text default 'business_id') returns void language plpgsql as $$
begin
  execute format('alter table %s enable row level security', tbl);
  execute format('drop policy if exists tenant_rows on %s', tbl);
  execute format('create policy tenant_rows on %s for select to novi_tenant using (%I = any (novi_tenant_ids()))', tbl, col);
  execute format('grant select on %s to novi_tenant', tbl);
end $$;

-- `novi rebuild` builds `<table>_rebuild` copies (`like … including all` copies neither RLS nor
-- policies nor grants) and swaps them in: it calls this so the swapped-in table keeps the wall.
create or replace function novi_copy_tenant_rls(src regclass, dst regclass) returns void language plpgsql as $$
declare
  p record;
begin
  if not (select relrowsecurity from pg_class where oid = src) then
    return;
  end if;
  execute format('alter table %s enable row level security', dst);
  for p in
    select pol.polname, pg_get_expr(pol.polqual, pol.polrelid) as qual
    from pg_policy pol where pol.polrelid = src and pol.polcmd = 'r'
  loop
    execute format('drop policy if exists %I on %s', p.polname, dst);
    execute format('create policy %I on %s for select to novi_tenant using (%s)', p.polname, dst, p.qual);
  end loop;
  execute format('grant select on %s to novi_tenant', dst);
end $$;

select novi_enable_tenant_rls('orders');
select novi_enable_tenant_rls('order_items');
select novi_enable_tenant_rls('order_status_history');
select novi_enable_tenant_rls('customers');
select novi_enable_tenant_rls('bot_metrics');
select novi_enable_tenant_rls('daily_sales');
select novi_enable_tenant_rls('hourly_orders');
select novi_enable_tenant_rls('product_sales');
select novi_enable_tenant_rls('messages');
select novi_enable_tenant_rls('groups');
select novi_enable_tenant_rls('catalog_products');
select novi_enable_tenant_rls('businesses', 'id');
select novi_enable_tenant_rls('whatsapp_sessions');
