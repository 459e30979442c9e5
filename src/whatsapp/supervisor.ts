// The worker role's session supervisor: claims sessions through leases in PostgreSQL (renewed on a
// heartbeat, taken over when expired, so each session runs on exactly one host) and runs each in
// its own child process, restarted with backoff after a crash, a hang or a memory blow-up.
import { fork, type ChildProcess } from 'node:child_process';
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { sql } from 'slonik';
import { z } from 'zod';
import type { Runtime } from '../runtime.ts';
import { EXIT_FAILED, type ChildInit, type FromChild, type ToChild } from './protocol.ts';

import { childEntry } from './child-bundle.ts';
import { appendSessionHeartbeat } from './heartbeat.ts';

export interface SupervisorOptions {
  /** Lease owner id; default host:pid:random. */
  owner?: string;
  leaseMs?: number;
  tickMs?: number;
  /** Sessions this supervisor holds at most (others are left to other hosts). */
  maxSessions?: number;
  /** A child silent this long is killed and restarted. */
  childTimeoutMs?: number;
  memoryLimitMb?: number;
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  /** Passed to each session: how often a working session reconciles its chats (default 60 s). */
  reconcileEveryMs?: number;
  /** At most one SessionHeartbeat event per WORKING session this often (default 5 min; bot uptime stops at the last one). */
  heartbeatEventMs?: number;
}

export interface SupervisorStatus {
  sessionId: string;
  businessId: string;
  pid: number | undefined;
  state: string;
  rssMb: number | null;
  restarts: number;
}

export interface Supervisor {
  readonly owner: string;
  status(): SupervisorStatus[];
  /** `releaseLeases: false` behaves like a dead host: children killed, leases left to expire. */
  stop(options?: { releaseLeases?: boolean }): Promise<void>;
}

interface Slot {
  sessionId: string;
  businessId: string;
  transport: 'whatsapp' | 'simulator';
  child: ChildProcess | undefined;
  state: string;
  lastBeat: number;
  /** When this supervisor last appended a SessionHeartbeat for the session (0: not yet). */
  beatEventAt: number;
  rss: number | null;
  failures: number;
  restarts: number;
  startedAt: number;
  notBefore: number;
  stopping: 'logout' | 'release' | null;
  exited: Promise<void> | undefined;
}

const requestRow = z.object({ session_id: z.string(), business_id: z.string(), transport: z.enum(['whatsapp', 'simulator']) });
const idRow = z.object({ session_id: z.string() });

export function backoffDelay(failures: number, baseMs: number, maxMs: number): number {
  const exp = Math.min(maxMs, baseMs * 2 ** Math.max(0, failures - 1));
  return Math.round(exp / 2 + Math.random() * (exp / 2)); // "equal jitter": never zero, never in lockstep
}

export async function startSupervisor(rt: Runtime, options: SupervisorOptions = {}): Promise<Supervisor> {
  const owner = options.owner ?? `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  const leaseMs = options.leaseMs ?? 15_000;
  const tickMs = options.tickMs ?? Math.max(200, Math.floor(leaseMs / 5));
  const maxSessions = options.maxSessions ?? 500;
  const childTimeoutMs = options.childTimeoutMs ?? 20_000;
  const heartbeatEventMs = options.heartbeatEventMs ?? 5 * 60_000;
  const memoryLimit = (options.memoryLimitMb ?? rt.config.sessionMemoryMb) * 1024 * 1024;
  const baseMs = options.backoffBaseMs ?? 1000;
  const maxMs = options.backoffMaxMs ?? 60_000;
  const log = rt.logger.child({ component: 'supervisor', owner });
  const entry = childEntry((msg, err) => log.warn({ err }, msg));
  const slots = new Map<string, Slot>();
  let stopped = false;
  let lastRenewal = Date.now();
  let ticking: Promise<void> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;

  // Wake-ups: new inbox messages / outbox rows (payload: business id) and changed requests.
  // A dedicated pg client: slonik has no LISTEN API; this connection runs no other statement.
  const listener = new pg.Client({ connectionString: rt.database.url });
  listener.on('error', (e) => log.warn({ err: e }, 'wake-up listener failed; falling back to polling'));
  try {
    await listener.connect();
    await listener.query('listen novi_session_wake');
    await listener.query('listen novi_session_requests');
    listener.on('notification', (n) => {
      if (n.channel === 'novi_session_requests') return void kick();
      for (const slot of slots.values()) if (slot.businessId === n.payload) sendTo(slot, { type: 'poke' });
    });
  } catch (e) {
    log.warn({ err: e }, 'LISTEN failed; children poll instead');
  }

  function sendTo(slot: Slot, msg: ToChild): void {
    if (slot.child?.connected) slot.child.send(msg, (err) => err && log.debug({ err }, 'ipc send failed'));
  }

  function spawn(slot: Slot): void {
    const child = fork(entry, [], {
      env: { ...process.env, DATABASE_URL: rt.database.url },
      execArgv: [],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      serialization: 'json',
    });
    slot.child = child;
    slot.state = 'STARTING';
    slot.lastBeat = Date.now();
    slot.startedAt = Date.now();
    slot.rss = null;
    const init: ChildInit = {
      type: 'init',
      sessionId: slot.sessionId,
      businessId: slot.businessId,
      transport: slot.transport,
      databaseUrl: rt.database.url,
      eventStoreUrl: rt.config.eventStoreUrl ?? null,
      chromiumPath: rt.config.chromiumPath,
      whatsappSessionPath: rt.config.whatsappSessionPath,
      dataDir: rt.config.dataDir,
      logLevel: rt.config.logLevel,
      ...(options.reconcileEveryMs ? { reconcileEveryMs: options.reconcileEveryMs } : {}),
    };
    child.send(init);
    child.on('message', (msg: FromChild) => {
      slot.lastBeat = Date.now();
      if (msg.type === 'heartbeat') {
        slot.rss = msg.rss;
        slot.state = msg.state;
        if (msg.state === 'WORKING' && Date.now() - slot.beatEventAt >= heartbeatEventMs) {
          slot.beatEventAt = Date.now();
          appendSessionHeartbeat(rt.store, slot).catch((e: unknown) => log.warn({ err: e, sessionId: slot.sessionId }, 'SessionHeartbeat not recorded'));
        }
      } else if (msg.type === 'state') {
        slot.state = msg.state;
      }
    });
    child.on('error', (e) => log.warn({ err: e, sessionId: slot.sessionId }, 'session child error'));
    slot.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        resolve();
        if (slot.child !== child) return;
        slot.child = undefined;
        onExit(slot, code, signal);
      });
    });
    log.info({ sessionId: slot.sessionId, tenantId: slot.businessId, pid: child.pid }, 'session child started');
  }

  function onExit(slot: Slot, code: number | null, signal: NodeJS.Signals | null): void {
    if (slot.stopping || stopped) return;
    if (code === EXIT_FAILED) {
      log.warn({ sessionId: slot.sessionId }, 'session failed for good; waiting for the merchant to start it again');
      slots.delete(slot.sessionId);
      void rt.pool
        .query(sql.type(z.object({}))`
          update whatsapp_session_requests set status = 'failed', status_reason = 'session failed', updated_at = now()
          where session_id = ${slot.sessionId} and status = 'running'`)
        .then(() => releaseLease(slot.sessionId))
        .catch((e: unknown) => log.warn({ err: e }, 'could not mark session failed'));
      return;
    }
    // A child that ran a while was healthy: its next crash starts the backoff over.
    if (Date.now() - slot.startedAt > 60_000) slot.failures = 0;
    slot.failures += 1;
    slot.restarts += 1;
    const delay = backoffDelay(slot.failures, baseMs, maxMs);
    slot.notBefore = Date.now() + delay;
    log.warn({ sessionId: slot.sessionId, code, signal, restartInMs: delay }, 'session child exited; restarting');
    setTimeout(kick, delay + 10).unref();
  }

  async function stopSlot(slot: Slot, how: 'logout' | 'release', graceMs = 5000): Promise<void> {
    slot.stopping = how;
    const child = slot.child;
    if (child && child.exitCode === null && child.signalCode === null) {
      sendTo(slot, { type: 'stop', logout: how === 'logout' });
      const killer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await slot.exited;
      clearTimeout(killer);
    }
    slots.delete(slot.sessionId);
  }

  function killNow(slot: Slot, why: string): void {
    log.warn({ sessionId: slot.sessionId, pid: slot.child?.pid, why }, 'killing session child');
    slot.child?.kill('SIGKILL');
  }

  async function releaseLease(sessionId: string): Promise<void> {
    await rt.pool.query(sql.type(z.object({}))`
      delete from whatsapp_session_leases where session_id = ${sessionId} and owner = ${owner}`);
  }

  async function tick(): Promise<void> {
    if (stopped) return;
    // 1. Renew what we hold. A lease we no longer hold means another host took the session over.
    let held: Set<string>;
    try {
      const renewed = await rt.pool.anyFirst(sql.type(idRow)`
        update whatsapp_session_leases set expires_at = now() + ${leaseMs} * interval '1 millisecond'
        where owner = ${owner} returning session_id`);
      held = new Set(renewed);
      lastRenewal = Date.now();
    } catch (e) {
      log.warn({ err: e }, 'lease renewal failed');
      // Self-fencing: past most of the lease without a renewal, another host may take over soon.
      if (Date.now() - lastRenewal > leaseMs * 0.7) for (const slot of slots.values()) killNow(slot, 'lease renewal failing');
      return;
    }
    for (const slot of [...slots.values()]) {
      if (!held.has(slot.sessionId)) {
        killNow(slot, 'lease lost');
        slot.stopping = 'release';
        slots.delete(slot.sessionId);
      }
    }

    // 2. What should run.
    const wanted = await rt.pool.any(sql.type(requestRow)`
      select session_id, business_id, transport from whatsapp_session_requests where status = 'running'`);
    const wantedIds = new Set(wanted.map((w) => w.session_id));
    for (const id of held) {
      if (wantedIds.has(id)) continue;
      const slot = slots.get(id);
      if (slot) await stopSlot(slot, 'logout');
      await releaseLease(id);
      held.delete(id);
    }

    // 3. Claim free or expired sessions, in random order so hosts spread the load.
    const free = wanted.filter((w) => !held.has(w.session_id)).sort(() => Math.random() - 0.5);
    for (const w of free) {
      if (held.size >= maxSessions) break;
      const got = await rt.pool.maybeOneFirst(sql.type(idRow)`
        insert into whatsapp_session_leases (session_id, owner, expires_at)
        values (${w.session_id}, ${owner}, now() + ${leaseMs} * interval '1 millisecond')
        on conflict (session_id) do update set owner = excluded.owner, expires_at = excluded.expires_at, acquired_at = now()
        where whatsapp_session_leases.expires_at < now() or whatsapp_session_leases.owner = excluded.owner
        returning session_id`);
      if (got) {
        held.add(got);
        log.info({ sessionId: got, tenantId: w.business_id }, 'session lease acquired');
      }
    }

    // 4. Run what we hold; restart what is due; kill the hung and the bloated.
    const now = Date.now();
    for (const w of wanted) {
      if (!held.has(w.session_id)) continue;
      let slot = slots.get(w.session_id);
      if (!slot) {
        slot = {
          sessionId: w.session_id,
          businessId: w.business_id,
          transport: w.transport,
          child: undefined,
          state: 'STARTING',
          lastBeat: now,
          beatEventAt: 0,
          rss: null,
          failures: 0,
          restarts: 0,
          startedAt: now,
          notBefore: 0,
          stopping: null,
          exited: undefined,
        };
        slots.set(w.session_id, slot);
      }
      if (!slot.child) {
        if (now >= slot.notBefore) spawn(slot);
        continue;
      }
      if (now - slot.lastBeat > childTimeoutMs) killNow(slot, `silent for ${now - slot.lastBeat} ms`);
      else if (slot.rss !== null && slot.rss > memoryLimit) killNow(slot, `rss ${Math.round(slot.rss / 1048576)} MB over the limit`);
    }
  }

  function kick(): void {
    if (stopped) return;
    ticking = ticking.then(tick).catch((e: unknown) => log.warn({ err: e }, 'supervisor tick failed'));
  }

  const loop = () => {
    kick();
    timer = setTimeout(loop, tickMs);
  };
  loop();
  await ticking;

  return {
    owner,
    status: () =>
      [...slots.values()].map((s) => ({
        sessionId: s.sessionId,
        businessId: s.businessId,
        pid: s.child?.pid,
        state: s.state,
        rssMb: s.rss === null ? null : Math.round(s.rss / 1048576),
        restarts: s.restarts,
      })),
    stop: async (opts = {}) => {
      if (stopped) return;
      stopped = true;
      clearTimeout(timer);
      await ticking;
      if (opts.releaseLeases === false) {
        for (const s of slots.values()) {
          s.stopping = 'release';
          s.child?.kill('SIGKILL');
        }
        await Promise.all([...slots.values()].map((s) => s.exited));
        slots.clear();
        await listener.end().catch(() => undefined);
        return;
      }
      await Promise.all([...slots.values()].map((s) => stopSlot(s, 'release')));
      await rt.pool
        .query(sql.type(z.object({}))`delete from whatsapp_session_leases where owner = ${owner}`)
        .catch((e: unknown) => log.warn({ err: e }, 'could not release leases'));
      await listener.end().catch(() => undefined);
    },
  };
}
