// What the web layer calls to start, inspect and stop a business's WhatsApp session, and to use
// the simulator. Tenant scoping (the signed-in user owns the business/group) is the caller's job.
import { sql } from 'slonik';
import { z } from 'zod';
import type { Runtime } from '../runtime.ts';
import { e164, makeMetadata } from '../events/catalog.ts';
import { Conflict, Forbidden, IllegalState, NotFound, ValidationError } from '../shared/errors.ts';
import { eventId, newId } from '../shared/ids.ts';
import { parseCommandData } from '../shared/command-handler.ts';
import { tsDate, tsDateNullable } from './db.ts';
import { simulatorChatId } from './transport.ts';
import { deliverToSimulator } from './transports/simulator.ts';
import { budgetReason, sessionBudget } from './budget.ts';

const requestRow = z.object({
  session_id: z.string(),
  business_id: z.string(),
  transport: z.enum(['whatsapp', 'simulator']),
  status: z.enum(['running', 'stopped', 'failed']),
});

function simulatorOff(): Forbidden {
  return new Forbidden('The WhatsApp simulator is turned off on this server (NOVI_SIMULATOR=off)');
}

const startInput = z.object({ businessId: z.string().uuid(), transport: z.enum(['whatsapp', 'simulator']), actor: z.string().min(1) });

/** One session per business: starting a running session again returns it; a stopped or failed one starts afresh. */
export async function startSession(
  rt: Runtime,
  input: { businessId: string; transport: 'whatsapp' | 'simulator'; actor: string },
): Promise<{ id: string; state: string }> {
  const { businessId, transport, actor } = parseCommandData(startInput, input, 'session');
  if (transport === 'simulator' && !rt.config.simulator) throw simulatorOff();
  const result = await rt.pool.transaction(async (tx) => {
    const existing = await tx.maybeOne(sql.type(requestRow)`
      select session_id, business_id, transport, status from whatsapp_session_requests
      where business_id = ${businessId} for update`);
    if (existing?.status === 'running') {
      if (existing.transport !== transport) {
        throw new Conflict(`This business already has a ${existing.transport} session running; stop it before starting a ${transport} one`);
      }
      return { id: existing.session_id, fresh: false };
    }
    // Serialise starts, so two at once cannot both take the last slot of the connection budget.
    await tx.query(sql.type(z.object({}))`select pg_advisory_xact_lock(hashtext('novi_session_budget'))`);
    const budget = await sessionBudget(rt, tx);
    const running = await tx.oneFirst(sql.type(z.object({ n: z.coerce.number() }))`
      select count(*) as n from whatsapp_session_requests where status = 'running' and business_id <> ${businessId}`);
    if (running >= budget.maxSessions) throw new IllegalState(budgetReason(budget));
    const id = newId();
    await tx.query(sql.type(z.object({}))`
      insert into whatsapp_session_requests (business_id, session_id, transport, status, requested_by)
      values (${businessId}, ${id}, ${transport}, 'running', ${actor})
      on conflict (business_id) do update set session_id = excluded.session_id, transport = excluded.transport,
        status = 'running', status_reason = null, requested_by = excluded.requested_by, updated_at = now()`);
    await tx.query(sql.type(z.object({}))`select pg_notify('novi_session_requests', ${businessId})`);
    return { id, fresh: true };
  });
  if (result.fresh) return { id: result.id, state: 'STARTING' };
  const current = await getSession(rt, businessId);
  return { id: result.id, state: current?.state ?? 'STARTING' };
}

const sessionView = z.object({
  session_id: z.string(),
  transport: z.string(),
  status: z.enum(['running', 'stopped', 'failed']),
  state: z.string().nullable(),
  qr: z.string().nullable(),
  phone: z.string().nullable(),
  last_seen_at: tsDateNullable,
  status_reason: z.string().nullable(),
});

export async function getSession(
  rt: Runtime,
  businessId: string,
): Promise<{ id: string; state: string; qr: string | null; phone: string | null; lastSeenAt: string | null; transport: string; reason?: string | null } | null> {
  if (!z.string().uuid().safeParse(businessId).success) return null;
  const row = await rt.pool.maybeOne(sql.type(sessionView)`
    select r.session_id, r.transport, r.status, s.state, s.qr, s.phone, s.last_seen_at, r.status_reason
    from whatsapp_session_requests r left join whatsapp_sessions s on s.id = r.session_id
    where r.business_id = ${businessId}`);
  if (row) {
    // The request is ahead of the read model right after a start or stop.
    const state =
      row.status === 'stopped' ? 'STOPPED' : row.status === 'failed' ? 'FAILED' : row.state && row.state !== 'STOPPED' ? row.state : 'STARTING';
    return {
      id: row.session_id,
      state,
      qr: state === 'SCAN_QR_CODE' ? row.qr : null,
      phone: row.phone,
      lastSeenAt: row.last_seen_at?.toISOString() ?? null,
      transport: row.transport,
      // Why the session gave up (device logged out, number blocked, QR never scanned).
      reason: state === 'FAILED' ? row.status_reason : null,
    };
  }
  const projected = await rt.pool.maybeOne(sql.type(
    z.object({ id: z.string(), transport: z.string(), state: z.string(), qr: z.string().nullable(), phone: z.string().nullable(), last_seen_at: tsDateNullable }),
  )`
    select id, transport, state, qr, phone, last_seen_at from whatsapp_sessions
    where business_id = ${businessId} order by updated_at desc limit 1`);
  if (!projected) return null;
  return {
    id: projected.id,
    state: projected.state,
    qr: projected.state === 'SCAN_QR_CODE' ? projected.qr : null,
    phone: projected.phone,
    lastSeenAt: projected.last_seen_at?.toISOString() ?? null,
    transport: projected.transport,
  };
}

/** Stops the session: the supervisor holding it logs the device out and ends its child. */
export async function stopSession(rt: Runtime, input: { businessId: string; actor: string }): Promise<void> {
  const { businessId, actor } = parseCommandData(z.object({ businessId: z.string().uuid(), actor: z.string().min(1) }), input, 'session');
  const row = await rt.pool.maybeOne(sql.type(requestRow)`
    update whatsapp_session_requests set status = 'stopped', status_reason = null, updated_at = now()
    where business_id = ${businessId}
    returning session_id, business_id, transport, status`);
  if (!row) throw new NotFound('This business has no WhatsApp session');
  await rt.pool.query(sql.type(z.object({}))`select pg_notify('novi_session_requests', ${businessId})`);
  // One SessionStopped per session however often stop is pressed.
  const id = eventId('SessionStopped', row.session_id);
  await rt.store.append(`session-${row.session_id}`, [
    {
      id,
      type: 'SessionStopped',
      data: { sessionId: row.session_id, businessId, transport: row.transport, by: actor },
      metadata: makeMetadata({ tenantId: businessId, actor, correlationId: id, now: new Date(), type: 'SessionStopped' }),
    },
  ]);
}

const simulatorInput = z.object({
  groupId: z.string().uuid(),
  from: z.object({ name: z.string().trim().min(1).max(120), phone: e164 }),
  text: z.string().min(1).max(4096),
  id: z.string().trim().min(1).max(128).regex(/^[A-Za-z0-9_.:@-]+$/, 'letters, digits and _.:@- only').optional(),
  /** A bot message's id (`GET /api/simulator/outbox` answers it): this message quotes it, as a WhatsApp reply does. */
  replyTo: z.string().trim().min(1).max(128).regex(/^[A-Za-z0-9_.:@-]+$/, 'letters, digits and _.:@- only').optional(),
});

/**
 * Posts a message into a group as if a customer wrote it on WhatsApp. The group is addressed by
 * its linked WhatsApp chat id, or `sim-<groupId>@g.us` when it has none, so any group can be tried.
 */
export async function postSimulatorMessage(
  rt: Runtime,
  input: { groupId: string; from: { name: string; phone: string }; text: string; id?: string; replyTo?: string },
): Promise<{ messageId: string }> {
  if (!rt.config.simulator) throw simulatorOff();
  const m = parseCommandData(simulatorInput, input, 'simulator message');
  const group = await rt.pool.maybeOne(sql.type(z.object({ business_id: z.string(), whatsapp_id: z.string().nullable() }))`
    select business_id, whatsapp_id from groups where id = ${m.groupId} and unlinked_at is null`);
  if (!group) throw new NotFound('Group not found');
  const running = await rt.pool.maybeOne(sql.type(requestRow)`
    select session_id, business_id, transport, status from whatsapp_session_requests where business_id = ${group.business_id}`);
  if (!running || running.status !== 'running' || running.transport !== 'simulator') {
    throw new IllegalState('This business has no simulator session running; start one with POST /business/:id/whatsapp {"transport":"simulator"}');
  }
  return deliverToSimulator(rt.pool, {
    businessId: group.business_id,
    chatId: group.whatsapp_id ?? simulatorChatId(m.groupId),
    ...(m.id ? { messageId: m.id } : {}),
    fromId: `${m.from.phone.slice(1)}@c.us`,
    fromName: m.from.name,
    text: m.text,
    ...(m.replyTo ? { replyTo: m.replyTo } : {}),
  });
}

const directInput = z.object({
  businessId: z.string().uuid(),
  from: z.object({ name: z.string().trim().min(1).max(120), phone: e164 }),
  text: z.string().min(1).max(4096),
  id: simulatorInput.shape.id,
});

/** The simulated direct chat of a customer's phone with the business: `<digits>@c.us`, as WhatsApp names it. */
export const simulatorDirectChatId = (phone: string): string => `${phone.slice(1)}@c.us`;

/**
 * A direct (1:1) message from `from.phone` to the business's number, as WhatsApp delivers it: the
 * session records it only when the business takes direct orders (its `directOrders` setting).
 */
export async function postSimulatorDirectMessage(
  rt: Runtime,
  input: { businessId: string; from: { name: string; phone: string }; text: string; id?: string },
): Promise<{ messageId: string }> {
  if (!rt.config.simulator) throw simulatorOff();
  const m = parseCommandData(directInput, input, 'simulator message');
  const running = await rt.pool.maybeOne(sql.type(requestRow)`
    select session_id, business_id, transport, status from whatsapp_session_requests where business_id = ${m.businessId}`);
  if (!running || running.status !== 'running' || running.transport !== 'simulator') {
    throw new IllegalState('This business has no simulator session running; start one with POST /business/:id/whatsapp {"transport":"simulator"}');
  }
  const chatId = simulatorDirectChatId(m.from.phone);
  return deliverToSimulator(rt.pool, { businessId: m.businessId, chatId, ...(m.id ? { messageId: m.id } : {}), fromId: chatId, fromName: m.from.name, text: m.text });
}

const outboxRows = z.object({ recipient: z.string(), text: z.string(), sent_at: tsDate, in_reply_to: z.string().nullable(), chat_id: z.string() });

/**
 * The latest 500 messages the bot sent in a business's direct chats, oldest first: one customer's
 * (by phone), or every direct chat's when `phone` is null.
 */
export async function readSimulatorDirectOutbox(
  rt: Runtime,
  businessId: string,
  phone: string | null,
): Promise<Array<{ to: string; text: string; sentAt: string; inReplyTo: string | null; chatId: string }>> {
  const q = parseCommandData(z.object({ businessId: z.string().uuid(), phone: e164.nullable() }), { businessId, phone }, 'outbox query');
  const chat = q.phone === null ? sql.fragment`chat_id not like '%@g.us'` : sql.fragment`chat_id = ${simulatorDirectChatId(q.phone)}`;
  const rows = await rt.pool.any(sql.type(outboxRows)`
    select recipient, text, sent_at, in_reply_to, chat_id from (
      select id, recipient, text, sent_at, in_reply_to, chat_id from simulator_outbox
      where business_id = ${q.businessId} and ${chat} order by id desc limit 500
    ) latest order by id`);
  return rows.map((r) => ({ to: r.recipient, text: r.text, sentAt: r.sent_at.toISOString(), inReplyTo: r.in_reply_to, chatId: r.chat_id }));
}

/** The latest 500 messages the bot sent in a group, oldest first. */
export async function readSimulatorOutbox(
  rt: Runtime,
  groupId: string,
): Promise<Array<{ id: string; to: string; text: string; sentAt: string; inReplyTo: string | null }>> {
  if (!z.string().uuid().safeParse(groupId).success) throw new ValidationError('groupId must be a UUID', [{ path: 'groupId', message: 'must be a UUID' }]);
  const rows = await rt.pool.any(sql.type(
    z.object({ whatsapp_message_id: z.string(), recipient: z.string(), text: z.string(), sent_at: tsDate, in_reply_to: z.string().nullable() }),
  )`
    select whatsapp_message_id, recipient, text, sent_at, in_reply_to from (
      select id, whatsapp_message_id, recipient, text, sent_at, in_reply_to from simulator_outbox where group_id = ${groupId} order by id desc limit 500
    ) latest order by id`);
  return rows.map((r) => ({ id: r.whatsapp_message_id, to: r.recipient, text: r.text, sentAt: r.sent_at.toISOString(), inReplyTo: r.in_reply_to }));
}
