// The worker role's session supervisor: claims sessions through leases in PostgreSQL (renewed on a
// heartbeat, taken over when expired, so each session runs on exactly one host) and runs each in
// its own child process, restarted with backoff after a crash, a hang or a memory blow-up.
import { fork, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { sql } from 'slonik';
import { z } from 'zod';
import type { Runtime } from '../runtime.ts';
import { sweepAuthArchives } from './auth-store.ts';
import { budgetReason, sessionBudget } from './budget.ts';
import { EXIT_FAILED, type ChildInit, type FromChild, type ToChild } from './protocol.ts';

import { childEntry } from './child-bundle.ts';
import { childEnvironment } from './child-env.ts';
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
  /** Extra environment for the children beyond the allow-list (tests' stand-in children). */
  childEnv?: Record<string, string>;
  /** Passed to each session: how often a working session reconciles its chats (default 60 s). */
  reconcileEveryMs?: number;
  /** Grace between SIGTERM and SIGKILL when a child (and its browser) is stopped or killed. */
  killGraceMs?: number;
  /** The program forked for a session (tests run a stand-in that starts grandchildren). */
  childEntry?: string;
  /** How often LocalAuth profiles of sessions that no longer run are removed (default 10 min). */
  profileSweepMs?: number;
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
  /** The child's browser (Chromium leads its own process group): pid and start time, against pid reuse. */
  browser: { pid: number; start: string } | null;
  /** Processes of the child's tree last seen (pid → start time), killed if they outlive it. */
  tree: Map<number, string>;
  /** Why the child gave up, as it told us: shown to the merchant. */
  failReason: string | null;
  /** Resident memory of the whole tree, sampled from /proc (null off Linux: the heartbeat's figure is used). */
  treeRss: number | null;
  rssAt: number;
}

// ── process trees (Linux /proc) ─────────────────────────────────────────────────────
// A session is a child process plus the Chromium it starts. Puppeteer launches Chromium detached
// (its own process group and session), so killing the child alone leaves the browser running,
// holding the WhatsApp connection and the profile lock. The supervisor therefore runs each child
// in its own process group, learns the browser's pid from the child, and signals every group and
// process of the tree; the memory cap counts the whole tree.

function procStat(pid: number): { ppid: number; start: string } | null {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const rest = s.slice(s.lastIndexOf(')') + 2).split(' ');
    if (rest[0] === 'Z') return null; // exited, waiting to be reaped
    return { ppid: Number(rest[1]), start: rest[19] ?? '' };
  } catch {
    return null;
  }
}

/** The pid and every descendant of it, with their start times. */
export function processTree(root: number): Map<number, string> {
  const out = new Map<number, string>();
  const rootStat = procStat(root);
  if (!rootStat) return out;
  out.set(root, rootStat.start);
  const children = new Map<number, Array<{ pid: number; start: string }>>();
  let entries: string[] = [];
  try {
    entries = readdirSync('/proc');
  } catch {
    return out;
  }
  for (const e of entries) {
    if (!/^\d+$/.test(e)) continue;
    const st = procStat(Number(e));
    if (!st) continue;
    const list = children.get(st.ppid) ?? [];
    list.push({ pid: Number(e), start: st.start });
    children.set(st.ppid, list);
  }
  const queue = [root];
  while (queue.length) {
    for (const c of children.get(queue.shift()!) ?? []) {
      if (out.has(c.pid)) continue;
      out.set(c.pid, c.start);
      queue.push(c.pid);
    }
  }
  return out;
}

/** Resident memory of the given processes, in bytes (Linux; null where /proc is not readable). */
/**
 * The memory of a process tree: the sum of each process's PSS (`/proc/<pid>/smaps_rollup`), which
 * shares every shared page among the processes mapping it, so Chromium's many processes (browser,
 * zygote, GPU, renderers, all mapping the same binary and shared memory) are not counted several
 * times over as summed RSS does: a headless Chromium on about:blank summed to ~1 GB of RSS here.
 * VmRSS where smaps_rollup cannot be read (kernels before 4.14, or a process of another user).
 */
export function treeRss(pids: Iterable<number>): number | null {
  let total = 0;
  let any = false;
  for (const pid of pids) {
    const kb = memoryKb(pid);
    if (kb !== null) {
      total += kb * 1024;
      any = true;
    }
  }
  return any ? total : null;
}

function memoryKb(pid: number): number | null {
  for (const [file, re] of [[`/proc/${pid}/smaps_rollup`, /^Pss:\s+(\d+) kB/m], [`/proc/${pid}/status`, /VmRSS:\s+(\d+) kB/]] as const) {
    try {
      const m = re.exec(readFileSync(file, 'utf8'));
      if (m) return Number(m[1]);
    } catch {
      /* gone, or not readable: try the next */
    }
  }
  return null;
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    /* already gone */
  }
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
  const entry = options.childEntry ?? childEntry((msg, err) => log.warn({ err }, msg));
  const killGraceMs = options.killGraceMs ?? 3000;
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
    await listener.query('listen novi_session_chats');
    listener.on('notification', (n) => {
      if (n.channel === 'novi_session_requests') return void kick();
      if (n.channel === 'novi_session_chats') {
        for (const slot of slots.values()) if (slot.businessId === n.payload) sendTo(slot, { type: 'chats' });
        return;
      }
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
      env: { ...childEnvironment(process.env), ...options.childEnv },
      // A session is mostly idle I/O: a small young generation and no V8 worker threads keep an
      // idle child's private memory down (RSS 79.6 → 71.2 MB measured for a simulator session).
      execArgv: ['--max-semi-space-size=1', '--single-threaded'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      serialization: 'json',
      // Its own process group, so the child and whatever it starts can be signalled as one.
      detached: true,
    });
    slot.child = child;
    slot.state = 'STARTING';
    slot.lastBeat = Date.now();
    slot.startedAt = Date.now();
    slot.rss = null;
    slot.browser = null;
    slot.tree = new Map();
    slot.failReason = null;
    slot.treeRss = null;
    slot.rssAt = 0;
    const init: ChildInit = {
      type: 'init',
      sessionId: slot.sessionId,
      businessId: slot.businessId,
      transport: slot.transport,
      databaseUrl: rt.database.url,
      eventStoreUrl: rt.config.eventStoreUrl ?? null,
      chromiumPath: rt.config.chromiumPath,
      whatsappSessionPath: rt.config.whatsappSessionPath,
      whatsappAuth: { ...rt.config.whatsappAuth, leaseOwner: owner },
      dataDir: rt.config.dataDir,
      logLevel: rt.config.logLevel,
      ...(options.reconcileEveryMs ? { reconcileEveryMs: options.reconcileEveryMs } : {}),
    };
    child.send(init);
    child.on('message', (msg: FromChild) => {
      slot.lastBeat = Date.now();
      if (msg.type === 'heartbeat') {
        if (slot.treeRss === null) slot.rss = msg.rss;
        slot.state = msg.state;
        if (msg.state === 'WORKING' && Date.now() - slot.beatEventAt >= heartbeatEventMs) {
          slot.beatEventAt = Date.now();
          appendSessionHeartbeat(rt.store, slot).catch((e: unknown) => log.warn({ err: e, sessionId: slot.sessionId }, 'SessionHeartbeat not recorded'));
        }
      } else if (msg.type === 'state') {
        slot.state = msg.state;
      } else if (msg.type === 'browser' && Number.isInteger(msg.pid) && msg.pid > 1) {
        const st = procStat(msg.pid);
        if (st) slot.browser = { pid: msg.pid, start: st.start };
      } else if (msg.type === 'failed' && typeof msg.reason === 'string') {
        slot.failReason = msg.reason.slice(0, 500);
      }
    });
    child.on('error', (e) => log.warn({ err: e, sessionId: slot.sessionId }, 'session child error'));
    slot.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        // Whatever the child started dies with it: a surviving browser would hold the session.
        reap(slot, child.pid);
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
      // Kept, never respawned, until the request says failed: a tick in between must not restart it.
      slot.notBefore = Number.POSITIVE_INFINITY;
      void rt.pool
        .query(sql.type(z.object({}))`
          update whatsapp_session_requests set status = 'failed', status_reason = ${slot.failReason ?? 'session failed'}, updated_at = now()
          where session_id = ${slot.sessionId} and status = 'running'`)
        .then(() => releaseLease(slot.sessionId))
        .catch((e: unknown) => log.warn({ err: e }, 'could not mark session failed'))
        .finally(() => slots.delete(slot.sessionId));
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
      const killer = setTimeout(() => terminate(slot, child), graceMs);
      await slot.exited;
      clearTimeout(killer);
    }
    slots.delete(slot.sessionId);
  }

  /** Every process of the slot's tree still running: the child's group, the browser's group, and stragglers seen before. */
  function signalTree(slot: Slot, childPid: number | undefined, sig: NodeJS.Signals): void {
    if (childPid) {
      for (const [pid, start] of processTree(childPid)) slot.tree.set(pid, start);
      signal(-childPid, sig);
    }
    if (slot.browser && procStat(slot.browser.pid)?.start === slot.browser.start) signal(-slot.browser.pid, sig);
    for (const [pid, start] of slot.tree) if (procStat(pid)?.start === start) signal(pid, sig);
  }

  /** SIGTERM to the whole tree (Chromium closes cleanly, the child records its end), SIGKILL after the grace. */
  function terminate(slot: Slot, child: ChildProcess, graceMs = killGraceMs): void {
    signalTree(slot, child.pid, 'SIGTERM');
    const t = setTimeout(() => signalTree(slot, child.pid, 'SIGKILL'), graceMs);
    t.unref();
    void slot.exited?.then(() => clearTimeout(t));
  }

  /** After the child exited: kill what it left behind (children re-parented away from it). */
  function reap(slot: Slot, childPid: number | undefined): void {
    signalTree(slot, childPid, 'SIGKILL');
    slot.tree.clear();
  }

  function killNow(slot: Slot, why: string): void {
    log.warn({ sessionId: slot.sessionId, pid: slot.child?.pid, why }, 'killing session child');
    if (slot.child) terminate(slot, slot.child);
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
    // The connection budget is global: leases of every host count.
    const budget = free.length ? await sessionBudget(rt, rt.pool) : undefined;
    let leased = free.length
      ? await rt.pool.oneFirst(sql.type(z.object({ n: z.coerce.number() }))`select count(*) as n from whatsapp_session_leases where expires_at > now()`)
      : 0;
    for (const w of free) {
      if (held.size >= maxSessions) break;
      if (budget && leased >= budget.maxSessions) {
        log.warn({ sessionId: w.session_id, tenantId: w.business_id, reason: budgetReason(budget) }, 'session not started: connection budget reached');
        break;
      }
      const got = await rt.pool.maybeOneFirst(sql.type(idRow)`
        insert into whatsapp_session_leases (session_id, owner, expires_at)
        values (${w.session_id}, ${owner}, now() + ${leaseMs} * interval '1 millisecond')
        on conflict (session_id) do update set owner = excluded.owner, expires_at = excluded.expires_at, acquired_at = now()
        where whatsapp_session_leases.expires_at < now() or whatsapp_session_leases.owner = excluded.owner
        returning session_id`);
      if (got) {
        held.add(got);
        leased++;
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
          browser: null,
          tree: new Map(),
          failReason: null,
          treeRss: null,
          rssAt: 0,
        };
        slots.set(w.session_id, slot);
      }
      if (!slot.child) {
        if (now >= slot.notBefore) spawn(slot);
        continue;
      }
      // The cap counts the whole tree: the child's heartbeat only knows its own memory, not Chromium's.
      if (slot.child.pid && now - slot.rssAt >= 1000) {
        slot.rssAt = now;
        const tree = processTree(slot.child.pid);
        for (const [pid, start] of tree) slot.tree.set(pid, start);
        slot.treeRss = treeRss(tree.keys());
      }
      if (slot.treeRss !== null) slot.rss = slot.treeRss;
      if (now - slot.lastBeat > childTimeoutMs) killNow(slot, `silent for ${now - slot.lastBeat} ms`);
      else if (slot.rss !== null && slot.rss > memoryLimit) killNow(slot, `rss ${Math.round(slot.rss / 1048576)} MB over the limit`);
    }
  }

  /**
   * LocalAuth keeps a `session-<id>` Chromium profile per session under WHATSAPP_SESSION_PATH (tens
   * of MB each). A new start gets a new session id, so the profiles of failed, stopped and replaced
   * sessions would stay forever: remove every one whose session is not running anywhere (with a
   * shared volume, another host's running session is `running` too and is kept).
   */
  async function sweepProfiles(): Promise<void> {
    // RemoteAuth login archives of sessions that run nowhere go too (one sweep per worker is harmless).
    const archives = await sweepAuthArchives(rt.pool);
    if (archives > 0) log.info({ archives }, 'removed the WhatsApp login archives of sessions that no longer run');
    const root = rt.config.whatsappSessionPath;
    let names: string[];
    try {
      names = await readdir(root);
    } catch {
      return; // no profiles yet
    }
    const profiles = names.flatMap((n) => {
      const m = /^(?:session|RemoteAuth)-([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/.exec(n);
      return m ? [{ dir: n, id: m[1]! }] : [];
    });
    const ids = [...new Set(profiles.map((p) => p.id))];
    if (ids.length === 0) return;
    const running = new Set(
      await rt.pool.anyFirst(sql.type(idRow)`
        select session_id from whatsapp_session_requests where status = 'running' and session_id = any(${sql.array(ids, 'uuid')})`),
    );
    for (const { dir, id } of profiles) {
      if (running.has(id) || slots.has(id)) continue;
      await rm(join(root, dir), { recursive: true, force: true, maxRetries: 3 }).catch((e: unknown) => log.warn({ err: e, sessionId: id }, 'could not remove an old session profile'));
      log.info({ sessionId: id }, 'removed the profile of a session that no longer runs');
    }
  }
  let sweepTimer: NodeJS.Timeout | undefined;
  const sweep = () => {
    void sweepProfiles()
      .catch((e: unknown) => log.warn({ err: e }, 'profile sweep failed'))
      .finally(() => {
        if (!stopped) {
          sweepTimer = setTimeout(sweep, options.profileSweepMs ?? 600_000);
          sweepTimer.unref();
        }
      });
  };

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
  sweep();

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
      clearTimeout(sweepTimer);
      await ticking;
      if (opts.releaseLeases === false) {
        for (const s of slots.values()) {
          s.stopping = 'release';
          signalTree(s, s.child?.pid, 'SIGKILL');
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
