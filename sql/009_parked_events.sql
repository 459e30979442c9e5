-- Parked events (issue 17): an event a subscriber (projection, intake or notifier reactor) cannot
-- handle for a reason that is not transient is set aside here with its error, and the subscriber
-- goes on with every other stream and tenant. Where order matters, later events of the same
-- stream (of the same message, in a chat stream) for the same subscriber wait here behind it
-- ('behind') and are retried when it is.
--   parked    the event failed; waits for a retry (after a fix or an upcaster) or a skip
--   behind    held back by an earlier open event of its stream
--   retry     an admin (or a resolved event ahead of it) asked the subscriber to run it again
--   resolved  handled after all (by a retry or a rebuild)
--   skipped   an admin skipped it with a reason (recorded as ParkedEventSkipped)
create table parked_events (
  subscriber text not null,
  event_id uuid not null,
  position bigint not null,
  stream_id text not null,
  -- What must stay in order: the stream, or one message within a chat stream (orderKey in runner.ts).
  order_key text not null,
  event_type text not null,
  tenant_id text,
  error text not null,
  status text not null check (status in ('parked', 'behind', 'retry', 'resolved', 'skipped')),
  attempts int not null default 1,
  parked_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  resolved_at timestamptz,
  resolution text,
  primary key (subscriber, event_id)
);
create index parked_events_open on parked_events (subscriber, order_key, position) where status in ('parked', 'behind', 'retry');
create index parked_events_recent on parked_events (parked_at desc);

-- The notifier now runs on the shared subscription runner, with its checkpoint beside the others.
insert into projection_checkpoints (name, position)
select 'reactor:notifier', position from notifier_checkpoint where name = 'notifier'
on conflict (name) do nothing;

-- The runner no longer stops on an event (it parks it): a stop recorded by the old runner is lifted,
-- and the event at its checkpoint is met again and parked with its error.
update projection_checkpoints set error = null, error_position = null where error is not null;
