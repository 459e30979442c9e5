-- The simulator inbox is read by a cursor while web requests insert concurrently. A serial id is
-- drawn before its transaction commits, so ids become visible out of order and a reader that
-- advances `id > cursor` skips a row committed late (issue 16: 19 of 2,500 messages lost).
-- Each row now records its inserting transaction (xid8); the transport reads in (xid, id) order
-- and only advances its cursor over rows whose transaction is older than every transaction still
-- running (pg_snapshot_xmin), the same visibility fence event stores use.
alter table simulator_inbox add column xid xid8 not null default pg_current_xact_id();
create index simulator_inbox_fence on simulator_inbox (business_id, xid, id);

-- Reply outbox: retries wait (next_attempt_at) instead of being taken again at once. A claim moves
-- next_attempt_at past a visibility timeout, so a row left in 'sending' by a crashed sender is
-- taken again after that timeout; a failed attempt sets it to now() + backoff.
alter table whatsapp_outbox add column next_attempt_at timestamptz not null default now();
drop index whatsapp_outbox_due;
create index whatsapp_outbox_due on whatsapp_outbox (business_id, next_attempt_at) where status in ('pending', 'sending');
