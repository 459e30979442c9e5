-- The PostgreSQL-backed event store (the embedded default).
--
-- Ordering promise: a reader of $all never skips an event. Appends serialize on a
-- transaction-scoped advisory lock taken before positions are drawn and released only after
-- commit (after the transaction is visible), so global positions become visible strictly in
-- order: when a reader sees position N, every position below N is committed or rolled back
-- for good. Rolled-back positions leave holes that are never filled, which readers ignore.
-- (PostgreSQL releases a transaction's locks only after it has left the proc array, i.e. after
-- its rows are visible to new snapshots, so the next appender draws its positions only once every
-- lower position is settled.) Every statement of es_append runs on a fresh snapshot taken after
-- the lock (read committed, volatile function), so the revision and duplicate checks see the
-- previous appender's commit. Writers that insert into es_events without es_append would bypass
-- the fence: don't.
-- Idempotency: event ids are unique; appending an id already stored (in this stream) is reported
-- as success whatever the expected revision, and an id repeated inside one batch is stored once.
create table es_streams (
  stream_id text primary key,
  revision bigint not null
);

create table es_events (
  position bigint generated always as identity primary key,
  stream_id text not null,
  revision bigint not null,
  event_id uuid not null unique,
  type text not null,
  data jsonb not null,
  metadata jsonb not null,
  recorded_at timestamptz not null default clock_timestamp(),
  unique (stream_id, revision)
);
create index es_events_type_position on es_events (type, position);
create index es_events_tenant_position on es_events ((metadata->>'tenantId'), position);

-- p_expected: 'any' | 'no_stream' | 'stream_exists' | a revision as text.
-- Returns status 'ok' | 'duplicate' | 'conflict' | 'foreign_id', the stream revision after the
-- append (or the actual one on conflict, -1 for no stream) and the last position written.
create function es_append(p_stream text, p_expected text, p_ids uuid[], p_types text[], p_data jsonb[], p_meta jsonb[])
returns table (status text, revision bigint, last_position bigint)
language plpgsql as $$
declare
  v_current bigint;
  v_new_ids uuid[];
  v_foreign text;
  v_pos bigint;
  v_count int;
  v_conflict boolean;
begin
  perform pg_advisory_xact_lock(7245001);

  select e.stream_id into v_foreign from es_events e
   where e.event_id = any(p_ids) and e.stream_id <> p_stream limit 1;
  if v_foreign is not null then
    return query select 'foreign_id'::text, -1::bigint, 0::bigint;
    return;
  end if;

  select s.revision into v_current from es_streams s where s.stream_id = p_stream;

  select array_agg(i order by ord) into v_new_ids from (
    select distinct on (u.i) u.i, u.ord from unnest(p_ids) with ordinality as u(i, ord) order by u.i, u.ord
  ) d
   where not exists (select 1 from es_events e where e.event_id = d.i);

  if v_new_ids is null then
    select max(e.position) into v_pos from es_events e where e.event_id = any(p_ids);
    return query select 'duplicate'::text, coalesce(v_current, -1), coalesce(v_pos, 0);
    return;
  end if;

  -- Separate IF branches, not one boolean expression: SQL does not promise left-to-right
  -- evaluation, and p_expected::bigint must never be evaluated for 'any' / 'no_stream' / ….
  if p_expected = 'any' then
    v_conflict := false;
  elsif p_expected = 'no_stream' then
    v_conflict := v_current is not null;
  elsif p_expected = 'stream_exists' then
    v_conflict := v_current is null;
  elsif p_expected ~ '^-?[0-9]+$' then
    v_conflict := coalesce(v_current, -1) <> p_expected::bigint;
  else
    raise exception 'es_append: invalid expected revision %', p_expected using errcode = '22023';
  end if;

  if v_conflict then
    return query select 'conflict'::text, coalesce(v_current, -1), 0::bigint;
    return;
  end if;

  v_current := coalesce(v_current, -1);
  with input as (
    select distinct on (t.id) t.id, t.type, t.data, t.meta, t.ord
      from unnest(p_ids, p_types, p_data, p_meta) with ordinality as t(id, type, data, meta, ord)
     where t.id = any(v_new_ids)
     order by t.id, t.ord
  ), numbered as (
    select input.*, v_current + row_number() over (order by ord) as rev from input
  ), ins as (
    insert into es_events (stream_id, revision, event_id, type, data, metadata)
    select p_stream, rev, id, type, data, meta from numbered order by rev
    returning es_events.position, es_events.revision
  )
  select max(ins.position), max(ins.revision), count(*) into v_pos, v_current, v_count from ins;

  insert into es_streams as s (stream_id, revision) values (p_stream, v_current)
    on conflict (stream_id) do update set revision = excluded.revision;

  perform pg_notify('novi_events', v_pos::text);
  return query select 'ok'::text, v_current, v_pos;
end;
$$;
