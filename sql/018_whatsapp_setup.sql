-- Issue 14, "Setting up WhatsApp without typing ids": unlinked groups keep their row (history
-- stays), the session child's answer to "which chats does this account have", and the
-- simulator's own groups.

-- GroupUnlinked: the row stays for the history (orders and messages name it); lists and the
-- session skip it, and its chat id is freed for another group.
alter table groups add column if not exists unlinked_at timestamptz;

-- Operational (not a read model): the web asks for a business's chat list (requested_at, NOTIFY
-- novi_session_chats), the session child that holds the business answers here (listed_at, chats).
create table if not exists whatsapp_chat_lists (
  business_id uuid primary key,
  requested_at timestamptz not null default now(),
  session_id uuid,
  listed_at timestamptz,
  -- [{ id, name, isGroup, participants, lastMessageAt }], at most 200 (src/whatsapp/chats.ts).
  chats jsonb not null default '[]',
  error text
);

-- Simulated WhatsApp groups a merchant created in the simulator ("New simulated group"). A chat
-- that received simulator messages exists too (simulator_inbox); this adds chats nobody wrote in yet.
create table if not exists simulator_groups (
  business_id uuid not null,
  chat_id text not null,
  name text not null,
  created_at timestamptz not null default now(),
  primary key (business_id, chat_id)
);
create index if not exists simulator_inbox_chat on simulator_inbox (business_id, chat_id, id);

-- A simulator message that replies to (quotes) a message the bot sent: a rider answering an
-- order summary. The quoted text is copied in when the message is posted, as WhatsApp shows it.
alter table simulator_inbox add column if not exists quoted_id text;
alter table simulator_inbox add column if not exists quoted_text text;
