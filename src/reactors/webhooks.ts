// The webhook reactor, in two parts. The enqueuer runs on the shared subscription runner
// (`reactor:webhooks`): OrderPlaced → order.created, OrderUpdated → order.updated, StatusChanged /
// StatusChangeUndone → order.status_changed, MessageReceived → message.received, one
// webhook_deliveries row per subscribed webhook, written in the batch's transaction with the
// checkpoint (exactly once). The sender (one leader across workers) claims due rows and POSTs them
// signed (src/integrations/signature.ts), at most `concurrency` at a time and one at a time per
// endpoint, each with a timeout; a failure backs off that delivery and pauses that endpoint only
// (WEBHOOK_RETRY: 30 s × 2ⁿ up to 1 h, 10 tries, shaped like the reply outbox's OUTBOX_RETRY),
// so a failing merchant never slows another.
import http from 'node:http';
import https from 'node:https';
import dns from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import pg from 'pg';
import { sql, type CommonQueryMethods } from 'slonik';
import { z } from 'zod';
import type { Runtime } from '../runtime.ts';
import type { RecordedEvent } from '../eventstore/types.ts';
import { validateEvent, type NoviEventData } from '../events/catalog.ts';
import { uuidFromName } from '../shared/ids.ts';
import { evolveOrder, initialOrderState, orderStreamId, type OrderEvent, type OrderState } from '../orders/order.ts';
import { SubscriptionRunner, type Subscriber, type SubscriptionOptions } from '../subscriptions/runner.ts';
import { Waker } from '../subscriptions/wake.ts';
import { LOCK_LEADER, tryLead } from '../subscriptions/leader.ts';
import type { WebhookEventName } from '../integrations/aggregates.ts';
import { deliveryBody, DELIVERY_LOG_DAYS, DELIVERY_LOG_ROWS, WEBHOOK_WAKE } from '../integrations/webhooks.ts';
import { signPayload, SIGNATURE_HEADER } from '../integrations/signature.ts';
import { isInternalAddress } from '../integrations/url-policy.ts';

export const WEBHOOKS_CHECKPOINT = 'reactor:webhooks';
const SENDER_LOCK = 'webhooks:sender';
const DELIVERY_NS = 'e2f4a6c8-1b3d-4f5a-9c7e-3d5f7a9b1c2e';

export interface WebhookRetry {
  /** First retry after this; each further one waits twice as long, up to maxMs. */
  baseMs: number;
  maxMs: number;
  /** Tries in all before a delivery is marked failed. */
  attempts: number;
  /** Each request's deadline (connect, send, answer). */
  timeoutMs: number;
  /** A claimed row not finished by then (the sender died) is taken again. */
  visibilityMs: number;
  /** Requests in flight at once, over all endpoints (one per endpoint at a time). */
  concurrency: number;
}
/** 30 s, 1 min, 2 min … up to 1 h, 10 tries (about 4 h) before a delivery is given up. */
export const WEBHOOK_RETRY: WebhookRetry = { baseMs: 30_000, maxMs: 3_600_000, attempts: 10, timeoutMs: 10_000, visibilityMs: 60_000, concurrency: 8 };

export const backoffMs = (retry: WebhookRetry, n: number): number => Math.min(retry.maxMs, retry.baseMs * 2 ** Math.max(0, n - 1));

const NAME_OF: Record<string, WebhookEventName> = {
  OrderPlaced: 'order.created',
  OrderUpdated: 'order.updated',
  StatusChanged: 'order.status_changed',
  StatusChangeUndone: 'order.status_changed',
  MessageReceived: 'message.received',
};

function orderJson(o: Extract<OrderState, { kind: 'placed' }>) {
  return {
    id: o.orderId,
    number: o.number,
    businessId: o.businessId,
    groupId: o.groupId,
    status: o.status,
    customerName: o.customer.name,
    customerPhone: o.customer.phone,
    customerAddress: o.customer.address,
    items: o.items,
    totalAmount: o.totalAmount,
    currency: o.currency,
    deliveryNotes: o.deliveryNotes,
  };
}

const hookRow = z.object({ id: z.string() });

export interface WebhookOptions extends SubscriptionOptions {
  retry?: Partial<WebhookRetry>;
  /** Production refuses internal addresses when connecting (defaults to the config's env). */
  production?: boolean;
}

export async function startWebhooks(rt: Runtime, options: WebhookOptions = {}): Promise<() => Promise<void>> {
  const log = rt.logger.child({ component: 'webhooks' });
  const retry: WebhookRetry = { ...WEBHOOK_RETRY, ...options.retry };
  const production = options.production ?? rt.config.env === 'production';

  /** The order as it was right after `e` (its stream folded up to it). */
  async function orderAt(e: RecordedEvent, orderId: string) {
    let order: OrderState = initialOrderState();
    for (const x of await rt.store.readStream(orderStreamId(orderId), { maxCount: 1000 })) {
      const v = validateEvent(x.type, x.data, x.metadata.schemaVersion);
      if (v.ok) order = evolveOrder(order, v.event as OrderEvent);
      if (x.id === e.id) break;
    }
    return order.kind === 'placed' ? orderJson(order) : null;
  }

  async function payloadOf(e: RecordedEvent): Promise<unknown> {
    switch (e.type) {
      case 'MessageReceived': {
        const d = e.data as NoviEventData<'MessageReceived'>;
        return { message: { id: d.messageId, groupId: d.groupId, chatId: d.chatId, sender: { name: d.sender.name, phone: d.sender.phone }, text: d.text, kind: d.kind, timestamp: d.timestamp } };
      }
      case 'OrderPlaced':
        return { order: await orderAt(e, (e.data as NoviEventData<'OrderPlaced'>).orderId) };
      case 'OrderUpdated': {
        const d = e.data as NoviEventData<'OrderUpdated'>;
        const { orderId: _o, businessId: _b, ...changes } = d;
        return { order: await orderAt(e, d.orderId), changes };
      }
      case 'StatusChanged': {
        const d = e.data as NoviEventData<'StatusChanged'>;
        return { order: await orderAt(e, d.orderId), from: d.from, to: d.to, reason: d.reason, source: d.source, undo: false };
      }
      case 'StatusChangeUndone': {
        const d = e.data as NoviEventData<'StatusChangeUndone'>;
        return { order: await orderAt(e, d.orderId), from: d.from, to: d.to, reason: d.reason, source: d.source, undo: true };
      }
      default:
        return null;
    }
  }

  async function enqueue(e: RecordedEvent, tx: CommonQueryMethods): Promise<void> {
    const name = NAME_OF[e.type];
    const businessId = (e.data as { businessId?: unknown }).businessId;
    if (!name || typeof businessId !== 'string') return;
    // Only webhooks added before the event was recorded (no replay of history into a new endpoint).
    const hooks = await tx.any(sql.type(hookRow)`
      select id from webhooks where business_id = ${businessId} and ${name} = any(events) and from_position < ${e.position.toString()}`);
    if (hooks.length === 0) return;
    const data = await payloadOf(e);
    for (const h of hooks) {
      const id = uuidFromName(DELIVERY_NS, `${e.id}:${h.id}`);
      const body = deliveryBody({ id, type: name, createdAt: e.metadata.occurredAt, businessId, data });
      await tx.query(sql.unsafe`
        insert into webhook_deliveries (id, webhook_id, business_id, event_type, event_id, body)
        values (${id}, ${h.id}, ${businessId}, ${name}, ${e.id}, ${body}) on conflict (id) do nothing`);
    }
    await tx.query(sql.unsafe`select pg_notify(${WEBHOOK_WAKE}, ${businessId})`);
  }

  const subscriber: Subscriber<RecordedEvent> = {
    name: WEBHOOKS_CHECKPOINT,
    eventTypes: Object.keys(NAME_OF),
    // An order's status change is never enqueued before its creation.
    ordering: 'stream',
    mode: 'transaction',
    batchSize: 100,
    prepare: (r) => {
      const v = validateEvent(r.type, r.data, r.metadata?.schemaVersion);
      if (!v.ok) return { ok: false, error: `${r.type} at ${r.streamId}@${r.revision} (position ${r.position}) fails its schema: ${v.error}` };
      return { ok: true, event: { ...r, data: v.event.data } };
    },
    handle: async (events, tx) => {
      for (const e of events) await enqueue(e, tx!);
    },
  };

  const waker = new Waker(rt.database.url);
  await waker.start();
  const runner = new SubscriptionRunner(rt, subscriber, waker, options);
  runner.start();
  const sender = new WebhookSender(rt, retry, production, options.pollMs ?? 1000);
  sender.start();
  log.info('webhooks started');
  return async () => {
    await runner.stop();
    await waker.close();
    await sender.stop();
  };
}

const claimed = z.object({ id: z.string(), webhook_id: z.string(), body: z.string(), event_type: z.string(), attempts: z.coerce.number(), url: z.string(), secret: z.string() });
type Claimed = z.infer<typeof claimed>;

interface Outcome {
  ok: boolean;
  status: number | null;
  error: string | null;
}

/** Connects only to addresses allowed in production (checked on what DNS answers, every time). */
const guardedLookup: LookupFunction = (hostname, options, callback) => {
  dns.lookup(hostname, { ...options, all: true }, (err, addresses) => {
    if (err) return callback(err, '', 0);
    const list = addresses as dns.LookupAddress[];
    const bad = list.find((a) => isInternalAddress(a.address));
    if (bad || list.length === 0) return callback(new Error(`refused: ${hostname} resolves to an internal address`), '', 0);
    if (options.all) return (callback as unknown as (e: null, a: dns.LookupAddress[]) => void)(null, list);
    const first = list[0]!;
    callback(null, first.address, first.family);
  });
};

export class WebhookSender {
  private stopping = false;
  private loop: Promise<void> | undefined;
  private readonly inflight = new Map<string, Promise<void>>();
  private wake: (() => void) | undefined;
  private listener: pg.Client | undefined;
  private cleanedAt = 0;

  constructor(
    private readonly rt: Pick<Runtime, 'pool' | 'database' | 'logger'>,
    private readonly retry: WebhookRetry,
    private readonly production: boolean,
    private readonly pollMs: number,
  ) {}

  start(): void {
    this.loop ??= this.run().catch((e: unknown) => this.rt.logger.error({ err: e }, 'webhook sender died'));
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.wake?.();
    await this.loop;
    await Promise.allSettled([...this.inflight.values()]);
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      timer.unref();
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }

  private async listen(): Promise<void> {
    if (this.listener) return;
    const client = new pg.Client({ connectionString: this.rt.database.url });
    const lost = () => {
      if (this.listener === client) this.listener = undefined;
      client.end().catch(() => undefined);
    };
    client.on('error', lost);
    client.on('end', lost);
    client.on('notification', () => this.wake?.());
    try {
      await client.connect();
      await client.query(`listen ${WEBHOOK_WAKE}`);
      this.listener = client;
    } catch {
      lost();
    }
  }

  private async run(): Promise<void> {
    const log = this.rt.logger.child({ component: 'webhook-sender' });
    while (!this.stopping) {
      const leader = await tryLead(this.rt.database.url, LOCK_LEADER, SENDER_LOCK);
      if (!leader) {
        await this.pause(2000);
        continue;
      }
      try {
        while (!this.stopping && leader.held()) {
          await this.listen();
          try {
            await this.tick();
          } catch (e) {
            log.warn({ err: e }, 'webhook sender tick failed; retrying');
          }
          await this.pause(this.pollMs);
        }
      } finally {
        await Promise.allSettled([...this.inflight.values()]);
        await leader.release();
      }
    }
    await this.listener?.end().catch(() => undefined);
  }

  private async tick(): Promise<void> {
    if (Date.now() - this.cleanedAt > 60_000) {
      this.cleanedAt = Date.now();
      await this.cleanUp();
    }
    const room = this.retry.concurrency - this.inflight.size;
    if (room <= 0) return;
    const busy = [...this.inflight.keys()];
    // The oldest due delivery of each endpoint that is neither paused nor already being called.
    const rows = await this.rt.pool.any(sql.type(claimed)`
      with due as (
        select * from (
          select distinct on (d.webhook_id) d.id, d.created_at
            from webhook_deliveries d join webhooks w on w.id = d.webhook_id
           where d.next_attempt_at <= now()
             and (d.status = 'pending' or (d.status = 'sending' and d.claimed_until < now()))
             and w.paused_until <= now()
             and not (d.webhook_id = any(${sql.array(busy, 'uuid')}))
           order by d.webhook_id, d.created_at, d.id) oldest
         order by created_at limit ${room})
      update webhook_deliveries d
         set status = 'sending', attempts = d.attempts + 1, updated_at = now(),
             claimed_until = now() + ${`${this.retry.visibilityMs} milliseconds`}::interval
        from webhooks w
       where d.id in (select id from due) and w.id = d.webhook_id
         and (d.status = 'pending' or d.claimed_until < now())
      returning d.id, d.webhook_id, d.body, d.event_type, d.attempts, w.url, w.secret`);
    for (const r of rows) {
      const job = this.deliver(r)
        .catch((e: unknown) => this.rt.logger.warn({ err: e, deliveryId: r.id }, 'recording a webhook delivery failed'))
        .finally(() => {
          this.inflight.delete(r.webhook_id);
          this.wake?.();
        });
      this.inflight.set(r.webhook_id, job);
    }
  }

  private async deliver(r: Claimed): Promise<void> {
    const outcome = await this.post(r);
    if (outcome.ok) {
      await this.rt.pool.transaction(async (tx) => {
        await tx.query(sql.unsafe`
          update webhook_deliveries set status = 'delivered', last_status_code = ${outcome.status}, last_error = null,
                 delivered_at = now(), updated_at = now(), claimed_until = null where id = ${r.id}`);
        // The endpoint answers again: its waiting deliveries are due now, not at their backoff.
        await tx.query(sql.unsafe`update webhooks set failures = 0, paused_until = '-infinity' where id = ${r.webhook_id}`);
        await tx.query(sql.unsafe`update webhook_deliveries set next_attempt_at = now() where webhook_id = ${r.webhook_id} and status = 'pending' and next_attempt_at > now()`);
      });
      return;
    }
    const last = r.attempts >= this.retry.attempts;
    const wait = backoffMs(this.retry, r.attempts);
    await this.rt.pool.transaction(async (tx) => {
      await tx.query(sql.unsafe`
        update webhook_deliveries
           set status = ${last ? 'failed' : 'pending'}, last_status_code = ${outcome.status}, last_error = ${outcome.error},
               next_attempt_at = now() + ${`${wait} milliseconds`}::interval, updated_at = now(), claimed_until = null
         where id = ${r.id}`);
      const f = await tx.maybeOneFirst(sql.type(z.object({ failures: z.coerce.number() }))`
        update webhooks set failures = failures + 1 where id = ${r.webhook_id} returning failures`);
      if (f !== null) {
        await tx.query(sql.unsafe`update webhooks set paused_until = now() + ${`${backoffMs(this.retry, f)} milliseconds`}::interval where id = ${r.webhook_id}`);
      }
    });
  }

  private post(r: Claimed): Promise<Outcome> {
    let url: URL;
    try {
      url = new URL(r.url);
    } catch {
      return Promise.resolve({ ok: false, status: null, error: 'the webhook URL is not valid' });
    }
    // A literal address is never looked up, so it is checked here (a name is checked in guardedLookup).
    const literal = url.hostname.replace(/^\[|\]$/g, '');
    if (this.production && isIP(literal) !== 0 && isInternalAddress(literal)) {
      return Promise.resolve({ ok: false, status: null, error: `refused: ${literal} is an internal address` });
    }
    const timestamp = Math.floor(Date.now() / 1000);
    const body = Buffer.from(r.body, 'utf8');
    const client = url.protocol === 'https:' ? https : http;
    return new Promise<Outcome>((resolve) => {
      let settled = false;
      const finish = (o: Outcome) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(o);
      };
      const req = client.request(
        url,
        {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'content-length': String(body.length),
            'user-agent': 'Novi-Webhooks/1',
            [SIGNATURE_HEADER]: signPayload(r.secret, r.body, timestamp),
            'Novi-Event': r.event_type,
            'Novi-Delivery': r.id,
          },
          ...(this.production ? { lookup: guardedLookup } : {}),
        },
        (res) => {
          const status = res.statusCode ?? 0;
          // The answer's body is read (at most 64 KB) and dropped: only the status code counts.
          let seen = 0;
          res.on('data', (chunk: Buffer) => {
            seen += chunk.length;
            if (seen > 65_536) res.destroy();
          });
          const done = () => finish(status >= 200 && status < 300 ? { ok: true, status, error: null } : { ok: false, status, error: `HTTP ${status}` });
          res.on('end', done);
          res.on('close', done);
          res.on('error', done);
        },
      );
      const timer = setTimeout(() => {
        req.destroy();
        finish({ ok: false, status: null, error: `no answer within ${this.retry.timeoutMs} ms` });
      }, this.retry.timeoutMs);
      req.on('error', (e) => finish({ ok: false, status: null, error: e.message.slice(0, 300) }));
      req.end(body);
    });
  }

  /** Bounded log: finished deliveries older than DELIVERY_LOG_DAYS, and beyond DELIVERY_LOG_ROWS per webhook, go. */
  private async cleanUp(): Promise<void> {
    await this.rt.pool.query(sql.unsafe`
      delete from webhook_deliveries where status in ('delivered', 'failed') and updated_at < now() - ${`${DELIVERY_LOG_DAYS} days`}::interval`);
    await this.rt.pool.query(sql.unsafe`
      delete from webhook_deliveries d using (
        select id from (select id, status, row_number() over (partition by webhook_id order by created_at desc) as n from webhook_deliveries) x
         where n > ${DELIVERY_LOG_ROWS} and status in ('delivered', 'failed')) old
       where d.id = old.id`);
  }
}
