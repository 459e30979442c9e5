// The one subscription runner behind the projector, the intake reactor and the notifier: leader
// lock, wake-up on NOTIFY (polling as the fallback), a checkpoint in projection_checkpoints, and
// parking. Transient failures (connection lost, serialization failure, PostgreSQL restarting) are
// retried with backoff for as long as they last and never skipped; an event that fails for any
// other reason is parked in parked_events with its error and the runner goes on with every other
// stream and tenant. With `ordering: 'stream'` the later events of a parked event's stream (of its
// message, in a chat stream: see orderKey) wait behind it (parked as 'behind') and are run again, in
// order, when it is resolved or skipped.
import { sql, type CommonQueryMethods } from 'slonik';
import { z } from 'zod';
import type { Runtime } from '../runtime.ts';
import type { RecordedEvent } from '../eventstore/types.ts';
import { write } from '../../projections/shared.ts';
import { isTransient } from './transient.ts';
import { LOCK_BATCH, LOCK_LEADER, tryLead, type Leadership } from './leader.ts';
import type { Waker } from './wake.ts';
import { blockedKeys, errorText, markResolved, orderKey, parkEvent, releaseBehind, reparkStream, retryRequested } from './parking.ts';

export type Prepared<E> = { ok: true; event: E } | { ok: false; error: string };

export interface Subscriber<E> {
  /** Checkpoint name (projection_checkpoints) and the subscriber named in parked_events. */
  name: string;
  eventTypes: readonly string[];
  /** 'stream': a parked event holds back the later events of its stream for this subscriber. */
  ordering: 'stream' | 'none';
  /**
   * 'transaction': `handle` runs in the batch's transaction with the checkpoint (exactly once).
   * 'after': `handle` runs first and the checkpoint moves in a later commit; `handle` must be idempotent.
   */
  mode: 'transaction' | 'after';
  batchSize: number;
  /** Each batch takes the LOCK_BATCH advisory lock on the name (the rebuild's swap takes it too). */
  batchLock?: boolean;
  /** Validation (schema, upcasting) of a stored event: a failure parks it with this error (say which event). */
  prepare: (r: RecordedEvent) => Prepared<E>;
  /** `tx` is the batch's transaction in 'transaction' mode, undefined in 'after' mode. */
  handle: (events: E[], tx: CommonQueryMethods | undefined) => Promise<void>;
  /** A batch failed: forget what was learnt from it (caches). Also called on each new leadership. */
  reset?: () => void;
}

export interface SubscriptionOptions {
  /** Poll interval when no NOTIFY arrives. */
  pollMs?: number;
  /** How often a stand-by instance retries the lock. */
  standbyMs?: number;
  /** Longest pause between retries of a transient failure. */
  maxBackoffMs?: number;
}

/** A single event whose handling failed for a reason that is not transient: it gets parked. */
class Pinned extends Error {
  constructor(readonly recorded: RecordedEvent, cause: unknown) {
    super(`${recorded.type} ${recorded.id} at ${recorded.streamId}@${recorded.revision} (position ${recorded.position}): ${errorText(cause)}`, { cause });
  }
}

const cpRow = z.object({ position: z.coerce.bigint() });

export async function ensureCheckpoint(q: CommonQueryMethods, name: string): Promise<void> {
  await q.query(write`insert into projection_checkpoints (name) values (${name}) on conflict (name) do nothing`);
}

async function moveCheckpoint(q: CommonQueryMethods, name: string, position: bigint): Promise<void> {
  await q.query(write`update projection_checkpoints set position = greatest(position, ${position.toString()}), updated_at = now() where name = ${name}`);
}

type StepResult = { kind: 'progress' } | { kind: 'idle' };

export class SubscriptionRunner<E> {
  private stopping = false;
  private wakeStop: (() => void) | undefined;
  private readonly stopSignal: Promise<void>;
  private loop: Promise<void> | undefined;
  private leader: Leadership | undefined;
  /** After a failed batch: go one event at a time up to this position to find the culprit. */
  private singleUntil = -1n;
  private readonly pollMs: number;
  private readonly standbyMs: number;
  private readonly maxBackoffMs: number;

  constructor(
    private readonly rt: Pick<Runtime, 'pool' | 'store' | 'database' | 'logger'>,
    readonly subscriber: Subscriber<E>,
    private readonly waker: Waker,
    options: SubscriptionOptions = {},
  ) {
    this.pollMs = options.pollMs ?? 1000;
    this.standbyMs = options.standbyMs ?? 2000;
    this.maxBackoffMs = options.maxBackoffMs ?? 5000;
    this.stopSignal = new Promise((resolve) => (this.wakeStop = resolve));
  }

  get name(): string {
    return this.subscriber.name;
  }

  start(): void {
    this.loop ??= this.run().catch((e: unknown) => this.rt.logger.error({ err: e, subscriber: this.name }, 'subscription loop died'));
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.wakeStop?.();
    await this.loop;
  }

  get leading(): boolean {
    return this.leader?.held() ?? false;
  }

  private sleep(ms: number): Promise<void> {
    return Promise.race([new Promise<void>((r) => setTimeout(r, ms).unref()), this.stopSignal]);
  }

  private async run(): Promise<void> {
    const log = this.rt.logger.child({ subscriber: this.name });
    while (!this.stopping) {
      this.leader = await tryLead(this.rt.database.url, LOCK_LEADER, this.name);
      if (!this.leader) {
        await this.sleep(this.standbyMs);
        continue;
      }
      log.debug('leading subscription');
      this.subscriber.reset?.();
      let failures = 0;
      let idle = true;
      let retriesCheckedAt = 0;
      try {
        await ensureCheckpoint(this.rt.pool, this.name);
        while (!this.stopping && this.leader.held()) {
          const seen = this.waker.generation;
          let result: StepResult;
          try {
            // Asked-for retries: looked for between batches when idle, at most once a second when busy.
            if (idle || Date.now() - retriesCheckedAt > 1000) {
              retriesCheckedAt = Date.now();
              await this.runRetries();
            }
            result = await this.step(idle ? await this.rt.store.headPosition() : undefined);
            if (failures > 0) log.info({ failures }, 'subscription recovered');
            failures = 0;
          } catch (error) {
            this.subscriber.reset?.();
            if (this.stopping) break;
            if (isTransient(error) || !this.leader.held()) {
              // Never skipped: retried for as long as the trouble lasts.
              failures++;
              if (failures === 1 || failures % 20 === 0) log.warn({ err: error, failures }, 'transient failure; retrying');
              await this.sleep(Math.min(this.maxBackoffMs, 100 * 2 ** Math.min(failures, 16)));
              continue;
            }
            if (error instanceof Pinned) {
              await this.park(error);
              continue;
            }
            // Which event of the batch broke it? One at a time up to the batch's end; the first to fail is parked.
            this.singleUntil = (error as { batchEnd?: bigint }).batchEnd ?? this.singleUntil;
            log.warn({ err: error }, 'batch failed; retrying event by event');
            continue;
          }
          if (result.kind === 'progress') {
            idle = false;
            continue;
          }
          idle = true;
          await Promise.race([this.waker.wait(seen, this.pollMs), this.stopSignal]);
        }
      } catch (error) {
        log.error({ err: error }, 'subscription failed');
        await this.sleep(this.standbyMs);
      } finally {
        await this.leader.release();
        this.leader = undefined;
      }
    }
  }

  private async park(p: Pinned): Promise<void> {
    this.rt.logger.error({ subscriber: this.name, eventId: p.recorded.id, position: p.recorded.position.toString(), error: p.message }, 'event parked');
    await this.rt.pool.transaction(async (tx) => {
      await parkEvent(tx, this.name, p.recorded, p.message);
      await moveCheckpoint(tx, this.name, p.recorded.position);
    });
  }

  /** One batch: read after the checkpoint, park what cannot run, handle the rest, move the checkpoint. */
  private async step(head: bigint | undefined): Promise<StepResult> {
    const s = this.subscriber;
    const body = async (q: CommonQueryMethods, inTx: boolean): Promise<StepResult> => {
      if (inTx && s.batchLock) await q.query(write`select pg_advisory_xact_lock(${LOCK_BATCH}, hashtext(${s.name}))`);
      const cp = inTx
        ? await q.one(sql.type(cpRow)`select position from projection_checkpoints where name = ${s.name} for update`)
        : await q.one(sql.type(cpRow)`select position from projection_checkpoints where name = ${s.name}`);
      const single = cp.position < this.singleUntil;
      const recorded = await this.rt.store.readAll({ fromPosition: cp.position, maxCount: single ? 1 : s.batchSize, filter: { eventTypes: [...s.eventTypes] } });
      if (recorded.length === 0) {
        // Nothing of ours up to the head read before this page: the checkpoint may jump there, so lag reads 0.
        if (head !== undefined && head > cp.position) await moveCheckpoint(q, s.name, head);
        return { kind: 'idle' };
      }
      const blocked = s.ordering === 'stream' ? await blockedKeys(q, s.name, recorded.map(orderKey)) : new Set<string>();
      const parks: Array<{ r: RecordedEvent; error: string; status: 'parked' | 'behind' }> = [];
      const ready: E[] = [];
      for (const r of recorded) {
        if (blocked.has(orderKey(r))) {
          parks.push({ r, error: `waits behind an earlier parked event of ${orderKey(r)}`, status: 'behind' });
          continue;
        }
        const v = s.prepare(r);
        if (!v.ok) {
          parks.push({ r, error: v.error, status: 'parked' });
          if (s.ordering === 'stream') blocked.add(orderKey(r));
          continue;
        }
        ready.push(v.event);
      }
      const last = recorded[recorded.length - 1]!;
      if (ready.length > 0) {
        try {
          await s.handle(ready, inTx ? q : undefined);
        } catch (error) {
          if (!isTransient(error) && recorded.length === 1) throw new Pinned(last, error);
          throw Object.assign(error instanceof Error ? error : new Error(String(error)), { batchEnd: last.position });
        }
      }
      const commit = async (tx: CommonQueryMethods) => {
        for (const p of parks) {
          this.rt.logger.error({ subscriber: s.name, eventId: p.r.id, position: p.r.position.toString(), error: p.error }, 'event parked');
          await parkEvent(tx, s.name, p.r, p.error, p.status);
        }
        await moveCheckpoint(tx, s.name, last.position);
      };
      if (inTx) await commit(q);
      // 'after' mode: a separate, durable commit after the handler's effects (which it also flushes).
      else await this.rt.pool.transaction(commit);
      return { kind: 'progress' };
    };
    if (s.mode === 'transaction') return this.rt.pool.transaction((tx) => body(tx, true));
    return body(this.rt.pool, false);
  }

  /** Parked events an admin asked to run again (and those released from behind them), in order. */
  private async runRetries(): Promise<void> {
    const s = this.subscriber;
    const list = await retryRequested(this.rt.pool, s.name);
    const failedKeys = new Set<string>();
    for (const p of list) {
      if (failedKeys.has(p.orderKey)) continue;
      const [r] = await this.rt.store.readAll({ fromPosition: p.position - 1n, maxCount: 1 });
      let error: string | undefined;
      if (!r || r.id !== p.eventId) error = `event ${p.eventId} is no longer at position ${p.position}`;
      const v = r && !error ? s.prepare(r) : undefined;
      if (v && !v.ok) error = v.error;
      if (v?.ok) {
        try {
          const resolve = async (tx: CommonQueryMethods) => {
            await markResolved(tx, s.name, [p.eventId], 'retried');
            await releaseBehind(tx, s.name, p.orderKey);
          };
          if (s.mode === 'transaction') {
            await this.rt.pool.transaction(async (tx) => {
              if (s.batchLock) await tx.query(write`select pg_advisory_xact_lock(${LOCK_BATCH}, hashtext(${s.name}))`);
              await s.handle([v.event], tx);
              await resolve(tx);
            });
          } else {
            await s.handle([v.event], undefined);
            await this.rt.pool.transaction(resolve);
          }
          this.rt.logger.info({ subscriber: s.name, eventId: p.eventId }, 'parked event retried and resolved');
          continue;
        } catch (e) {
          if (isTransient(e)) throw e;
          s.reset?.();
          error = `${p.eventType} ${p.eventId} (position ${p.position}): ${errorText(e)}`;
        }
      }
      failedKeys.add(p.orderKey);
      await reparkStream(this.rt.pool, s.name, p, error ?? 'failed again');
    }
  }
}
