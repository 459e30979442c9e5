-- Operational tables of the WhatsApp session workers (not read models): desired session state,
-- leases that pin each session to one worker host, the reply outbox and the simulator's mailboxes.

-- What the merchant asked for, written by src/whatsapp/control.ts. The whatsapp_sessions read
-- model lags the events; the supervisors act on this table.
create table whatsapp_session_requests (
  business_id uuid primary key,
  session_id uuid not null unique,
  transport text not null check (transport in ('whatsapp', 'simulator')),
  -- running: a worker should run it; stopped: the merchant stopped it; failed: given up (QR never
  -- scanned, auth failure) until the merchant starts it again.
  status text not null check (status in ('running', 'stopped', 'failed')),
  status_reason text,
  requested_by text not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index whatsapp_session_requests_running on whatsapp_session_requests (status) where status = 'running';

-- One row per session a worker holds. A worker renews its rows on a heartbeat; a row whose
-- expires_at has passed may be taken over by another worker.
create table whatsapp_session_leases (
  session_id uuid primary key,
  owner text not null,
  expires_at timestamptz not null,
  acquired_at timestamptz not null default now()
);

-- Replies to send. id is derived from (event id, kind), so a redelivered event never enqueues twice.
create table whatsapp_outbox (
  id uuid primary key,
  business_id uuid not null,
  group_id uuid not null,
  kind text not null check (kind in ('confirmation', 'question', 'status', 'other')),
  recipient text not null,
  text text not null,
  order_id uuid,
  -- WhatsApp message id of the customer's message this answers (null for status notifications).
  in_reply_to text,
  -- When that message was received, for responseMs.
  source_received_at timestamptz,
  status text not null default 'pending' check (status in ('pending', 'sending', 'sent', 'failed')),
  attempts int not null default 0,
  last_attempt_at timestamptz,
  last_error text,
  whatsapp_message_id text,
  sent_at timestamptz,
  cause_event_id uuid not null,
  created_at timestamptz not null default now()
);
create index whatsapp_outbox_due on whatsapp_outbox (business_id, created_at) where status in ('pending', 'sending');

create table notifier_checkpoint (
  name text primary key,
  position bigint not null default 0,
  updated_at timestamptz not null default now()
);

-- Simulator: what "WhatsApp" delivers to a business's simulated session, in arrival order.
create table simulator_inbox (
  id bigserial primary key,
  business_id uuid not null,
  chat_id text not null,
  message_id text not null,
  from_id text not null,
  from_name text,
  text text not null,
  created_at timestamptz not null default now(),
  unique (business_id, message_id)
);
create index simulator_inbox_chat on simulator_inbox (business_id, chat_id, id);

-- Simulator: what the bot "sent". Unique per outbox id, so a re-send after a crash is a no-op.
create table simulator_outbox (
  id bigserial primary key,
  outbox_id uuid not null unique,
  business_id uuid not null,
  group_id uuid not null,
  chat_id text not null,
  recipient text not null,
  text text not null,
  in_reply_to text,
  whatsapp_message_id text not null,
  sent_at timestamptz not null default now()
);
create index simulator_outbox_group on simulator_outbox (group_id, id);
