-- Customer erasure (issue 17 §5): which stored events carry an erased customer's personal data.
-- Written by the erasure command (src/customers/erasure.ts), not by a projection, and read on every
-- read of the event store (src/eventstore/redacting.ts), which replaces those fields with markers.
-- The log itself stays append-only; these rows are what makes its reads forget the customer.
create table if not exists customer_erasures (
  erasure_id uuid primary key,
  business_id uuid not null,
  -- The customer's stream uuid (src/customers/customer.ts): a hash of business and key, never the phone.
  customer_ref uuid not null,
  -- pending: listed, CustomerErased not yet appended (a retry of the same customer resumes it).
  status text not null check (status in ('pending', 'recorded')),
  requested_by text not null,
  requested_at timestamptz not null default now(),
  recorded_at timestamptz,
  events int not null default 0
);
create index if not exists customer_erasures_customer on customer_erasures (business_id, customer_ref);

create table if not exists erased_events (
  event_id uuid primary key,
  erasure_id uuid not null references customer_erasures (erasure_id)
);
create index if not exists erased_events_erasure on erased_events (erasure_id);
