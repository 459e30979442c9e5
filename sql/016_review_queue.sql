-- Issue 11 §3: the review queue. An order placed below its business's auto-accept threshold has
-- status 'needs_review' (orders.status is free text, no constraint to change) and keeps what the
-- parser doubted, so the order page can highlight it: { confidence, threshold, ask, doubts: [...] }.
alter table orders add column if not exists review jsonb;

-- The review queue is read first on the orders list and the dashboard.
create index if not exists orders_needs_review on orders (business_id, created_at desc) where status = 'needs_review';
