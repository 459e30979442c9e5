// Read model `messages`: the log of what the bot read in linked groups and what it did with each message.
import { sql } from 'slonik';
import { ERASED } from '../src/customers/redaction.ts';
import { jsonRows, ofType, write, type Projection } from './shared.ts';

interface Outcome { business_id: string; message_id: string; outcome: 'order' | 'status' | 'ignored' | 'payment'; reason: string | null; order_id: string | null }

export const messagesProjection: Projection = {
  name: 'messages',
  eventTypes: ['MessageReceived', 'MessageIgnored', 'OrderPlaced', 'StatusChanged', 'CustomerErased', 'PaymentProofReceived'],
  tables: ['messages'],
  async apply({ tx, t, touch }, events) {
    const received = ofType(events, 'MessageReceived');
    if (received.length > 0) {
      const rows = received.map(({ data: d }) => ({
        message_id: d.messageId, business_id: d.businessId, group_id: d.groupId, chat_id: d.chatId,
        sender_name: d.sender.name, sender_phone: d.sender.phone, text: d.text, received_at: d.timestamp,
      }));
      await tx.query(write`
        insert into ${t('messages')} (message_id, business_id, group_id, chat_id, sender_name, sender_phone, text, received_at)
        select * from jsonb_to_recordset(${sql.jsonb(rows)}) as r(message_id text, business_id uuid, group_id uuid, chat_id text,
          sender_name text, sender_phone text, text text, received_at timestamptz)
        on conflict (business_id, message_id) do nothing`);
      for (const e of received) touch({ type: 'message', businessId: e.data.businessId, event: e.type });
    }

    // Every outcome follows its message in the store; the latest outcome of a message wins.
    const outcomes = new Map<string, Outcome>();
    const set = (o: Outcome) => {
      const key = `${o.business_id}:${o.message_id}`;
      outcomes.delete(key);
      outcomes.set(key, o);
    };
    for (const e of events) {
      if (e.type === 'MessageIgnored') {
        set({ business_id: e.data.businessId, message_id: e.data.messageId, outcome: 'ignored', reason: e.data.reason, order_id: null });
      } else if (e.type === 'OrderPlaced') {
        set({ business_id: e.data.businessId, message_id: e.data.source.messageId, outcome: 'order', reason: null, order_id: e.data.orderId });
      } else if (e.type === 'StatusChanged' && e.data.messageId !== null) {
        set({ business_id: e.data.businessId, message_id: e.data.messageId, outcome: 'status', reason: `${e.data.from} → ${e.data.to}`, order_id: e.data.orderId });
      } else if (e.type === 'PaymentProofReceived') {
        set({ business_id: e.data.businessId, message_id: e.data.messageId, outcome: 'payment', reason: 'payment proof attached to the order', order_id: e.data.orderId });
      }
    }
    if (outcomes.size > 0) {
      const rows = [...outcomes.values()];
      await tx.query(write`
        update ${t('messages')} m set outcome = r.outcome, outcome_reason = r.reason, order_id = r.order_id
          from jsonb_to_recordset(${jsonRows(rows)})
               as r(business_id uuid, message_id text, outcome text, reason text, order_id uuid)
         where m.business_id = r.business_id and m.message_id = r.message_id`);
      for (const o of rows) touch({ type: 'message', businessId: o.business_id, event: o.outcome === 'ignored' ? 'MessageIgnored' : o.outcome === 'order' ? 'OrderPlaced' : o.outcome === 'payment' ? 'PaymentProofReceived' : 'StatusChanged' });
    }

    // An erased customer's messages: what their redacted MessageReceived writes on a rebuild.
    // (Inserts above never overwrite, so this runs after them whatever the batch's order.)
    for (const e of ofType(events, 'CustomerErased')) {
      if (e.data.messageIds.length === 0) continue;
      await tx.query(write`
        update ${t('messages')} set text = ${ERASED}, sender_phone = null,
               sender_name = case when coalesce(sender_name, '') = '' then sender_name else ${ERASED} end
         where business_id = ${e.data.businessId} and message_id = any(${sql.array(e.data.messageIds, 'text')})`);
      touch({ type: 'message', businessId: e.data.businessId, event: e.type });
    }
  },
};
