-- Relaxed durability for re-derivable events (see `durability` in src/eventstore/types.ts).
--
-- es_append_relaxed is es_append (sql/001, unchanged: same lock, same ordering fence, same
-- idempotency) in a transaction whose commit does not wait for its WAL flush:
-- `synchronous_commit = off` set with is_local = true lasts until the end of this one
-- transaction (the adapter calls it as a single autocommit statement), so it never leaks to the
-- pooled connection's next transaction. The function has no SET clause on purpose: a SET clause
-- would restore the setting when the function returns, i.e. before the commit that reads it.
-- The WAL is still written and flushed in order, so any later durable commit anywhere in the
-- database also makes this one durable.
create function es_append_relaxed(p_stream text, p_expected text, p_ids uuid[], p_types text[], p_data jsonb[], p_meta jsonb[])
returns table (status text, revision bigint, last_position bigint)
language plpgsql as $$
begin
  perform set_config('synchronous_commit', 'off', true);
  return query select a.status, a.revision, a.last_position from es_append(p_stream, p_expected, p_ids, p_types, p_data, p_meta) a;
end;
$$;
