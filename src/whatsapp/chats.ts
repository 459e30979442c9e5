// The account's chat list, so a merchant picks a group instead of typing a `…@g.us` id: the web
// asks (a row in whatsapp_chat_lists and NOTIFY novi_session_chats), the supervisor passes it to the
// session child holding the business, the child answers from its transport (whatsapp-web.js
// getChats(), or the simulator's groups) into the same row, and the web waits a few seconds for it.
import { sql, type DatabasePool } from 'slonik';
import { z } from 'zod';
import { IllegalState, ValidationError } from '../shared/errors.ts';
import { newId } from '../shared/ids.ts';
import type { ChatSummary } from './transport.ts';

/** Chats listed at most: groups first, most recent first. */
export const MAX_CHATS = 200;
const MAX_NAME = 200;

export interface ChatJson {
  id: string;
  name: string;
  isGroup: boolean;
  participants: number | null;
  lastMessageAt: string | null;
}

const chatJson = z.object({
  id: z.string().min(1).max(300),
  name: z.string().max(MAX_NAME),
  isGroup: z.boolean(),
  participants: z.number().int().nonnegative().max(100_000).nullable(),
  lastMessageAt: z.string().datetime({ offset: true }).nullable(),
});

/** Groups first, then the most recent, at most MAX_CHATS; names cut to 200 characters. */
export function boundChats(chats: readonly ChatSummary[]): ChatJson[] {
  const out: ChatJson[] = [];
  for (const c of chats) {
    if (typeof c.id !== 'string' || c.id === '' || c.id.length > 300) continue;
    const at = c.lastMessageAt && !Number.isNaN(c.lastMessageAt.getTime()) ? c.lastMessageAt.toISOString() : null;
    const participants = typeof c.participants === 'number' && Number.isInteger(c.participants) && c.participants >= 0 ? Math.min(c.participants, 100_000) : null;
    out.push({ id: c.id, name: String(c.name ?? '').slice(0, MAX_NAME), isGroup: c.isGroup === true, participants, lastMessageAt: at });
  }
  out.sort((a, b) => Number(b.isGroup) - Number(a.isGroup) || (b.lastMessageAt ?? '').localeCompare(a.lastMessageAt ?? '') || a.name.localeCompare(b.name));
  return out.slice(0, MAX_CHATS);
}

const listRow = z.object({ answered: z.boolean(), chats: z.unknown(), error: z.string().nullable() });

/**
 * Asks the business's running session for its chats and waits up to `timeoutMs` for the answer.
 * 409 when no session is WORKING; 503 when the session did not answer in time (the worker holding
 * it is busy or gone) or WhatsApp refused to list.
 */
export async function requestChatList(pool: DatabasePool, businessId: string, timeoutMs = 8000): Promise<ChatJson[]> {
  const working = await pool.maybeOneFirst(sql.type(z.object({ state: z.string() }))`
    select s.state from whatsapp_session_requests r join whatsapp_sessions s on s.id = r.session_id
    where r.business_id = ${businessId} and r.status = 'running'`);
  if (working !== 'WORKING') {
    throw new IllegalState('WhatsApp is not linked yet: link WhatsApp (or start the simulator) and wait until it is connected, then list its chats');
  }
  const requestedAt = await pool.oneFirst(sql.type(z.object({ requested_at: z.string() }))`
    insert into whatsapp_chat_lists (business_id, requested_at) values (${businessId}, clock_timestamp())
    on conflict (business_id) do update set requested_at = clock_timestamp()
    returning requested_at::text`);
  await pool.query(sql.type(z.object({}))`select pg_notify('novi_session_chats', ${businessId})`);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const row = await pool.one(sql.type(listRow)`
      select coalesce(listed_at >= ${requestedAt}::timestamptz, false) as answered, chats, error
      from whatsapp_chat_lists where business_id = ${businessId}`);
    if (row.answered) {
      if (row.error) throw new Unanswered(row.error);
      const parsed = z.array(chatJson).max(MAX_CHATS).safeParse(row.chats);
      if (!parsed.success) throw new Unanswered('the session answered a chat list Novi cannot read');
      return parsed.data;
    }
    if (Date.now() >= deadline) throw new Unanswered('the WhatsApp session did not answer in time; try again in a moment');
    await new Promise((r) => setTimeout(r, 100));
  }
}

class Unanswered extends IllegalState {
  override readonly code: string = 'UNAVAILABLE';
  override readonly httpStatus: number = 503;
}

// ── simulated groups ───────────────────────────────────────────────────────────────────

export const simulatedGroupName = z.string().trim().min(1, 'a name is required').max(120);

/**
 * A new simulated WhatsApp group ("New simulated group" in the Try-it panel): it shows in the
 * simulator's chat list until the merchant links it, like a group the shop's phone just joined.
 * At most 50 per business.
 */
export async function createSimulatedGroup(pool: DatabasePool, businessId: string, name: string): Promise<{ id: string; name: string }> {
  const parsed = simulatedGroupName.safeParse(name);
  if (!parsed.success) throw new ValidationError(`name: ${parsed.error.issues[0]?.message ?? 'invalid'}`, [{ path: 'name', message: parsed.error.issues[0]?.message ?? 'invalid' }]);
  const count = await pool.oneFirst(sql.type(z.object({ n: z.coerce.number() }))`select count(*) as n from simulator_groups where business_id = ${businessId}`);
  if (count >= 50) throw new ValidationError('At most 50 simulated groups per business', [{ path: 'name', message: 'at most 50 simulated groups' }]);
  const id = `sim-${newId().replace(/-/g, '').slice(0, 20)}@g.us`;
  await pool.query(sql.type(z.object({}))`
    insert into simulator_groups (business_id, chat_id, name) values (${businessId}, ${id}, ${parsed.data})`);
  return { id, name: parsed.data };
}
