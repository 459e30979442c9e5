-- Direct chats and customer self-edits (issue 14).
-- A reply may go to a chat other than its group's own: a customer's direct chat, or privately to
-- the customer who ordered in a group. Null keeps today's behaviour (the group's linked chat).
alter table whatsapp_outbox add column chat_id text;

-- The simulator's outbox of one direct chat (GET /api/simulator/outbox?businessId=…&phone=…).
create index simulator_outbox_chat on simulator_outbox (business_id, chat_id, id);

-- A customer asked by message to change their order after the business's self-edit window: the
-- dashboard flags the order until the merchant changes it (orders projection, OrderChangeRequested).
alter table orders add column change_requested_at timestamptz;
alter table orders add column change_request text;
