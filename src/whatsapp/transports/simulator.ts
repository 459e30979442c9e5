// The simulator transport: a stand-in for WhatsApp whose chats live in PostgreSQL
// (simulator_inbox in, simulator_outbox out), driven by POST /api/simulator/messages and tests.
import { sql, type DatabasePool } from 'slonik';
import { z } from 'zod';
import { newId } from '../../shared/ids.ts';
import { int8, tsDate } from '../db.ts';
import type { ChatSummary, InboundMessage, OutgoingMessage, Transport, TransportHandlers } from '../transport.ts';

const inboxRow = z.object({
  id: int8,
  chat_id: z.string(),
  message_id: z.string(),
  from_id: z.string(),
  from_name: z.string().nullable(),
  text: z.string(),
  created_at: tsDate,
  quoted_id: z.string().nullable(),
  quoted_text: z.string().nullable(),
});
type InboxRow = z.infer<typeof inboxRow>;

function toInbound(r: InboxRow): InboundMessage {
  return {
    id: r.message_id,
    chatId: r.chat_id,
    senderId: r.from_id,
    senderName: r.from_name,
    text: r.text,
    timestamp: r.created_at,
    kind: 'text',
    ...(r.quoted_id !== null ? { quoted: { id: r.quoted_id, text: r.quoted_text ?? '' } } : {}),
  };
}

export interface SimulatorInboxMessage {
  businessId: string;
  chatId: string;
  messageId?: string;
  /** WhatsApp id of the sender, e.g. `2348031234567@c.us`. */
  fromId: string;
  fromName: string | null;
  text: string;
  /** The bot's message this one replies to (its simulated WhatsApp id), quoted like WhatsApp does. */
  replyTo?: string;
}

/** Delivers a message to a business's simulated WhatsApp, as if someone posted it in `chatId`. */
export async function deliverToSimulator(pool: DatabasePool, m: SimulatorInboxMessage): Promise<{ messageId: string }> {
  const messageId = m.messageId ?? `SIM${newId().replace(/-/g, '').toUpperCase()}`;
  await pool.query(sql.type(z.object({}))`
    with ins as (
      insert into simulator_inbox (business_id, chat_id, message_id, from_id, from_name, text, quoted_id, quoted_text)
      values (${m.businessId}, ${m.chatId}, ${messageId}, ${m.fromId}, ${m.fromName}, ${m.text}, ${m.replyTo ?? null},
        ${m.replyTo ? sql.fragment`(select text from simulator_outbox where business_id = ${m.businessId} and whatsapp_message_id = ${m.replyTo} limit 1)` : null})
      on conflict (business_id, message_id) do nothing
      returning 1
    )
    select pg_notify('novi_session_wake', ${m.businessId}) from ins`);
  return { messageId };
}

const outboxRow = z.object({ whatsapp_message_id: z.string(), sent_at: tsDate });

export interface SimulatorTransportOptions {
  pool: DatabasePool;
  businessId: string;
  /** Fallback poll when no wake-up arrives. */
  pollMs?: number;
}

/** (xid, id): the transport's position in a business's inbox, in the order the fence settles rows. */
interface InboxCursor {
  xid: bigint;
  id: bigint;
}

const fencedRow = inboxRow.extend({ xid: int8, fence: int8 });
const PAGE = 500;
/** Rows handed over ahead of the fence at most (a transaction stuck open elsewhere bounds memory). */
const MAX_EARLY = 20_000;

export class SimulatorTransport implements Transport {
  readonly kind = 'simulator' as const;
  readonly sendDelayMs = [5, 25] as const;
  private cursor: InboxCursor = { xid: 0n, id: 0n };
  /** Read-ahead position over rows not yet settled. */
  private ahead: InboxCursor = { xid: 0n, id: 0n };
  /** Rows handed over before the fence passed them: not handed over again when it does. */
  private readonly early = new Set<bigint>();
  private timer: NodeJS.Timeout | undefined;
  private polling = false;
  private again = false;
  private stopped = false;
  private handlers: TransportHandlers | undefined;

  constructor(private readonly options: SimulatorTransportOptions) {}

  async start(handlers: TransportHandlers): Promise<void> {
    // Live delivery starts at what is settled now; anything older (posted while the session was
    // down) is found by the session's reconciliation through fetchMessages, as with WhatsApp.
    const fence = await this.options.pool.oneFirst(sql.type(z.object({ fence: int8 }))`
      select pg_snapshot_xmin(pg_current_snapshot())::text::bigint as fence`);
    this.cursor = { xid: fence, id: 0n };
    this.ahead = this.cursor;
    this.handlers = handlers; // a wake-up before this point finds nothing to read into
    handlers.ready({ phone: null });
    this.schedule();
  }

  /** A wake-up (NOTIFY forwarded by the supervisor): read the inbox now. */
  poke(): void {
    void this.poll();
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.poll(), this.options.pollMs ?? 1000);
    this.timer.unref?.();
  }

  /**
   * Two reads per wake-up. Settled rows (transaction older than the fence, the oldest transaction
   * still running in the cluster) after the cursor, in (xid, id) order: no row can become visible
   * before them any more, so the cursor moves past them; this path alone never skips a row. Then
   * visible rows beyond the fence, read ahead with their own cursor and remembered: a long write
   * transaction anywhere (a rebuild, another tenant's batch) delays no message, and when path one
   * passes over a remembered row later it is not handed over twice.
   */
  private async poll(): Promise<void> {
    if (this.stopped || !this.handlers) return;
    if (this.polling) {
      this.again = true;
      return;
    }
    this.polling = true;
    clearTimeout(this.timer);
    try {
      do {
        this.again = false;
        // 1. Settled rows after the cursor: the authoritative path, it never skips.
        const { xid, id } = this.cursor;
        const settled = await this.options.pool.any(sql.type(fencedRow)`
          select id, chat_id, message_id, from_id, from_name, text, created_at, quoted_id, quoted_text, xid::text::bigint as xid,
                 pg_snapshot_xmin(pg_current_snapshot())::text::bigint as fence
          from simulator_inbox
          where business_id = ${this.options.businessId} and (xid, id) > (${String(xid)}::text::xid8, ${String(id)}::bigint)
            and xid < pg_snapshot_xmin(pg_current_snapshot())
          order by xid, id limit ${PAGE}`);
        for (const r of settled) {
          this.cursor = { xid: r.xid, id: r.id };
          if (this.early.delete(r.id)) continue; // handed over while still unsettled
          this.handlers?.message(toInbound(r));
        }
        if (settled.length === PAGE) this.again = true;
        // 2. Visible rows beyond the fence (a transaction anywhere in the cluster is still running):
        //    handed over now and remembered, read ahead with a cursor of their own, so a long
        //    transaction elsewhere delays nothing. Path 1 still passes over each of them later.
        if (this.ahead.xid < this.cursor.xid || (this.ahead.xid === this.cursor.xid && this.ahead.id < this.cursor.id)) this.ahead = this.cursor;
        if (this.early.size < MAX_EARLY) {
          const { xid: ax, id: ai } = this.ahead;
          const unsettled = await this.options.pool.any(sql.type(fencedRow)`
            select id, chat_id, message_id, from_id, from_name, text, created_at, quoted_id, quoted_text, xid::text::bigint as xid,
                   pg_snapshot_xmin(pg_current_snapshot())::text::bigint as fence
            from simulator_inbox
            where business_id = ${this.options.businessId} and (xid, id) > (${String(ax)}::text::xid8, ${String(ai)}::bigint)
              and xid >= pg_snapshot_xmin(pg_current_snapshot())
            order by xid, id limit ${PAGE}`);
          for (const r of unsettled) {
            this.ahead = { xid: r.xid, id: r.id };
            if (this.early.has(r.id)) continue;
            this.early.add(r.id);
            this.handlers?.message(toInbound(r));
          }
          if (unsettled.length === PAGE) this.again = true;
        }
      } while (this.again && !this.stopped);
    } catch (e) {
      if (!this.stopped) this.handlers?.disconnected(`simulator inbox unreadable: ${(e as Error).message}`);
      return;
    } finally {
      this.polling = false;
    }
    this.schedule();
  }

  async fetchMessages(chatId: string, limit: number): Promise<InboundMessage[]> {
    const rows = await this.options.pool.any(sql.type(inboxRow)`
      select id, chat_id, message_id, from_id, from_name, text, created_at, quoted_id, quoted_text from simulator_inbox
      where business_id = ${this.options.businessId} and chat_id = ${chatId}
      order by id desc limit ${limit}`);
    return [...rows].reverse().map(toInbound);
  }

  async directChats(since: Date, limit: number): Promise<string[]> {
    return [
      ...(await this.options.pool.anyFirst(sql.type(z.object({ chat_id: z.string() }))`
        select chat_id from simulator_inbox
        where business_id = ${this.options.businessId} and chat_id not like '%@g.us' and created_at >= ${since.toISOString()}::timestamptz
        group by chat_id order by max(id) desc limit ${limit}`)),
    ];
  }

  /**
   * The simulated account's chats: the groups the merchant created in the simulator
   * (simulator_groups) and every chat that received simulator messages, with how many people wrote
   * there and when last. Groups first, most recent first.
   */
  async listChats(limit: number): Promise<ChatSummary[]> {
    const rows = await this.options.pool.any(sql.type(z.object({ chat_id: z.string(), name: z.string().nullable(), participants: z.coerce.number(), last_at: tsDate.nullable() }))`
      select chat_id, max(name) as name, max(participants) as participants, max(last_at) as last_at from (
        select chat_id, name, 0 as participants, null::timestamptz as last_at, created_at from simulator_groups where business_id = ${this.options.businessId}
        union all
        select chat_id, null, count(distinct from_id)::int, max(created_at), min(created_at) from simulator_inbox
          where business_id = ${this.options.businessId} group by chat_id
      ) c
      group by chat_id
      order by (chat_id like '%@g.us') desc, coalesce(max(last_at), max(created_at)) desc, chat_id
      limit ${limit}`);
    return rows.map((r) => ({
      id: r.chat_id,
      name: r.name ?? (r.chat_id.endsWith('@g.us') ? `Simulated group ${r.chat_id.slice(4, 12)}` : r.chat_id),
      isGroup: r.chat_id.endsWith('@g.us'),
      participants: r.participants,
      lastMessageAt: r.last_at,
    }));
  }

  async typing(): Promise<void> {}

  async send(m: OutgoingMessage): Promise<{ whatsappMessageId: string; sentAt: Date }> {
    // Idempotent per outbox id: a re-send after a crash returns the first send.
    const row = await this.options.pool.one(sql.type(outboxRow)`
      insert into simulator_outbox (outbox_id, business_id, group_id, chat_id, recipient, text, in_reply_to, whatsapp_message_id)
      values (${m.outboxId}, ${this.options.businessId}, ${m.groupId}, ${m.chatId}, ${m.recipient}, ${m.text}, ${m.inReplyTo},
             ${`SIMOUT${m.outboxId.replace(/-/g, '').toUpperCase()}`})
      on conflict (outbox_id) do update set outbox_id = excluded.outbox_id
      returning whatsapp_message_id, sent_at`);
    return { whatsappMessageId: row.whatsapp_message_id, sentAt: row.sent_at };
  }

  async findSent(m: OutgoingMessage): Promise<{ whatsappMessageId: string; sentAt: Date } | null> {
    const row = await this.options.pool.maybeOne(sql.type(outboxRow)`
      select whatsapp_message_id, sent_at from simulator_outbox where outbox_id = ${m.outboxId}`);
    return row ? { whatsappMessageId: row.whatsapp_message_id, sentAt: row.sent_at } : null;
  }

  async logout(): Promise<void> {}

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
  }
}
