// One running WhatsApp session: session events, intake of linked groups' messages (live and
// reconciled after downtime), and delivery of the reply outbox. Runs inside a session child.
import { sql, type DatabasePool } from 'slonik';
import { z } from 'zod';
import type { EventStore, NewEvent } from '../eventstore/types.ts';
import { eventSchemas, makeMetadata, MAX_INT, type NoviEventData, type NoviEventType } from '../events/catalog.ts';
import { directChatGroupId, eventId, messageReceivedEventId, newId } from '../shared/ids.ts';
import { readBusiness } from '../businesses/business.ts';
import type { Logger } from '../logger.ts';
import { tsDate, tsDateNullable } from './db.ts';
import { boundChats, MAX_CHATS } from './chats.ts';
import { isDirectChat, isGroupChat, phoneFromWhatsappId, simulatorChatId, type InboundMessage, type OutgoingMessage, type Transport } from './transport.ts';

export type SessionOutcome = { kind: 'stopped' } | { kind: 'failed'; reason: string } | { kind: 'disconnected'; reason: string };

export interface SessionOptions {
  sessionId: string;
  businessId: string;
  pool: DatabasePool;
  store: EventStore;
  transport: Transport;
  logger: Logger;
  onState?: (state: 'STARTING' | 'SCAN_QR_CODE' | 'WORKING') => void;
  /** Outbox poll when no wake-up arrives. */
  outboxPollMs?: number;
  outboxRetry?: Partial<OutboxRetry>;
  /**
   * While working, reconcile every linked group this often as well as on (re)connection: a
   * safety net for a message the live feed never delivered (WhatsApp Web drops events now and
   * then; a transport hiccup must not turn into a lost order). Idempotent, so it costs one
   * history fetch per group.
   */
  reconcileEveryMs?: number;
  /** How far back reconciliation compares a chat's history with what is recorded (default 24 h). */
  reconcileWindowMs?: number;
}

/**
 * Reply retries: a failed send waits base × 2^(attempt-1), at most maxMs, and the reply is given
 * up after `attempts` tries (defaults: 5 s doubling to 10 min, 12 tries ≈ 50 minutes, so an outage
 * of WhatsApp or of the network loses no reply). A claimed row is invisible for visibilityMs; a
 * row still 'sending' after that (its sender crashed) is taken again, checking first whether the
 * crashed attempt had sent it.
 */
export interface OutboxRetry {
  baseMs: number;
  maxMs: number;
  attempts: number;
  visibilityMs: number;
}
export const OUTBOX_RETRY: OutboxRetry = { baseMs: 5000, maxMs: 600_000, attempts: 12, visibilityMs: 60_000 };
const DAY_MS = 86_400_000;
/** Margin for WhatsApp timestamps against recording order and clocks. */
const CLOCK_SKEW_MS = 3_600_000;
/** Messages fetched from one chat's history per reconciliation at most. */
const MAX_HISTORY = 3200;
/** Events read back from a chat stream to learn what is recorded, at most. */
const MAX_STREAM_SCAN = 20_000;
/** Direct chats compared per reconciliation at most (the most recently active). */
const MAX_DIRECT_CHATS = 200;
/** Direct chats are reconciled on (re)connection and then at most this often. */
const DIRECT_RECONCILE_MS = 5 * 60_000;
/** Message ids remembered per chat (the window's worth on a busy group). */
const MAX_REMEMBERED = 50_000;

interface ChatMemory {
  /** Start of the window the ids cover (ms). */
  since: number;
  /** Message id → WhatsApp timestamp (ms). */
  ids: Map<string, number>;
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const groupRow = z.object({ id: z.string(), whatsapp_id: z.string().nullable(), created_at: tsDate });
const outboxClaim = z.object({
  id: z.string(),
  group_id: z.string(),
  kind: z.enum(['confirmation', 'question', 'status', 'other']),
  recipient: z.string(),
  text: z.string(),
  order_id: z.string().nullable(),
  in_reply_to: z.string().nullable(),
  source_received_at: tsDateNullable,
  attempts: z.number(),
  prev_status: z.string(),
  prev_attempt_at: tsDateNullable,
  whatsapp_id: z.string().nullable(),
  chat_id: z.string().nullable(),
});

export class Session {
  state: 'STARTING' | 'SCAN_QR_CODE' | 'WORKING' = 'STARTING';
  /** Resolves when the session ends, with why. */
  readonly done: Promise<SessionOutcome>;
  private finish!: (o: SessionOutcome) => void;
  private queue: Promise<void> = Promise.resolve();
  private ended = false;
  private outboxTimer: NodeJS.Timeout | undefined;
  private reconcileTimer: NodeJS.Timeout | undefined;
  private draining = false;
  private drainAgain = false;
  private readonly groupCache = new Map<string, { groupId: string | null; until: number }>();
  private directCache: { on: boolean; until: number } | undefined;
  private directReconciledAt = Number.NEGATIVE_INFINITY;
  /** Per group: the message ids recorded over the reconciliation window. */
  private readonly memory = new Map<string, ChatMemory>();
  private readonly sim: boolean;
  private readonly retry: OutboxRetry;

  constructor(private readonly o: SessionOptions) {
    this.retry = { ...OUTBOX_RETRY, ...o.outboxRetry };
    this.done = new Promise((resolve) => (this.finish = resolve));
    this.sim = o.transport.kind === 'simulator';
  }

  private get log(): Logger {
    return this.o.logger;
  }

  private async appendSessionEvent<T extends 'SessionStarted' | 'QrIssued' | 'SessionReady' | 'SessionDisconnected' | 'SessionFailed'>(
    type: T,
    extra: Omit<NoviEventData<T>, 'sessionId' | 'businessId' | 'transport'>,
  ): Promise<void> {
    const data = { sessionId: this.o.sessionId, businessId: this.o.businessId, transport: this.o.transport.kind, ...extra };
    await this.append(`session-${this.o.sessionId}`, newId(), type, data, 'system');
  }

  private async append(streamId: string, id: string, type: NoviEventType, data: unknown, actor: string, causationId: string | null = null): Promise<boolean> {
    const parsed = eventSchemas[type].parse(data);
    const event: NewEvent = {
      id,
      type,
      data: parsed,
      metadata: makeMetadata({ tenantId: this.o.businessId, actor, correlationId: id, causationId, now: new Date(), type }),
    };
    const r = await this.o.store.append(streamId, [event]);
    return r.written;
  }

  private setState(s: 'STARTING' | 'SCAN_QR_CODE' | 'WORKING'): void {
    this.state = s;
    this.o.onState?.(s);
  }

  private end(o: SessionOutcome): void {
    if (this.ended) return;
    this.ended = true;
    clearTimeout(this.outboxTimer);
    clearInterval(this.reconcileTimer);
    this.finish(o);
  }

  /** Serialises intake work, so recording order follows WhatsApp's order within a chat. */
  private enqueue(task: () => Promise<void>): void {
    this.queue = this.queue.then(task).catch((e: unknown) => {
      this.log.error({ err: e, sessionId: this.o.sessionId }, 'session intake failed');
      void this.fail('disconnected', `intake error: ${(e as Error).message}`);
    });
  }

  private async fail(kind: 'failed' | 'disconnected', reason: string): Promise<void> {
    if (this.ended) return;
    try {
      await this.appendSessionEvent(kind === 'failed' ? 'SessionFailed' : 'SessionDisconnected', { reason });
    } catch (e) {
      this.log.warn({ err: e }, 'could not record session end');
    }
    this.end({ kind, reason });
  }

  async start(): Promise<void> {
    await this.appendSessionEvent('SessionStarted', {});
    this.setState('STARTING');
    let qrAttempt = 0;
    await this.o.transport
      .start({
        qr: (qr) => {
          qrAttempt += 1;
          const attempt = qrAttempt;
          this.setState('SCAN_QR_CODE');
          this.appendSessionEvent('QrIssued', { qr, attempt }).catch((e: unknown) => this.log.warn({ err: e }, 'QrIssued not recorded'));
        },
        ready: ({ phone }) => {
          this.enqueue(async () => {
            await this.appendSessionEvent('SessionReady', { phone });
            this.setState('WORKING');
            await this.reconcile();
            this.poke();
            void this.answerChatList().catch((e: unknown) => this.log.warn({ err: e }, 'chat list not answered'));
            clearInterval(this.reconcileTimer);
            this.reconcileTimer = setInterval(() => {
              if (this.state === 'WORKING') this.enqueue(() => this.reconcile().then(() => undefined));
            }, this.o.reconcileEveryMs ?? 60_000);
            this.reconcileTimer.unref?.();
          });
        },
        message: (m) => this.enqueue(() => this.ingest(m).then(() => undefined)),
        edited: (e) => this.enqueue(() => this.recordChange(e.chatId, 'MessageEdited', e.id, e.senderId, { text: e.text, editedAt: e.editedAt.toISOString() }, e.editedAt)),
        revoked: (e) => this.enqueue(() => this.recordChange(e.chatId, 'MessageRevoked', e.id, e.senderId, { revokedAt: e.revokedAt.toISOString() }, null)),
        disconnected: (reason) => void this.fail('disconnected', reason),
        failed: (reason) => void this.fail('failed', reason),
      })
      .catch((e: unknown) => this.fail('disconnected', `transport did not start: ${(e as Error).message}`));
  }

  /**
   * The web asked for the account's chats (whatsapp_chat_lists.requested_at): answered from the
   * transport, bounded (src/whatsapp/chats.ts), with the error when WhatsApp could not list them.
   * Also asked once on WORKING, so a request made while pairing is answered.
   */
  async answerChatList(): Promise<void> {
    if (this.ended || this.state !== 'WORKING') return;
    const pending = await this.o.pool.maybeOneFirst(sql.type(z.object({ requested_at: tsDate }))`
      select requested_at from whatsapp_chat_lists
      where business_id = ${this.o.businessId} and (listed_at is null or listed_at < requested_at)`);
    if (!pending) return;
    let chats: unknown[] = [];
    let error: string | null = null;
    try {
      chats = boundChats(await this.o.transport.listChats(MAX_CHATS));
    } catch (e) {
      error = `WhatsApp did not list the chats: ${(e as Error).message}`.slice(0, 500);
      this.log.warn({ err: e, sessionId: this.o.sessionId }, 'chat list failed');
    }
    await this.o.pool.query(sql.type(z.object({}))`
      update whatsapp_chat_lists set session_id = ${this.o.sessionId}, listed_at = greatest(now(), requested_at),
        chats = ${sql.jsonb(chats as never)}, error = ${error}
      where business_id = ${this.o.businessId}`);
  }

  /** A wake-up: new inbox messages or outbox rows may be waiting. */
  poke(): void {
    this.o.transport.poke?.();
    if (this.state === 'WORKING') void this.drainOutbox();
  }

  async stop(options: { logout: boolean }): Promise<void> {
    if (options.logout) await this.o.transport.logout();
    await this.o.transport.stop();
    await this.queue.catch(() => undefined);
    this.end({ kind: 'stopped' });
  }

  // ── messages in ────────────────────────────────────────────────────────────────────

  private async groupFor(chatId: string): Promise<string | null> {
    const cached = this.groupCache.get(chatId);
    if (cached && cached.until > Date.now()) return cached.groupId;
    const sim = this.sim;
    const groupId = await this.o.pool.maybeOneFirst(sql.type(z.object({ id: z.string() }))`
      select id from groups
      where business_id = ${this.o.businessId} and unlinked_at is null
        and (whatsapp_id = ${chatId} or (${sim} and whatsapp_id is null and 'sim-' || id::text || '@g.us' = ${chatId}))
      limit 1`);
    // A group linked a moment ago shows up within seconds; a known group is cached longer.
    this.groupCache.set(chatId, { groupId, until: Date.now() + (groupId ? 30_000 : 3_000) });
    return groupId;
  }

  /** Whether the business takes orders in direct chats (its setting, read from its stream, cached briefly). */
  private async directOrders(): Promise<boolean> {
    if (this.directCache && this.directCache.until > Date.now()) return this.directCache.on;
    const b = await readBusiness(this.o.store, this.o.businessId);
    const on = b.kind === 'registered' && b.settings.directOrders;
    this.directCache = { on, until: Date.now() + 5_000 };
    return on;
  }

  /**
   * Where a message is recorded: a linked group's chat stream, or the customer's direct chat
   * (`@c.us` / `@lid`) when the business takes direct orders; null when it is not stored at all
   * (unlinked groups, status updates, channels, direct chats with the setting off).
   */
  private async homeOf(chatId: string): Promise<string | null> {
    if (isGroupChat(chatId)) return this.groupFor(chatId);
    if (isDirectChat(chatId) && (await this.directOrders())) return directChatGroupId(this.o.businessId, chatId);
    return null;
  }

  /** Records a message if it comes from a linked group or a direct chat the business reads. True when newly stored. */
  async ingest(m: InboundMessage): Promise<boolean> {
    const groupId = await this.homeOf(m.chatId);
    if (!groupId) return false;
    return this.record(groupId, m);
  }

  private async record(groupId: string, m: InboundMessage): Promise<boolean> {
    const data: NoviEventData<'MessageReceived'> = {
      messageId: m.id,
      businessId: this.o.businessId,
      groupId,
      chatId: m.chatId,
      sessionId: this.o.sessionId,
      sender: { id: m.senderId, name: m.senderName, phone: m.senderPhone !== undefined ? m.senderPhone : phoneFromWhatsappId(m.senderId) },
      text: m.text,
      timestamp: m.timestamp.toISOString(),
      kind: m.kind,
      ...(m.nativeOrder ? { nativeOrder: m.nativeOrder } : {}),
      ...(m.quoted ? { quoted: { messageId: m.quoted.id.slice(0, 300) || 'unknown', text: m.quoted.text.slice(0, 4096) } } : {}),
    };
    const written = await this.append(`chat-${groupId}`, messageReceivedEventId(this.o.businessId, m.id), 'MessageReceived', data, m.senderId);
    this.remember(groupId, m);
    return written;
  }

  /** An edit or a deletion in a linked group, on the chat stream next to the message it changes. */
  private async recordChange(
    chatId: string,
    type: 'MessageEdited' | 'MessageRevoked',
    messageId: string,
    senderId: string,
    extra: { text: string; editedAt: string } | { revokedAt: string },
    at: Date | null,
  ): Promise<void> {
    const groupId = await this.homeOf(chatId);
    if (!groupId) return;
    const data = { messageId, businessId: this.o.businessId, groupId, chatId, sessionId: this.o.sessionId, senderId, ...extra };
    // One event per edit (keyed by its time), one per deletion: a redelivery is stored once.
    const key = `${this.o.businessId}:${messageId}${at ? `:${at.getTime()}` : ''}`;
    await this.append(`chat-${groupId}`, eventId(type, key), type, data, senderId);
  }

  private async linkedChats(): Promise<Array<{ groupId: string; chatId: string; linkedAt: Date }>> {
    const rows = await this.o.pool.any(sql.type(groupRow)`
      select id, whatsapp_id, created_at from groups where business_id = ${this.o.businessId} and unlinked_at is null`);
    const out: Array<{ groupId: string; chatId: string; linkedAt: Date }> = [];
    for (const r of rows) {
      const chatId = r.whatsapp_id ?? (this.sim ? simulatorChatId(r.id) : null);
      if (chatId) out.push({ groupId: r.id, chatId, linkedAt: r.created_at });
    }
    return out;
  }

  /**
   * The ids recorded from a group's chat since `windowStart`, kept in memory after one backwards
   * read of its stream (every message this session records is added as it goes). When the newest
   * recorded message is older than the window (a session down for longer), the window reaches back
   * to it, so a long downtime is still covered. Memory is only an optimisation: an id it misses
   * costs an idempotent append, never a duplicate.
   */
  private async storedIds(groupId: string, windowStart: number): Promise<ChatMemory> {
    const known = this.memory.get(groupId);
    if (known && known.since <= windowStart) {
      for (const [id, ts] of known.ids) if (ts < windowStart - CLOCK_SKEW_MS) known.ids.delete(id);
      known.since = windowStart;
      return known;
    }
    const ids = new Map<string, number>();
    let since = windowStart;
    let newest: number | null = null;
    let from: bigint | undefined;
    let read = 0;
    scan: for (;;) {
      const page = await this.o.store.readStream(`chat-${groupId}`, { direction: 'backwards', maxCount: 500, ...(from === undefined ? {} : { fromRevision: from }) });
      for (const e of page) {
        if (e.type !== 'MessageReceived') continue;
        const d = e.data as { messageId: string; timestamp: string };
        const ts = Date.parse(d.timestamp);
        if (newest === null) {
          newest = ts;
          if (ts < since) since = ts;
        }
        // Recording order is not WhatsApp's order (reconciled messages are recorded late): a margin.
        if (ts < since - CLOCK_SKEW_MS) break scan;
        ids.set(d.messageId, ts);
      }
      read += page.length;
      const last = page[page.length - 1];
      if (page.length < 500 || !last || last.revision === 0n || read >= MAX_STREAM_SCAN) break;
      from = last.revision - 1n;
    }
    const memory = { since, ids };
    this.memory.set(groupId, memory);
    return memory;
  }

  private remember(groupId: string, m: InboundMessage): void {
    const known = this.memory.get(groupId);
    if (known && known.ids.size < MAX_REMEMBERED) known.ids.set(m.id, m.timestamp.getTime());
  }

  /** The chat's messages back to `since` (or as far as MAX_HISTORY allows), oldest first. */
  private async history(chatId: string, since: number): Promise<InboundMessage[]> {
    let limit = 50;
    for (;;) {
      const messages = await this.o.transport.fetchMessages(chatId, limit);
      const oldest = messages[0];
      if (messages.length < limit || !oldest || oldest.timestamp.getTime() < since || limit >= MAX_HISTORY) {
        return messages.filter((m) => m.timestamp.getTime() >= since);
      }
      limit = Math.min(MAX_HISTORY, limit * 4);
    }
  }

  /**
   * No message lost, wherever it falls: for each linked chat, the set of message ids WhatsApp (or
   * the simulator) holds over the reconciliation window is compared with the set recorded, and
   * every missing one is recorded (appends are idempotent by message id). The window is the last
   * `reconcileWindowMs` (default 24 h), never before the group was linked, and reaches back to the
   * last recorded message after a longer downtime. A message that fails to record is logged and
   * the rest of the backlog goes on; the next reconciliation tries it again.
   */
  async reconcile(): Promise<number> {
    let added = 0;
    let failed = 0;
    const now = Date.now();
    for (const chat of await this.linkedChats()) {
      try {
        const linkedAt = chat.linkedAt.getTime() - CLOCK_SKEW_MS;
        const stored = await this.storedIds(chat.groupId, Math.max(linkedAt, now - (this.o.reconcileWindowMs ?? DAY_MS)));
        const since = Math.max(linkedAt, stored.since);
        for (const m of await this.history(chat.chatId, since)) {
          if (stored.ids.has(m.id) || m.legacyIds?.some((x) => stored.ids.has(x))) continue;
          try {
            if (await this.record(chat.groupId, m)) added++;
          } catch (e) {
            failed++;
            this.log.warn({ err: e, sessionId: this.o.sessionId, groupId: chat.groupId, messageId: m.id }, 'reconciliation could not record a message; will retry');
          }
        }
      } catch (e) {
        this.log.warn({ err: e, sessionId: this.o.sessionId, groupId: chat.groupId }, 'reconciliation of a group failed');
      }
    }
    // Listing an account's chats is costly: direct chats on (re)connection, then at most every DIRECT_RECONCILE_MS.
    if (now - this.directReconciledAt >= DIRECT_RECONCILE_MS) {
      this.directReconciledAt = now;
      const direct = await this.reconcileDirect(now);
      added += direct.added;
      failed += direct.failed;
    }
    if (added || failed) this.log.info({ sessionId: this.o.sessionId, tenantId: this.o.businessId, added, failed }, 'reconciled messages the live feed missed');
    return added;
  }

  /** Direct chats the transport saw within the window, when the business reads them (at most MAX_DIRECT_CHATS). */
  private async reconcileDirect(now: number): Promise<{ added: number; failed: number }> {
    let added = 0;
    let failed = 0;
    try {
      const since = new Date(now - (this.o.reconcileWindowMs ?? DAY_MS));
      const chats = this.o.transport.directChats && (await this.directOrders()) ? await this.o.transport.directChats(since, MAX_DIRECT_CHATS) : [];
      for (const chatId of chats) {
        if (!isDirectChat(chatId)) continue;
        const groupId = directChatGroupId(this.o.businessId, chatId);
        const stored = await this.storedIds(groupId, since.getTime());
        for (const m of await this.history(chatId, Math.max(since.getTime(), stored.since))) {
          if (stored.ids.has(m.id) || m.legacyIds?.some((x) => stored.ids.has(x))) continue;
          try {
            if (await this.record(groupId, m)) added++;
          } catch (e) {
            failed++;
            this.log.warn({ err: e, sessionId: this.o.sessionId, messageId: m.id }, 'reconciliation could not record a direct message; will retry');
          }
        }
      }
    } catch (e) {
      this.log.warn({ err: e, sessionId: this.o.sessionId }, 'reconciliation of direct chats failed');
    }
    return { added, failed };
  }

  // ── messages out ───────────────────────────────────────────────────────────────────

  startOutbox(pollMs = this.o.outboxPollMs ?? 1000): void {
    const tick = () => {
      if (this.ended) return;
      void this.drainOutbox().finally(() => {
        if (!this.ended) this.outboxTimer = setTimeout(tick, pollMs);
      });
    };
    this.outboxTimer = setTimeout(tick, pollMs);
  }

  /** Sends due outbox rows one at a time, paced. */
  async drainOutbox(): Promise<void> {
    if (this.draining) {
      this.drainAgain = true;
      return;
    }
    this.draining = true;
    try {
      do {
        this.drainAgain = false;
        while (!this.ended && this.state === 'WORKING') {
          const sent = await this.sendNext();
          if (!sent) break;
        }
      } while (this.drainAgain && !this.ended);
    } catch (e) {
      this.log.warn({ err: e, sessionId: this.o.sessionId }, 'outbox delivery failed; will retry');
    } finally {
      this.draining = false;
    }
  }

  /** One outbox row: claim (status sending, attempt+1), send unless a crashed attempt already did, record, mark sent. */
  private async sendNext(): Promise<boolean> {
    const row = await this.o.pool.maybeOne(sql.type(outboxClaim)`
      with c as (
        select o.id, o.status as prev_status, o.last_attempt_at as prev_attempt_at from whatsapp_outbox o
        where o.business_id = ${this.o.businessId} and o.status in ('pending', 'sending') and o.next_attempt_at <= now()
        order by o.next_attempt_at, o.created_at, o.id limit 1 for update skip locked
      )
      update whatsapp_outbox o set status = 'sending', attempts = o.attempts + 1, last_attempt_at = now(),
        next_attempt_at = now() + ${this.retry.visibilityMs} * interval '1 millisecond'
      from c
      where o.id = c.id
      returning o.id, o.group_id, o.chat_id, o.kind, o.recipient, o.text, o.order_id, o.in_reply_to, o.source_received_at, o.attempts,
        c.prev_status, c.prev_attempt_at,
        (select g.whatsapp_id from groups g where g.id = o.group_id) as whatsapp_id`);
    if (!row) return false;
    // A direct chat or a private reply names its chat; a group reply goes to the group's linked chat.
    const chatId = row.chat_id ?? row.whatsapp_id ?? (this.sim ? simulatorChatId(row.group_id) : null);
    if (!chatId) {
      await this.markFailed(row.id, 'the group has no WhatsApp chat linked');
      return true;
    }
    const out: OutgoingMessage = { outboxId: row.id, groupId: row.group_id, chatId, text: row.text, recipient: row.recipient, inReplyTo: row.in_reply_to };
    try {
      // A previous attempt may have sent and crashed before recording: look before sending again.
      let result = row.prev_status === 'sending' && row.prev_attempt_at ? await this.o.transport.findSent(out, row.prev_attempt_at) : null;
      if (!result) {
        const [min, max] = this.o.transport.sendDelayMs;
        await this.o.transport.typing(chatId).catch(() => undefined);
        await sleep(min + Math.random() * (max - min));
        result = await this.o.transport.send(out);
      }
      // Clamped to what MessageSent can carry: a reply to a weeks-old message must not be refused.
      const responseMs = row.source_received_at ? Math.min(MAX_INT, Math.max(0, Math.round(result.sentAt.getTime() - row.source_received_at.getTime()))) : null;
      await this.append(
        `chat-${row.group_id}`,
        eventId('MessageSent', row.id),
        'MessageSent',
        {
          outboxId: row.id,
          businessId: this.o.businessId,
          sessionId: this.o.sessionId,
          chatId,
          text: row.text,
          whatsappMessageId: result.whatsappMessageId,
          inReplyTo: row.in_reply_to,
          orderId: row.order_id,
          kind: row.kind,
          sentAt: result.sentAt.toISOString(),
          responseMs,
        } satisfies NoviEventData<'MessageSent'>,
        'bot',
      );
      await this.o.pool.query(sql.type(z.object({}))`
        update whatsapp_outbox set status = 'sent', whatsapp_message_id = ${result.whatsappMessageId},
          sent_at = ${result.sentAt.toISOString()}::timestamptz, last_error = null
        where id = ${row.id}`);
      return true;
    } catch (e) {
      const message = (e as Error).message.slice(0, 2000);
      if (row.attempts >= this.retry.attempts) {
        await this.markFailed(row.id, message);
        return true;
      }
      // Stays 'sending': the attempt may have reached WhatsApp, so the retry looks before sending.
      const waitMs = Math.min(this.retry.maxMs, this.retry.baseMs * 2 ** (row.attempts - 1));
      this.log.warn({ sessionId: this.o.sessionId, outboxId: row.id, attempt: row.attempts, retryInMs: waitMs, err: e }, 'reply not sent; will retry');
      await this.o.pool.query(sql.type(z.object({}))`
        update whatsapp_outbox set last_error = ${message}, next_attempt_at = now() + ${waitMs} * interval '1 millisecond'
        where id = ${row.id}`);
      return true; // the other due replies go on
    }
  }

  private async markFailed(id: string, reason: string): Promise<void> {
    this.log.warn({ sessionId: this.o.sessionId, outboxId: id, reason }, 'reply given up');
    await this.o.pool.query(sql.type(z.object({}))`
      update whatsapp_outbox set status = 'failed', last_error = ${reason} where id = ${id}`);
  }
}
