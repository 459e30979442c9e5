// `novi rebuild [projection…]`: rebuilds read models from event zero into `<table>_rebuild` copies,
// then swaps them in, in one transaction, once caught up (blue/green). Safe while the live projector
// runs: the swap takes the projection's batch lock, so a live batch lands before or after it, never
// across it; the live checkpoint moves to where the rebuild ended (and a poison error is cleared
// when the rebuild got past it). What it cannot apply is parked, not fatal (reported at the end).
import { parseArgs } from 'node:util';
import { sql } from 'slonik';
import { z } from 'zod';
import type { Runtime } from '../runtime.ts';
import { projectionByName, projections, type Projection } from '../../projections/index.ts';
import { write } from '../../projections/shared.ts';
import type { RecordedEvent } from '../eventstore/types.ts';
import type { ProjectedEvent } from '../../projections/index.ts';
import { applyBatch, isTransient, rebuildTables, validateRecorded } from '../projector/batch.ts';
import { errorText, listParked, markResolved, orderKey, parkEvent } from '../subscriptions/parking.ts';
import { LOCK_BATCH, LOCK_REBUILD, tryLead } from '../subscriptions/leader.ts';
import { ensureCheckpoint } from '../projector/runner.ts';

export interface RebuildProgress {
  projection: string;
  position: bigint;
  head: bigint;
  events: number;
}

export interface RebuildResult {
  projection: string;
  events: number;
  position: bigint;
  ms: number;
  /** Events it could not apply, now in parked_events (and those of their streams waiting behind them). */
  parked: number;
  behind: number;
}

/** SQL text that PostgreSQL itself produced (a view name and its definition from the catalog). */
function trustedSql(text: string) {
  const parts = Object.freeze(Object.assign([text], { raw: Object.freeze([text]) }));
  return sql.fragment(parts as unknown as TemplateStringsArray);
}

const viewRow = z.object({ name: z.string(), def: z.string() });

export async function rebuildProjection(
  rt: Runtime,
  projection: Projection,
  options: { batchSize?: number; onProgress?: (p: RebuildProgress) => void } = {},
): Promise<RebuildResult> {
  const started = Date.now();
  const name = projection.name;
  const batchSize = options.batchSize ?? 2000;
  const lock = await tryLead(rt.database.url, LOCK_REBUILD, name);
  if (!lock) throw new Error(`a rebuild of ${name} is already running`);
  try {
    for (const table of projection.tables) {
      const copy = rebuildTables(table);
      await rt.pool.query(write`drop table if exists ${sql.identifier([copy])}`);
      await rt.pool.query(write`create table ${sql.identifier([copy])} (like ${sql.identifier([table])} including all)`);
      // Row-level security and its policies (sql/007_rls.sql) are not copied by `like`: carry them over.
      await rt.pool.query(write`select novi_copy_tenant_rls(${table}::regclass, ${copy}::regclass)::text as done`);
    }
    await ensureCheckpoint(rt.pool, name);
    const filter = { eventTypes: [...projection.eventTypes] };
    let position = 0n;
    let events = 0;
    let head = await rt.store.headPosition();

    // What the rebuild cannot apply is parked (and the rest of its stream behind it), as the live
    // runner does: the rebuild goes on and reports it instead of failing.
    const parked = new Map<string, { r: RecordedEvent; error: string; status: 'parked' | 'behind' }>();
    const blocked = new Set<string>();
    const park = (r: RecordedEvent, error: string, status: 'parked' | 'behind') => {
      parked.set(r.id, { r, error, status });
      blocked.add(orderKey(r));
    };
    type Tx = Parameters<Parameters<Runtime['pool']['transaction']>[0]>[0];
    const project = async (tx: Tx, limit: number): Promise<number> => {
      const recorded = await rt.store.readAll({ fromPosition: position, maxCount: limit, filter });
      if (recorded.length === 0) return 0;
      const ready: Array<{ r: RecordedEvent; e: ProjectedEvent }> = [];
      for (const r of recorded) {
        if (blocked.has(orderKey(r))) {
          park(r, `waits behind an earlier parked event of ${orderKey(r)}`, 'behind');
          continue;
        }
        const v = validateRecorded(r);
        if (!v.ok) park(r, v.error, 'parked');
        else ready.push({ r, e: v.event });
      }
      try {
        if (ready.length > 0) await tx.transaction((sp) => applyBatch(sp, projection, ready.map((x) => x.e), rebuildTables));
      } catch (error) {
        if (isTransient(error)) throw error;
        // One at a time, each in its own savepoint: the first of a stream to fail is parked, its stream waits.
        for (const { r, e } of ready) {
          if (blocked.has(orderKey(r))) {
            park(r, `waits behind an earlier parked event of ${orderKey(r)}`, 'behind');
            continue;
          }
          try {
            await tx.transaction((sp) => applyBatch(sp, projection, [e], rebuildTables));
          } catch (one) {
            if (isTransient(one)) throw one;
            park(r, `${r.type} ${r.id} at ${r.streamId}@${r.revision} (position ${r.position}): ${errorText(one)}`, 'parked');
          }
        }
      }
      position = recorded[recorded.length - 1]!.position;
      events += recorded.length;
      options.onProgress?.({ projection: name, position, head, events });
      return recorded.length;
    };

    // Bulk: batch after batch, each in its own transaction, until a short page says we are near the head.
    for (;;) {
      const n = await rt.pool.transaction((tx) => project(tx, batchSize));
      if (n < batchSize) break;
      if (position > head) head = await rt.store.headPosition();
    }

    // Swap: under the live projector's batch lock, finish the tail and put the copies in place.
    await rt.pool.transaction(async (tx) => {
      await tx.query(write`select pg_advisory_xact_lock(${LOCK_BATCH}, hashtext(${name}))`);
      head = await rt.store.headPosition();
      while ((await project(tx, batchSize)) > 0);
      if (head > position) position = head;
      for (const table of projection.tables) {
        // Views over the table (analytics) follow it by identity: re-point them at the new table.
        const views = await tx.any(sql.type(viewRow)`
          select distinct v.oid::regclass::text as name, pg_get_viewdef(v.oid) as def
            from pg_depend d
            join pg_rewrite r on r.oid = d.objid
            join pg_class v on v.oid = r.ev_class
           where d.refobjid = ${table}::regclass and d.classid = 'pg_rewrite'::regclass and v.oid <> d.refobjid`);
        const old = `${table}_old`;
        await tx.query(write`drop table if exists ${sql.identifier([old])}`);
        await tx.query(write`alter table ${sql.identifier([table])} rename to ${sql.identifier([old])}`);
        await tx.query(write`alter table ${sql.identifier([rebuildTables(table)])} rename to ${sql.identifier([table])}`);
        for (const v of views) {
          await tx.query(write`create or replace view ${trustedSql(v.name)} as ${trustedSql(v.def.replace(/;\s*$/, ''))}`);
        }
        await tx.query(write`drop table ${sql.identifier([old])}`);
      }
      await tx.query(write`
        update projection_checkpoints set position = ${position.toString()}, error = null, error_position = null, updated_at = now()
         where name = ${name}`);
      // The parked list now says what the new tables lack: what the rebuild applied is resolved.
      const open = await listParked(tx, { subscriber: name, limit: 100_000 });
      await markResolved(tx, name, open.filter((p) => !parked.has(p.eventId)).map((p) => p.eventId), 'rebuild');
      for (const p of parked.values()) await parkEvent(tx, name, p.r, p.error, p.status);
    });
    options.onProgress?.({ projection: name, position, head: position, events });
    return { projection: name, events, position, ms: Date.now() - started, parked: [...parked.values()].filter((p) => p.status === 'parked').length, behind: [...parked.values()].filter((p) => p.status === 'behind').length };
  } finally {
    await lock.release();
  }
}

/** A progress bar on stderr: redrawn in place on a terminal, a line every few seconds otherwise. */
export function progressBar(stream: NodeJS.WriteStream = process.stderr): { update: (p: RebuildProgress) => void; done: () => void } {
  let last = 0;
  const started = Date.now();
  let lastLine = '';
  return {
    update(p) {
      const now = Date.now();
      const finished = p.position >= p.head;
      if (!finished && now - last < (stream.isTTY ? 100 : 2000)) return;
      last = now;
      const ratio = p.head > 0n ? Math.min(1, Number(p.position) / Number(p.head)) : 1;
      const width = 30;
      const filled = Math.round(ratio * width);
      const rate = Math.round(p.events / Math.max(0.001, (now - started) / 1000));
      lastLine = `${p.projection.padEnd(12)} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${(ratio * 100).toFixed(0).padStart(3)}%  ${p.events} events  ${rate}/s`;
      stream.write(stream.isTTY ? `\r${lastLine}` : `${lastLine}\n`);
    },
    done() {
      if (stream.isTTY && lastLine) stream.write('\n');
    },
  };
}

export async function runRebuild(argv: string[]): Promise<number> {
  const { positionals } = parseArgs({ args: argv, allowPositionals: true, options: {} });
  const unknown = positionals.filter((n) => !projectionByName(n));
  if (unknown.length) {
    process.stderr.write(`novi rebuild: unknown projection ${unknown.join(', ')}; known: ${projections.map((p) => p.name).join(', ')}\n`);
    return 2;
  }
  const chosen = positionals.length ? positionals.map((n) => projectionByName(n)!) : [...projections];
  const { createRuntime } = await import('../runtime.ts');
  const rt = await createRuntime();
  try {
    for (const p of chosen) {
      const bar = progressBar();
      const r = await rebuildProjection(rt, p, { onProgress: bar.update });
      bar.done();
      process.stdout.write(`${r.projection}: ${r.events} events in ${(r.ms / 1000).toFixed(1)}s, swapped in at position ${r.position}\n`);
      if (r.parked > 0) {
        process.stdout.write(`${r.projection}: ${r.parked} event(s) parked, ${r.behind} more waiting behind them; see /admin/parked to retry or skip\n`);
      }
    }
    return 0;
  } finally {
    await rt.close();
    await rt.database.release();
  }
}
