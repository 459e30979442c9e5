-- Web operational state (not event-sourced): lucia sign-in sessions, and the race-free
-- reservation of usernames/emails that registration takes before appending UserRegistered.

create table if not exists auth_sessions (
  id text primary key,
  user_id uuid not null,
  expires_at timestamptz not null
);
create index if not exists auth_sessions_user on auth_sessions (user_id);

-- One row per account, written by the register request itself in the same request that
-- appends UserRegistered: the unique indexes make two concurrent sign-ups with the same
-- name or email collide here (409) instead of in the async users projection. Sign-in also
-- looks names up here, so it works before the users read model has caught up.
create table if not exists account_names (
  user_id uuid primary key,
  username text not null,
  email text not null,
  created_at timestamptz not null default now()
);
create unique index if not exists account_names_username on account_names (lower(username));
create unique index if not exists account_names_email on account_names (lower(email));
