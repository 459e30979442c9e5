-- Who may change an order (issue 17 §2): riders' numbers of a delivery group, and undone status
-- changes in an order's history.

-- Delivery groups only; empty = status messages count from anyone in the group.
alter table groups add column rider_phones text[] not null default '{}';

-- A row written by StatusChangeUndone: `status` is the status restored, `undone_from` the one left.
alter table order_status_history add column undone_from text;
