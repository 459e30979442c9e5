-- Read models: written only by projections (projections/*.ts), read by the web layer and analysts.
-- Every table is keyed or indexed by business first: every query is scoped to a tenant.

create table projection_checkpoints (
  name text primary key,
  position bigint not null default 0,
  updated_at timestamptz not null default now(),
  -- A poison event stops its projection: where and why, shown on /health.
  error text,
  error_position bigint
);

create table users (
  id uuid primary key,
  username text not null,
  email text not null,
  phone text,
  role text not null default 'merchant' check (role in ('merchant', 'admin')),
  active boolean not null default true,
  password_hash text not null,
  created_at timestamptz not null,
  updated_at timestamptz not null
);
create unique index users_username_lower on users (lower(username));
create unique index users_email_lower on users (lower(email));

create table businesses (
  id uuid primary key,
  owner_id uuid not null,
  name text not null,
  description text,
  address text,
  phone text,
  email text,
  country text not null,
  currency text not null,
  -- IANA zone used for "today" and per-day/hour aggregates (derived from the country).
  timezone text not null default 'UTC',
  reply_templates jsonb not null default '{}'::jsonb,
  created_at timestamptz not null,
  updated_at timestamptz not null,
  revision bigint not null default 0
);
create index businesses_owner on businesses (owner_id);

create table groups (
  id uuid primary key,
  business_id uuid not null,
  name text not null,
  description text,
  group_type text not null check (group_type in ('sales', 'delivery', 'admin')),
  whatsapp_id text,
  created_at timestamptz not null,
  updated_at timestamptz not null
);
create index groups_business on groups (business_id);
create unique index groups_whatsapp_id on groups (whatsapp_id) where whatsapp_id is not null;

create table catalog_products (
  business_id uuid not null,
  sku text not null,
  name text not null,
  price numeric(14, 2) not null,
  aliases text[] not null default '{}',
  position int not null default 0,
  primary key (business_id, sku)
);

create table orders (
  id uuid primary key,
  business_id uuid not null,
  number int not null,
  group_id uuid,
  status text not null,
  customer_name text,
  customer_phone text,
  customer_address text,
  items jsonb not null default '[]'::jsonb,
  total_amount numeric(14, 2),
  currency text,
  delivery_notes text,
  source jsonb,
  missing text[] not null default '{}',
  response_times jsonb not null default '{}'::jsonb,
  parser_version text,
  -- Lower-cased customer name, phone and item names, for the order list's text search.
  search_text text not null default '',
  created_at timestamptz not null,
  updated_at timestamptz not null,
  revision bigint not null default 0,
  unique (business_id, number)
);
create index orders_business_created on orders (business_id, created_at desc);
create index orders_business_status_created on orders (business_id, status, created_at desc);
create index orders_created on orders (created_at desc);

create table order_items (
  order_id uuid not null,
  business_id uuid not null,
  line int not null,
  sku text,
  name text not null,
  quantity numeric(12, 3) not null,
  unit_price numeric(14, 2),
  primary key (order_id, line)
);
create index order_items_business on order_items (business_id, sku);

create table order_status_history (
  order_id uuid not null,
  business_id uuid not null,
  seq int not null,
  status text not null,
  at timestamptz not null,
  actor text not null,
  source text,
  primary key (order_id, seq)
);

create table customers (
  business_id uuid not null,
  -- E.164 phone when known, else the lower-cased name.
  customer_key text not null,
  name text,
  phone text,
  first_order_at timestamptz not null,
  last_order_at timestamptz not null,
  order_count int not null default 0,
  total_spent numeric(16, 2) not null default 0,
  primary key (business_id, customer_key)
);

create table bot_metrics (
  business_id uuid not null,
  day date not null,
  total_messages int not null default 0,
  orders_processed int not null default 0,
  replies_sent int not null default 0,
  response_time_avg numeric(12, 1),
  response_time_count int not null default 0,
  -- Seconds the session was WORKING this day; uptime_percentage is derived from it.
  uptime_seconds int not null default 0,
  uptime_percentage numeric(5, 2) not null default 0,
  primary key (business_id, day)
);

-- Dashboard aggregates, kept per business in the business's time zone.
create table daily_sales (
  business_id uuid not null,
  day date not null,
  orders int not null default 0,
  revenue numeric(16, 2) not null default 0,
  cancelled int not null default 0,
  primary key (business_id, day)
);

create table hourly_orders (
  business_id uuid not null,
  hour int not null check (hour between 0 and 23),
  orders int not null default 0,
  primary key (business_id, hour)
);

create table product_sales (
  business_id uuid not null,
  -- sku when the item matched the catalog, else the lower-cased name.
  product_key text not null,
  name text not null,
  quantity numeric(14, 3) not null default 0,
  revenue numeric(16, 2) not null default 0,
  orders int not null default 0,
  primary key (business_id, product_key)
);

-- The message log of linked groups (what the bot read and what it did with it).
create table messages (
  message_id text not null,
  business_id uuid not null,
  group_id uuid,
  chat_id text not null,
  sender_name text,
  sender_phone text,
  text text not null,
  received_at timestamptz not null,
  outcome text,
  outcome_reason text,
  order_id uuid,
  primary key (business_id, message_id)
);
create index messages_business_received on messages (business_id, received_at desc);

create table whatsapp_sessions (
  id uuid primary key,
  business_id uuid not null,
  transport text not null,
  state text not null,
  qr text,
  qr_attempts int not null default 0,
  phone text,
  last_seen_at timestamptz,
  last_message_at timestamptz,
  state_since timestamptz not null,
  updated_at timestamptz not null
);
create index whatsapp_sessions_business on whatsapp_sessions (business_id);
