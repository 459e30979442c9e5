-- The PostgreSQL-backed event store (the embedded default).
--
-- Ordering promise: a reader of $all never skips an event. Appends serialize on a
-- transaction-scoped advisory lock taken before positions are drawn and released only after
-- commit (after the transaction is visible), so global positions become visible strictly in
-- order: when a reader sees position N, every position below N is committed or rolled back
-- for good. Rolled-back positions leave holes that are never filled, which readers ignore.
-- Idempotency: event ids are unique; appending an id already stored is reported as success.
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
begin
  perform pg_advisory_xact_lock(7245001);

  select e.stream_id into v_foreign from es_events e
   where e.event_id = any(p_ids) and e.stream_id <> p_stream limit 1;
  if v_foreign is not null then
    return query select 'foreign_id'::text, -1::bigint, 0::bigint;
    return;
  end if;

  select s.revision into v_current from es_streams s where s.stream_id = p_stream;

  select array_agg(i) into v_new_ids from unnest(p_ids) as i
   where not exists (select 1 from es_events e where e.event_id = i);

  if v_new_ids is null then
    select max(e.position) into v_pos from es_events e where e.event_id = any(p_ids);
    return query select 'duplicate'::text, coalesce(v_current, -1), coalesce(v_pos, 0);
    return;
  end if;

  if (p_expected = 'no_stream' and v_current is not null)
     or (p_expected = 'stream_exists' and v_current is null)
     or (p_expected not in ('any', 'no_stream', 'stream_exists') and coalesce(v_current, -1) <> p_expected::bigint) then
    return query select 'conflict'::text, coalesce(v_current, -1), 0::bigint;
    return;
  end if;

  v_current := coalesce(v_current, -1);
  with input as (
    select t.id, t.type, t.data, t.meta, t.ord
      from unnest(p_ids, p_types, p_data, p_meta) with ordinality as t(id, type, data, meta, ord)
     where t.id = any(v_new_ids)
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
