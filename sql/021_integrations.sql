-- Issue 18, integrations: API keys per business and outgoing webhooks with their delivery outbox.
-- All three tables are operational state written by the command side (src/integrations/), like
-- credentials (sql/011): never a projection, and never readable by novi_tenant or novi_analyst.
-- The event log holds ApiKeyCreated/ApiKeyRevoked and WebhookAdded/WebhookRemoved with ids, names
-- and URLs only: never a key, its hash or a webhook secret.

-- `hash` is the hex SHA-256 of the whole token (`novi_<43 base64url chars>`, 256 random bits);
-- `prefix` is its first 12 characters, shown in lists so a merchant can tell keys apart.
create table if not exists api_keys (
  id uuid primary key,
  business_id uuid not null,
  name text not null check (length(name) between 1 and 100),
  prefix text not null check (length(prefix) <= 16),
  hash text not null unique check (hash ~ '^[0-9a-f]{64}$'),
  created_by uuid not null,
  created_at timestamptz not null default now(),
  last_used_at timestamptz,
  revoked_at timestamptz
);
create index if not exists api_keys_business on api_keys (business_id, created_at);

-- `secret` signs each delivery (HMAC-SHA256); it must be readable to sign, so it is kept as is,
-- in a table only Novi's own database user reads. `from_position`: the event-store head when the
-- webhook was added; the reactor enqueues only events after it (no replay of old history).
-- `failures` / `paused_until`: the endpoint's own backoff, so one failing endpoint only delays itself.
create table if not exists webhooks (
  id uuid primary key,
  business_id uuid not null,
  url text not null check (length(url) between 8 and 2048),
  secret text not null,
  events text[] not null,
  from_position bigint not null default 0,
  created_by uuid not null,
  created_at timestamptz not null default now(),
  failures integer not null default 0,
  paused_until timestamptz not null default '-infinity'
);
create index if not exists webhooks_business on webhooks (business_id, created_at);

-- The outbox and the delivery log in one: a row per (event, webhook), or per "send test".
-- status: pending (due at next_attempt_at), sending (claimed until claimed_until), delivered, failed.
create table if not exists webhook_deliveries (
  id uuid primary key,
  webhook_id uuid not null references webhooks (id) on delete cascade,
  business_id uuid not null,
  event_type text not null,
  event_id uuid,
  body text not null,
  status text not null default 'pending' check (status in ('pending', 'sending', 'delivered', 'failed')),
  attempts integer not null default 0,
  next_attempt_at timestamptz not null default now(),
  claimed_until timestamptz,
  last_status_code integer,
  last_error text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  delivered_at timestamptz
);
create index if not exists webhook_deliveries_due on webhook_deliveries (next_attempt_at) where status in ('pending', 'sending');
create index if not exists webhook_deliveries_log on webhook_deliveries (webhook_id, created_at desc);
