-- Issue 18 (Staff): who works in a business and with what role, pending invitations, and which
-- rider delivers which order. Written only by the `members` projection (projections/members.ts).
-- Row-level security now follows the membership: a tenant transaction that names a user
-- (`novi.user_id`, web/lib/tenant.ts) sees a business's rows only while that user is its owner or
-- staff, and a rider sees only the orders assigned to them.

create table if not exists memberships (
  business_id uuid not null,
  user_id uuid not null,
  role text not null check (role in ('owner', 'staff', 'rider')),
  -- The account that registered the business: always an owner, never removed or demoted.
  founder boolean not null default false,
  joined_at timestamptz not null,
  updated_at timestamptz not null,
  primary key (business_id, user_id)
);
create index if not exists memberships_user on memberships (user_id);

create table if not exists invitations (
  id uuid primary key,
  business_id uuid not null,
  -- A username or an e-mail address, lower-cased; accepted by the account that has it.
  invitee text not null,
  role text not null check (role in ('owner', 'staff', 'rider')),
  invited_by uuid not null,
  status text not null check (status in ('pending', 'accepted', 'revoked')),
  expires_at timestamptz not null,
  accepted_by uuid,
  created_at timestamptz not null,
  updated_at timestamptz not null
);
create index if not exists invitations_business on invitations (business_id, created_at desc);
create index if not exists invitations_invitee on invitations (invitee) where status = 'pending';

create table if not exists order_assignments (
  order_id uuid primary key,
  business_id uuid not null,
  rider_id uuid not null,
  assigned_by text not null,
  assigned_at timestamptz not null
);
create index if not exists order_assignments_rider on order_assignments (rider_id);

-- Owners of businesses registered before this migration (the projection does the same from
-- BusinessRegistered, so a rebuild gives these rows too).
insert into memberships (business_id, user_id, role, founder, joined_at, updated_at)
select id, owner_id, 'owner', true, created_at, updated_at from businesses
on conflict (business_id, user_id) do nothing;

-- The user of the current tenant transaction (null when the caller named none).
create or replace function novi_user_id() returns uuid language sql stable as $$
  select nullif(current_setting('novi.user_id', true), '')::uuid
$$;

-- The requested businesses; when a user is named, only those where they are owner or staff now
-- (the founder of a business always is).
-- Security definer: novi_tenant itself has no access to memberships.
create or replace function novi_tenant_ids() returns uuid[] language sql stable security definer set search_path from current as $$
  select case
    when novi_user_id() is null then coalesce(string_to_array(nullif(current_setting('novi.business_ids', true), ''), ',')::uuid[], '{}'::uuid[])
    else coalesce((
      select array_agg(x.id) from (
        select m.business_id as id from memberships m where m.user_id = novi_user_id() and m.role in ('owner', 'staff')
        union
        -- The founder, even before the members projection has caught up with BusinessRegistered.
        select b.id from businesses b where b.owner_id = novi_user_id()
      ) x
       where x.id = any (coalesce(string_to_array(nullif(current_setting('novi.business_ids', true), ''), ',')::uuid[], '{}'::uuid[]))
    ), '{}'::uuid[])
  end
$$;

-- Orders assigned to the named user in businesses where they are a rider now.
create or replace function novi_rider_order_ids() returns uuid[] language sql stable security definer set search_path from current as $$
  select coalesce(array_agg(a.order_id), '{}'::uuid[])
    from order_assignments a
    join memberships m on m.business_id = a.business_id and m.user_id = a.rider_id and m.role = 'rider'
   where novi_user_id() is not null and a.rider_id = novi_user_id()
$$;

-- Policies evaluate the id list once per statement (an InitPlan), not once per row.
create or replace function novi_enable_tenant_rls(tbl regclass, col text default 'business_id') returns void language plpgsql as $$
begin
  execute format('alter table %s enable row level security', tbl);
  execute format('drop policy if exists tenant_rows on %s', tbl);
  execute format('create policy tenant_rows on %s for select to novi_tenant using (%I = any ((select novi_tenant_ids())::uuid[]))', tbl, col);
  execute format('grant select on %s to novi_tenant', tbl);
end $$;

-- Every existing tenant policy (sql/007, sql/014 and any later migration's) in the new form.
do $$
declare
  p record;
  col text;
begin
  for p in
    select pol.polrelid::regclass as tbl, pg_get_expr(pol.polqual, pol.polrelid) as qual
      from pg_policy pol where pol.polname = 'tenant_rows'
  loop
    col := (regexp_match(p.qual, '^\(?"?([a-z_]+)"? = ANY \(novi_tenant_ids\(\)\)\)?$'))[1];
    if col is not null then
      perform novi_enable_tenant_rls(p.tbl, col);
    end if;
  end loop;
end $$;

select novi_enable_tenant_rls('memberships');
select novi_enable_tenant_rls('invitations');
select novi_enable_tenant_rls('order_assignments');

-- A rider reads the orders assigned to them, and nothing else of the business.
drop policy if exists rider_rows on orders;
create policy rider_rows on orders for select to novi_tenant using (id = any ((select novi_rider_order_ids())::uuid[]));
