// Outgoing webhooks of a business: added (the signing secret is shown once), listed, removed, a
// delivery log per webhook and "send test". The webhooks and webhook_deliveries tables (sql/021)
// are written here and by the webhook reactor (src/reactors/webhooks.ts), which delivers.
import { randomBytes } from 'node:crypto';
import { sql } from 'slonik';
import { z } from 'zod';
import type { Runtime } from '../runtime.ts';
import { handleCommand, parseCommandData } from '../shared/command-handler.ts';
import { NotFound, ValidationError } from '../shared/errors.ts';
import { newId } from '../shared/ids.ts';
import { decideWebhook, evolveWebhook, initialWebhookState, integrationCommandSchemas, webhookStreamId, type WebhookEventName } from './aggregates.ts';
import { checkWebhookUrl, UrlRefused } from './url-policy.ts';

export const MAX_WEBHOOKS = 10;
/** Rows kept in a webhook's delivery log (older finished ones are deleted), and for how long. */
export const DELIVERY_LOG_ROWS = 200;
export const DELIVERY_LOG_DAYS = 7;
export const WEBHOOK_WAKE = 'novi_webhook_wake';

const iso = z.coerce.date().transform((d) => d.toISOString());
const webhookRow = z.object({
  id: z.string(),
  business_id: z.string(),
  url: z.string(),
  events: z.array(z.string()),
  created_at: iso,
  failures: z.coerce.number(),
  paused_until: z.string().nullable(),
});
export interface WebhookJson {
  id: string;
  businessId: string;
  url: string;
  events: string[];
  createdAt: string;
  /** Consecutive failed attempts of this endpoint (0 when its last attempt succeeded). */
  failures: number;
  /** While failing, deliveries to this endpoint wait until then. */
  pausedUntil: string | null;
}
const toJson = (r: z.infer<typeof webhookRow>): WebhookJson => ({
  id: r.id,
  businessId: r.business_id,
  url: r.url,
  events: r.events,
  createdAt: r.created_at,
  failures: r.failures,
  pausedUntil: r.paused_until,
});
const columns = sql.fragment`id, business_id, url, events, created_at, failures,
  case when paused_until > now() then to_char(paused_until at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') end as paused_until`;

const deliveryRow = z.object({
  id: z.string(),
  webhook_id: z.string(),
  event_type: z.string(),
  event_id: z.string().nullable(),
  status: z.enum(['pending', 'sending', 'delivered', 'failed']),
  attempts: z.coerce.number(),
  next_attempt_at: iso,
  last_status_code: z.coerce.number().nullable(),
  last_error: z.string().nullable(),
  created_at: iso,
  delivered_at: iso.nullable(),
});
export interface DeliveryJson {
  id: string;
  webhookId: string;
  eventType: string;
  eventId: string | null;
  status: 'pending' | 'sending' | 'delivered' | 'failed';
  attempts: number;
  /** When the next attempt is due (pending), else null. */
  nextAttemptAt: string | null;
  lastStatusCode: number | null;
  lastError: string | null;
  createdAt: string;
  deliveredAt: string | null;
}
const deliveryJson = (r: z.infer<typeof deliveryRow>): DeliveryJson => ({
  id: r.id,
  webhookId: r.webhook_id,
  eventType: r.event_type,
  eventId: r.event_id,
  status: r.status,
  attempts: r.attempts,
  nextAttemptAt: r.status === 'pending' || r.status === 'sending' ? r.next_attempt_at : null,
  lastStatusCode: r.last_status_code,
  lastError: r.last_error,
  createdAt: r.created_at,
  deliveredAt: r.delivered_at,
});

interface Who {
  userId: string;
  correlationId: string;
}
const meta = (businessId: string, who: Who) => ({ tenantId: businessId, actor: who.userId, correlationId: who.correlationId, causationId: null, occurredAt: new Date().toISOString() });

export async function listWebhooks(rt: Runtime, businessId: string): Promise<WebhookJson[]> {
  const rows = await rt.pool.any(sql.type(webhookRow)`select ${columns} from webhooks where business_id = ${businessId} order by created_at limit ${MAX_WEBHOOKS}`);
  return rows.map(toJson);
}

export async function getWebhook(rt: Runtime, businessId: string, webhookId: string): Promise<WebhookJson> {
  const row = await rt.pool.maybeOne(sql.type(webhookRow)`select ${columns} from webhooks where id = ${webhookId} and business_id = ${businessId}`);
  if (!row) throw new NotFound('Webhook not found');
  return toJson(row);
}

/** Adds a webhook (row first, then WebhookAdded; the row goes again when the append fails). */
export async function addWebhook(
  rt: Runtime,
  input: { businessId: string; url: string; events: WebhookEventName[] },
  who: Who,
): Promise<{ webhook: WebhookJson; secret: string }> {
  let url: string;
  try {
    url = checkWebhookUrl(input.url.trim(), rt.config.env === 'production');
  } catch (e) {
    if (e instanceof UrlRefused) throw new ValidationError(`Invalid webhook: url: ${e.message}`, [{ path: 'url', message: e.message }]);
    throw e;
  }
  const webhookId = newId();
  const data = parseCommandData(integrationCommandSchemas.AddWebhook, { webhookId, businessId: input.businessId, url, events: [...new Set(input.events)] }, 'webhook');
  const count = await rt.pool.oneFirst(sql.type(z.object({ n: z.coerce.number() }))`select count(*) as n from webhooks where business_id = ${data.businessId}`);
  if (count >= MAX_WEBHOOKS) throw new ValidationError(`A business may have at most ${MAX_WEBHOOKS} webhooks; remove one first`);
  const secret = `whsec_${randomBytes(32).toString('base64url')}`;
  // Only events recorded after this moment are delivered: history is not replayed into a new endpoint.
  const head = await rt.store.headPosition();
  await rt.pool.query(sql.unsafe`
    insert into webhooks (id, business_id, url, secret, events, from_position, created_by)
    values (${webhookId}, ${data.businessId}, ${data.url}, ${secret}, ${sql.array(data.events, 'text')}, ${head.toString()}, ${who.userId})`);
  try {
    await handleCommand({
      store: rt.store,
      streamId: webhookStreamId(webhookId),
      evolve: evolveWebhook,
      initialState: initialWebhookState,
      decide: decideWebhook,
      command: { type: 'AddWebhook', data, metadata: { now: new Date(), actor: who.userId } },
      metadata: meta(data.businessId, who),
      expectedRevision: 'no_stream',
    });
  } catch (e) {
    await rt.pool.query(sql.unsafe`delete from webhooks where id = ${webhookId}`);
    throw e;
  }
  return { webhook: await getWebhook(rt, data.businessId, webhookId), secret };
}

/** Removes a webhook and its delivery log (nothing more is sent to it), then records WebhookRemoved. */
export async function removeWebhook(rt: Runtime, businessId: string, webhookId: string, who: Who): Promise<void> {
  const data = parseCommandData(integrationCommandSchemas.RemoveWebhook, { webhookId, businessId }, 'webhook');
  const gone = await rt.pool.query(sql.unsafe`delete from webhooks where id = ${webhookId} and business_id = ${businessId}`);
  const stream = await rt.store.readStream(webhookStreamId(webhookId), { maxCount: 2 }).catch(() => []);
  if (gone.rowCount === 0 && !stream.some((e) => e.type === 'WebhookAdded' && (e.data as { businessId?: string }).businessId === businessId)) {
    throw new NotFound('Webhook not found');
  }
  await handleCommand({
    store: rt.store,
    streamId: webhookStreamId(webhookId),
    evolve: evolveWebhook,
    initialState: initialWebhookState,
    decide: decideWebhook,
    command: { type: 'RemoveWebhook', data, metadata: { now: new Date(), actor: who.userId } },
    metadata: meta(businessId, who),
  });
}

export async function listDeliveries(rt: Runtime, businessId: string, webhookId: string, limit = 50): Promise<DeliveryJson[]> {
  const rows = await rt.pool.any(sql.type(deliveryRow)`
    select id, webhook_id, event_type, event_id, status, attempts, next_attempt_at, last_status_code, last_error, created_at, delivered_at
      from webhook_deliveries where webhook_id = ${webhookId} and business_id = ${businessId}
     order by created_at desc, id limit ${limit}`);
  return rows.map(deliveryJson);
}

/** The JSON every delivery carries: `{ id, type, createdAt, businessId, data }` (docs/http-api.md). */
export function deliveryBody(input: { id: string; type: string; createdAt: string; businessId: string; data: unknown }): string {
  return JSON.stringify({ id: input.id, type: input.type, createdAt: input.createdAt, businessId: input.businessId, data: input.data });
}

/** "Send test": a `webhook.test` delivery through the same outbox, signing and retries as the real ones. */
export async function enqueueTest(rt: Runtime, businessId: string, webhookId: string): Promise<DeliveryJson> {
  await getWebhook(rt, businessId, webhookId);
  const id = newId();
  const body = deliveryBody({ id, type: 'webhook.test', createdAt: new Date().toISOString(), businessId, data: { message: 'This is a test delivery from Novi.' } });
  await rt.pool.transaction(async (tx) => {
    await tx.query(sql.unsafe`
      insert into webhook_deliveries (id, webhook_id, business_id, event_type, event_id, body)
      values (${id}, ${webhookId}, ${businessId}, 'webhook.test', null, ${body})`);
    // The merchant asks to try now: a paused (failing) endpoint is tried at once with the test.
    await tx.query(sql.unsafe`update webhooks set paused_until = '-infinity' where id = ${webhookId}`);
    await tx.query(sql.unsafe`select pg_notify(${WEBHOOK_WAKE}, ${webhookId})`);
  });
  const row = await rt.pool.one(sql.type(deliveryRow)`
    select id, webhook_id, event_type, event_id, status, attempts, next_attempt_at, last_status_code, last_error, created_at, delivered_at
      from webhook_deliveries where id = ${id}`);
  return deliveryJson(row);
}
