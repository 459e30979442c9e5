-- Credentials out of the event log, the per-account sign-in throttle, and a notification when a
-- sign-in session ends (so every web process closes that session's websockets at once).
-- Every statement is safe to run again (tests re-apply this file over legacy events).

-- Password hashes: operational state written by the command side (src/accounts/credentials.ts)
-- in the registration flow, never by a projection and never in an event.
create table if not exists credentials (
  user_id uuid primary key,
  password_hash text not null,
  updated_at timestamptz not null default now()
);

-- Move the hashes of UserRegistered (schemaVersion 1) here, then scrub them from es_events:
-- the event data no longer holds a hash and is marked schemaVersion 2 (the shape without it).
insert into credentials (user_id, password_hash, updated_at)
select (data->>'userId')::uuid, data->>'passwordHash', recorded_at
  from es_events
 where type = 'UserRegistered' and data ? 'passwordHash' and coalesce(data->>'passwordHash', '') <> ''
on conflict (user_id) do nothing;

update es_events
   set data = data - 'passwordHash',
       metadata = jsonb_set(metadata, '{schemaVersion}', '2'::jsonb)
 where type = 'UserRegistered' and data ? 'passwordHash';

-- The users read model kept a copy; sign-in reads credentials now.
alter table users drop column if exists password_hash;

-- Failed sign-ins per account name (web/auth/throttle.ts). `key` is the account's id when the
-- name or email belongs to one, else the lower-cased name typed: the same rule either way.
create table if not exists sign_in_throttle (
  key text primary key,
  attempts integer not null,
  last_attempt_at timestamptz not null,
  locked_until timestamptz
);

-- A deleted sign-in session (sign-out, rotation, deactivation, expiry clean-up) is announced on
-- novi_sessions with its user and a digest of its id (never the id itself: any role may LISTEN).
create or replace function auth_session_ended() returns trigger
language plpgsql as $$
begin
  perform pg_notify('novi_sessions', json_build_object(
    'userId', old.user_id,
    'session', encode(sha256(convert_to(old.id, 'UTF8')), 'hex'))::text);
  return old;
end
$$;
drop trigger if exists auth_sessions_ended on auth_sessions;
create trigger auth_sessions_ended after delete on auth_sessions
  for each row execute function auth_session_ended();
