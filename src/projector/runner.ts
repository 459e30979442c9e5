// Runs one projection live: leader lock, then batches of its event types, each written with its
// checkpoint in one transaction; a poison event stops it with the position and error recorded.
import { sql } from 'slonik';
import { z } from 'zod';
import type { Runtime } from '../runtime.ts';
import type { Projection } from '../../projections/index.ts';
import { write } from '../../projections/shared.ts';
import { applyBatch, isTransient, liveTables, notifyUpdates, validateRecorded } from './batch.ts';
import { LOCK_BATCH, LOCK_LEADER, tryLead, type Leadership } from './leader.ts';
import type { Waker } from './wake.ts';

export interface RunnerOptions {
  batchSize?: number;
  /** Poll interval when no NOTIFY arrives. */
  pollMs?: number;
  /** How often a stand-by instance retries the lock, and a stopped projection re-checks its error. */
  standbyMs?: number;
}

const checkpointRow = z.object({ position: z.coerce.bigint(), error: z.string().nullable() });

type StepResult =
  | { kind: 'progress'; count: number }
  | { kind: 'idle' }
  | { kind: 'stopped' }
  | { kind: 'invalid'; position: bigint; error: string };

export async function ensureCheckpoint(rt: Pick<Runtime, 'pool'>, name: string): Promise<void> {
  await rt.pool.query(write`insert into projection_checkpoints (name) values (${name}) on conflict (name) do nothing`);
}

export async function recordPoison(rt: Pick<Runtime, 'pool' | 'logger'>, name: string, position: bigint, error: string): Promise<void> {
  rt.logger.error({ projection: name, position: position.toString(), error }, 'projection stopped on a poison event');
  await rt.pool.query(write`
    update projection_checkpoints set error = ${error.slice(0, 4000)}, error_position = ${position.toString()}, updated_at = now()
     where name = ${name}`);
}

export class ProjectionRunner {
  private stopping = false;
  private wakeStop: (() => void) | undefined;
  private readonly stopSignal: Promise<void>;
  private loop: Promise<void> | undefined;
  private leader: Leadership | undefined;
  /** After a failed batch: go one event at a time up to this position to find the culprit. */
  private singleUntil = -1n;
  readonly batchSize: number;
  private readonly pollMs: number;
  private readonly standbyMs: number;

  constructor(
    private readonly rt: Runtime,
    readonly projection: Projection,
    private readonly waker: Waker,
    options: RunnerOptions = {},
  ) {
    this.batchSize = options.batchSize ?? 500;
    this.pollMs = options.pollMs ?? 1000;
    this.standbyMs = options.standbyMs ?? 2000;
    this.stopSignal = new Promise((resolve) => (this.wakeStop = resolve));
  }

  start(): void {
    this.loop ??= this.run().catch((e: unknown) => this.rt.logger.error({ err: e, projection: this.projection.name }, 'projection loop died'));
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
    const name = this.projection.name;
    const log = this.rt.logger.child({ projection: name });
    while (!this.stopping) {
      this.leader = await tryLead(this.rt.database.url, LOCK_LEADER, name);
      if (!this.leader) {
        await this.sleep(this.standbyMs);
        continue;
      }
      log.debug('leading projection');
      try {
        await ensureCheckpoint(this.rt, name);
        let idle = true;
        let failures = 0;
        while (!this.stopping && this.leader.held()) {
          const seen = this.waker.generation;
          let result: StepResult;
          try {
            const head = idle ? await this.rt.store.headPosition() : undefined;
            result = await this.step(head);
            failures = 0;
          } catch (error) {
            if (isTransient(error) || !this.leader.held()) {
              failures++;
              log.warn({ err: error }, 'projection batch failed; retrying');
              await this.sleep(Math.min(10_000, 100 * 2 ** failures));
              continue;
            }
            const failed = (error as { failedPosition?: bigint }).failedPosition;
            if (failed !== undefined) {
              await recordPoison(this.rt, name, failed, (error as Error).message);
              continue;
            }
            // Which event of the batch broke it? Retry one at a time; the first to fail is the poison.
            this.singleUntil = (error as { batchEnd?: bigint }).batchEnd ?? 0n;
            log.warn({ err: error }, 'projection batch failed; retrying event by event');
            continue;
          }
          if (result.kind === 'invalid') {
            await recordPoison(this.rt, name, result.position, result.error);
            continue;
          }
          if (result.kind === 'progress') {
            idle = false;
            continue;
          }
          idle = true;
          if (result.kind === 'stopped') await this.sleep(this.standbyMs);
          else await Promise.race([this.waker.wait(seen, this.pollMs), this.stopSignal]);
        }
      } catch (error) {
        log.error({ err: error }, 'projection failed');
        await this.sleep(this.standbyMs);
      } finally {
        await this.leader.release();
        this.leader = undefined;
      }
    }
  }

  /** One batch in one transaction: read after the checkpoint, apply, move the checkpoint, NOTIFY. */
  private async step(head: bigint | undefined): Promise<StepResult> {
    const p = this.projection;
    return this.rt.pool.transaction(async (tx) => {
      // The rebuild's swap takes this lock too: a batch never straddles a swap.
      await tx.query(write`select pg_advisory_xact_lock(${LOCK_BATCH}, hashtext(${p.name}))`);
      const cp = await tx.one(sql.type(checkpointRow)`select position, error from projection_checkpoints where name = ${p.name} for update`);
      if (cp.error !== null) return { kind: 'stopped' } as const;
      const single = cp.position < this.singleUntil;
      const recorded = await this.rt.store.readAll({ fromPosition: cp.position, maxCount: single ? 1 : this.batchSize, filter: { eventTypes: [...p.eventTypes] } });
      if (recorded.length === 0) {
        // Nothing of ours up to the head read before this page: the checkpoint may jump there, so lag reads 0.
        if (head !== undefined && head > cp.position) {
          await tx.query(write`update projection_checkpoints set position = ${head.toString()}, updated_at = now() where name = ${p.name}`);
        }
        return { kind: 'idle' } as const;
      }
      const events = [];
      let invalid: { position: bigint; error: string } | undefined;
      for (const r of recorded) {
        const v = validateRecorded(r);
        if (!v.ok) {
          invalid = { position: r.position, error: v.error };
          break;
        }
        events.push(v.event);
      }
      if (events.length > 0) {
        try {
          const payloads = await applyBatch(tx, p, events, liveTables);
          const last = events[events.length - 1]!.position;
          await tx.query(write`update projection_checkpoints set position = ${last.toString()}, updated_at = now() where name = ${p.name}`);
          await notifyUpdates(tx, payloads);
        } catch (error) {
          const e = error instanceof Error ? error : new Error(String(error));
          if (events.length === 1 && !isTransient(e)) {
            Object.assign(e, { failedPosition: events[0]!.position });
            e.message = `${events[0]!.type} at position ${events[0]!.position}: ${e.message}`;
          } else {
            Object.assign(e, { batchEnd: events[events.length - 1]!.position });
          }
          throw e;
        }
      }
      if (invalid && events.length === 0) return { kind: 'invalid', ...invalid } as const;
      return { kind: 'progress', count: events.length } as const;
    });
  }
}
