// Fault-suite harness: Novi's roles as separate processes, the way Procfile runs them
// (`node bin/novi.mjs start --roles web|worker|projector`), on one database; a phone-like client
// for the simulator API (retries with the same message id); the invariant checks of
// docs/architecture.md ("What must never happen"); and the result table.
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, closeSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import type { Test } from 'tap';
import { projections } from '../../projections/index.ts';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const BIN = join(ROOT, 'bin', 'novi.mjs');
export const RESULTS_FILE = join(ROOT, '.novi-test', 'fault-results.jsonl');
export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      const port = typeof a === 'object' && a ? a.port : 0;
      s.close(() => resolve(port));
    });
  });
}

/** Session child processes of a worker (its children running child-entry.mjs). */
export function sessionChildren(pid: number): number[] {
  return childrenOf(pid).filter((c) => {
    try {
      return readFileSync(`/proc/${c}/cmdline`, 'utf8').match(/child-entry\.mjs|session-child/) !== null;
    } catch {
      return false;
    }
  });
}

/** Direct children of a process (Linux). */
export function childrenOf(pid: number): number[] {
  const out: number[] = [];
  try {
    for (const task of readdirSync(`/proc/${pid}/task`)) {
      const text = readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').trim();
      if (text) out.push(...text.split(/\s+/).map(Number));
    }
  } catch {
    // gone
  }
  return out;
}

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^\d+ \(.*\) Z/.test(stat); // a zombie is dead
  } catch {
    return false;
  }
}

export function rssMb(pid: number): number | null {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Math.round(Number(m[1]) / 1024) : null;
  } catch {
    return null;
  }
}

type Role = 'web' | 'worker' | 'projector';

interface Proc {
  name: string;
  role: Role;
  child: ChildProcess;
  /** Restart when it exits unexpectedly (as a process manager would). */
  restart: boolean;
  expectedExit: boolean;
  ready: Promise<void>;
}

export interface ClusterOptions {
  databaseUrl: string;
  logLevel?: string;
  /** Extra environment of every role. */
  env?: Record<string, string>;
}

/**
 * Roles as separate processes, each in its own process group (so its session children can be
 * killed with it on cleanup). A role that exits unexpectedly is restarted after `restartDelayMs`,
 * like Procfile's process manager / `novi start` would.
 */
export class Cluster {
  readonly dataDir = mkdtempSync(join(tmpdir(), 'novi-faults-'));
  readonly procs = new Map<string, Proc>();
  readonly restarts: string[] = [];
  port = 0;
  url = '';
  private stopped = false;
  readonly restartDelayMs = 500;

  constructor(readonly options: ClusterOptions) {}

  logFile(name: string): string {
    return join(this.dataDir, `${name}.log`);
  }

  env(): NodeJS.ProcessEnv {
    return {
      ...process.env,
      NODE_ENV: 'test',
      DATABASE_URL: this.options.databaseUrl,
      PORT: String(this.port),
      HOST: '127.0.0.1',
      NOVI_DATA_DIR: this.dataDir,
      SESSION_SECRET: 'fault-suite-secret-fault-suite-secret-0000',
      LOG_LEVEL: this.options.logLevel ?? 'warn',
      NOVI_SIMULATOR: 'on',
      ...(this.options.env ?? {}),
    };
  }

  async startRole(role: Role, name: string = role, opts: { restart?: boolean } = {}): Promise<Proc> {
    if (role === 'web' && !this.port) this.port = await freePort();
    const fd = openSync(this.logFile(name), 'a');
    const child = fork(BIN, ['start', '--roles', role], {
      cwd: ROOT,
      env: this.env(),
      detached: true,
      stdio: ['ignore', fd, fd, 'ipc'],
    });
    closeSync(fd);
    let readyResolve!: () => void;
    let readyReject!: (e: Error) => void;
    const ready = new Promise<void>((res, rej) => {
      readyResolve = res;
      readyReject = rej;
    });
    const proc: Proc = { name, role, child, restart: opts.restart ?? true, expectedExit: false, ready };
    this.procs.set(name, proc);
    const timer = setTimeout(() => readyReject(new Error(`${name} not ready within 60 s; log:\n${this.tail(name)}`)), 60_000);
    child.on('message', (m: { type?: string; url?: string }) => {
      if (m?.type === 'ready') {
        clearTimeout(timer);
        if (m.url) this.url = m.url;
        readyResolve();
      }
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      readyReject(new Error(`${name} exited (${signal ?? code}) before it was ready; log:\n${this.tail(name)}`));
      this.killGroup(child.pid);
      if (this.procs.get(name) !== proc) return;
      if (this.stopped || proc.expectedExit || !proc.restart) return;
      this.restarts.push(`${name} exited (${signal ?? code})`);
      appendFileSync(this.logFile(name), `\n--- harness: ${name} exited (${signal ?? code}); restarting ---\n`);
      setTimeout(() => {
        if (!this.stopped && this.procs.get(name) === proc) void this.startRole(role, name, opts).then((p) => p.ready).catch(() => undefined);
      }, this.restartDelayMs);
    });
    ready.catch(() => undefined);
    return proc;
  }

  async start(roles: Array<[Role, string?]>): Promise<void> {
    const started = [];
    for (const [role, name] of roles) started.push(await this.startRole(role, name));
    await Promise.all(started.map((p) => p.ready));
  }

  pid(name: string): number {
    const p = this.procs.get(name);
    if (!p?.child.pid) throw new Error(`no process ${name}`);
    return p.child.pid;
  }

  /** SIGKILL one role process only (its session children notice the IPC channel closing). */
  kill(name: string, opts: { restart: boolean }): number {
    const p = this.procs.get(name);
    if (!p?.child.pid) throw new Error(`no process ${name}`);
    p.restart = opts.restart;
    p.expectedExit = !opts.restart;
    const pid = p.child.pid;
    process.kill(pid, 'SIGKILL');
    return pid;
  }

  /** Waits until the named role is running again (a new pid) and ready. */
  async waitRestarted(name: string, oldPid: number, timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const p = this.procs.get(name);
      if (p?.child.pid && p.child.pid !== oldPid) {
        await p.ready;
        return;
      }
      if (Date.now() > deadline) throw new Error(`${name} was not restarted within ${timeoutMs} ms`);
      await sleep(50);
    }
  }

  private killGroup(pid: number | undefined): void {
    if (!pid) return;
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }

  tail(name: string, lines = 40): string {
    try {
      return readFileSync(this.logFile(name), 'utf8').split('\n').slice(-lines).join('\n');
    } catch {
      return '(no log)';
    }
  }

  /** Stops every role (SIGTERM, then SIGKILL of the process group) and removes the data dir. */
  async stop(): Promise<void> {
    this.stopped = true;
    const waits = [...this.procs.values()].map(
      (p) =>
        new Promise<void>((resolve) => {
          const c = p.child;
          if (c.exitCode !== null || c.signalCode !== null) {
            this.killGroup(c.pid);
            return resolve();
          }
          const t = setTimeout(() => {
            this.killGroup(c.pid);
            resolve();
          }, 8000);
          c.once('exit', () => {
            clearTimeout(t);
            this.killGroup(c.pid);
            resolve();
          });
          try {
            c.kill('SIGTERM');
          } catch {
            resolve();
          }
        }),
    );
    await Promise.all(waits);
    if (!process.env.FAULTS_KEEP) rmSync(this.dataDir, { recursive: true, force: true });
  }
}

// ── a merchant and a phone ───────────────────────────────────────────────────────────────

export interface HttpResult {
  status: number;
  body: unknown;
  headers: Headers;
}

export async function http(base: string, method: string, path: string, body?: unknown, cookie?: string, timeoutMs = 10_000): Promise<HttpResult> {
  const res = await fetch(base + path, {
    method,
    headers: { accept: 'application/json', ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...(cookie ? { cookie } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON
  }
  return { status: res.status, body: parsed, headers: res.headers };
}

/** Retries on connection errors and 5xx, with backoff, like a client whose request did not land. */
export async function httpRetry(
  base: () => string,
  method: string,
  path: string,
  body?: unknown,
  cookie?: string,
  opts: { timeoutMs?: number; onRetry?: () => void } = {},
): Promise<HttpResult> {
  const deadline = Date.now() + (opts.timeoutMs ?? 90_000);
  let delay = 100;
  let last = '';
  for (;;) {
    try {
      const r = await http(base(), method, path, body, cookie);
      if (r.status < 500) return r;
      last = `${r.status} ${JSON.stringify(r.body).slice(0, 200)}`;
    } catch (e) {
      last = (e as Error).message;
    }
    opts.onRetry?.();
    if (Date.now() > deadline) throw new Error(`${method} ${path}: gave up after retries: ${last}`);
    await sleep(delay);
    delay = Math.min(2000, delay * 2);
  }
}

function expectStatus(r: HttpResult, status: number, what: string): Record<string, unknown> {
  if (r.status !== status) throw new Error(`${what}: ${r.status} ${JSON.stringify(r.body).slice(0, 300)}`);
  return r.body as Record<string, unknown>;
}

export const CATALOG = [
  { sku: 'JR', name: 'Jollof Rice', price: 2500, aliases: ['jollof'] },
  { sku: 'CH', name: 'Chicken', price: 2000, aliases: [] },
  { sku: 'PL', name: 'Plantain', price: 500, aliases: ['dodo'] },
];

export interface Shop {
  businessId: string;
  groupId: string;
  sessionId: string;
}

export interface Merchant {
  cookie: string;
  shops: Shop[];
}

/** Signs a merchant up over HTTP and creates `n` businesses, each with a catalog, a sales group and a simulator session. */
export async function merchantWithShops(base: () => string, name: string, n: number): Promise<Merchant> {
  const reg = await httpRetry(base, 'POST', '/auth/register', { username: name, email: `${name}@example.com`, password: 'correct horse battery' });
  expectStatus(reg, 201, 'register');
  const setCookie = reg.headers.get('set-cookie') ?? '';
  const m = /novi_session=([^;]+)/.exec(setCookie);
  if (!m) throw new Error('no session cookie');
  const cookie = `novi_session=${m[1]}`;
  const shops: Shop[] = [];
  for (let i = 0; i < n; i++) {
    const b = expectStatus(await httpRetry(base, 'POST', '/business', { name: `${name} shop ${i}`, country: 'NG' }, cookie), 201, 'create business');
    const businessId = (b.business as { id: string }).id;
    expectStatus(await httpRetry(base, 'PUT', `/business/${businessId}/catalog`, { products: CATALOG }, cookie), 200, 'catalog');
    const g = expectStatus(await httpRetry(base, 'POST', '/groups', { name: 'Sales', groupType: 'sales', businessId }, cookie), 201, 'group');
    const groupId = (g.group as { id: string }).id;
    const s = expectStatus(await httpRetry(base, 'POST', `/business/${businessId}/whatsapp`, { transport: 'simulator' }, cookie), 202, 'session');
    shops.push({ businessId, groupId, sessionId: (s.session as { id: string }).id });
  }
  // Sessions WORKING before the load starts.
  const deadline = Date.now() + 60_000;
  for (const shop of shops) {
    for (;;) {
      const r = await httpRetry(base, 'GET', `/business/${shop.businessId}/whatsapp`, undefined, cookie);
      if ((r.body as { session?: { state?: string } }).session?.state === 'WORKING') break;
      if (Date.now() > deadline) throw new Error(`session of ${shop.businessId} not WORKING: ${JSON.stringify(r.body)}`);
      await sleep(200);
    }
  }
  return { cookie, shops };
}

export function orderText(i: number): string {
  const q = 1 + (i % 5);
  const digits = String(1000 + (i % 9000)).padStart(4, '0');
  return `Name: Customer ${i}\nPhone: 0803 555 ${digits}\nAddress: ${i} Admiralty Way, Lekki\n${q}x Jollof Rice\n${1 + (i % 3)} Chicken`;
}

/** Sends order messages through the simulator API; every id is remembered (sent) once the API accepted it. */
export class Phone {
  readonly sent: string[] = [];
  retries = 0;
  private seq = 0;
  constructor(
    private readonly base: () => string,
    private readonly merchant: Merchant,
    private readonly prefix: string,
  ) {}

  async sendOne(shop: Shop): Promise<void> {
    const i = this.seq++;
    const id = `${this.prefix}${i}`;
    const r = await httpRetry(
      this.base,
      'POST',
      '/api/simulator/messages',
      { groupId: shop.groupId, from: { name: `Customer ${i}`, phone: '+2348035550101' }, text: orderText(i), id },
      this.merchant.cookie,
      { onRetry: () => this.retries++ },
    );
    expectStatus(r, 202, `message ${id}`);
    this.sent.push(id);
  }

  /** `count` messages round-robin over the shops, `rate` per second, `parallel` in flight. */
  async burst(count: number, rate: number, parallel = 4): Promise<void> {
    const shops = this.merchant.shops;
    let next = 0;
    const started = Date.now();
    await Promise.all(
      Array.from({ length: parallel }, async () => {
        for (let k = next++; k < count; k = next++) {
          const due = started + (k * 1000) / rate;
          if (due > Date.now()) await sleep(due - Date.now());
          await this.sendOne(shops[k % shops.length]!);
        }
      }),
    );
  }
}

// ── invariants ───────────────────────────────────────────────────────────────────────────

export interface Tally {
  sent: number;
  received: number;
  missingReceived: string[];
  dupReceived: number;
  orderPlaced: number;
  dupOrderPlaced: number;
  orders: number;
  dupOrders: number;
  confirmations: number;
  dupConfirmations: number;
  messageSent: number;
  dupMessageSent: number;
  lag: number;
  outboxOpen: number;
  projectionErrors: string[];
}

const n = (v: unknown) => Number(v ?? 0);

export async function tally(db: pg.Pool, businessIds: string[], sent: readonly string[]): Promise<Tally> {
  const q = async (text: string, params: unknown[] = [businessIds]) => (await db.query(text, params)).rows;
  const rec = await q(`
    select data->>'messageId' as id, count(*)::int as c from es_events
    where type = 'MessageReceived' and metadata->>'tenantId' = any($1::text[]) group by 1`);
  const got = new Map(rec.map((r) => [r.id as string, n(r.c)]));
  const placed = await q(`
    select data->'source'->>'messageId' as id, count(*)::int as c from es_events
    where type = 'OrderPlaced' and metadata->>'tenantId' = any($1::text[]) group by 1`);
  const orders = await q(`
    select source->>'messageId' as id, count(*)::int as c from orders where business_id = any($1::uuid[]) group by 1`);
  const conf = await q(`
    select so.in_reply_to as id, count(*)::int as c from simulator_outbox so join whatsapp_outbox wo on wo.id = so.outbox_id
    where so.business_id = any($1::uuid[]) and wo.kind = 'confirmation' group by 1`);
  const msgSent = await q(`
    select data->>'outboxId' as id, count(*)::int as c from es_events
    where type = 'MessageSent' and metadata->>'tenantId' = any($1::text[]) group by 1`);
  const head = n((await q('select coalesce(max(position), 0) as p from es_events', []))[0]?.p);
  const cps = await q(`select name, position, error from projection_checkpoints`, []);
  // The notifier's checkpoint moves only on events it answers; its work is the outbox, below.
  const lag = Math.max(0, ...cps.map((r) => head - n(r.position)));
  const outboxOpen = n((await q(`select count(*)::int as c from whatsapp_outbox where business_id = any($1::uuid[]) and status <> 'sent'`))[0]?.c);
  const sentSet = new Set(sent);
  const dups = (rows: Array<Record<string, unknown>>) => rows.filter((r) => n(r.c) > 1).length;
  const inSent = (rows: Array<Record<string, unknown>>) => rows.filter((r) => sentSet.has(r.id as string));
  return {
    sent: sent.length,
    received: [...got.keys()].filter((id) => sentSet.has(id)).length,
    missingReceived: sent.filter((id) => !got.has(id)),
    dupReceived: dups(rec),
    orderPlaced: inSent(placed).length,
    dupOrderPlaced: dups(placed),
    orders: inSent(orders).length,
    dupOrders: dups(orders),
    confirmations: inSent(conf).length,
    dupConfirmations: dups(conf),
    messageSent: msgSent.length,
    dupMessageSent: dups(msgSent),
    lag,
    outboxOpen,
    projectionErrors: cps.filter((r) => r.error).map((r) => `${r.name}: ${r.error}`),
  };
}

/** Waits (bounded) until every sent message is received, ordered, confirmed and projected. */
export async function waitSettled(db: pg.Pool, businessIds: string[], sent: readonly string[], timeoutMs = 120_000): Promise<{ tally: Tally; ms: number }> {
  const started = Date.now();
  let last: Tally | undefined;
  for (;;) {
    try {
      last = await tally(db, businessIds, sent);
      const done =
        last.received === last.sent && last.orders === last.sent && last.orderPlaced === last.sent && last.confirmations === last.sent && last.lag === 0 && last.outboxOpen === 0;
      if (done) return { tally: last, ms: Date.now() - started };
      if (last.projectionErrors.length) throw new Error(`projection stopped: ${last.projectionErrors.join('; ')}`);
    } catch (e) {
      if (String((e as Error).message).startsWith('projection stopped')) throw e;
      // the database may be coming back
    }
    if (Date.now() - started > timeoutMs) {
      const l = last ? { ...last, missingReceived: last.missingReceived.slice(0, 10) } : last;
      throw new Error(`not settled within ${timeoutMs} ms: ${JSON.stringify(l)}`);
    }
    await sleep(250);
  }
}

/** Every projection table, row by row (sorted JSON), for comparing live and rebuilt read models. */
export async function snapshot(db: pg.Pool): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const p of projections) {
    for (const table of p.tables) {
      const rows = (await db.query(`select to_jsonb(x)::text as row from ${pg.escapeIdentifier(table)} x`)).rows.map((r) => r.row as string);
      out[table] = rows.sort();
    }
  }
  return out;
}

/** `novi rebuild` (every projection) as its own process against the cluster's database. */
export async function runRebuild(cluster: Cluster): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, 'rebuild'], { cwd: ROOT, env: cluster.env(), stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, output });
    });
  });
}

/** Tables whose rows differ between two snapshots. */
export function diffSnapshots(a: Record<string, string[]>, b: Record<string, string[]>): string[] {
  const out: string[] = [];
  for (const table of new Set([...Object.keys(a), ...Object.keys(b)])) {
    const x = a[table] ?? [];
    const y = b[table] ?? [];
    if (x.length !== y.length || x.some((r, i) => r !== y[i])) {
      const onlyA = x.filter((r) => !y.includes(r)).slice(0, 2);
      const onlyB = y.filter((r) => !x.includes(r)).slice(0, 2);
      out.push(`${table}: live ${x.length} rows, rebuilt ${y.length}; live only ${JSON.stringify(onlyA)}; rebuilt only ${JSON.stringify(onlyB)}`);
    }
  }
  return out;
}

// ── the table ────────────────────────────────────────────────────────────────────────────

export interface ResultRow {
  scenario: string;
  sent: number;
  ordersExpected: number;
  ordersFound: number;
  duplicates: number;
  confirmations: number;
  recoverMs: number;
  rebuildEqual: boolean | null;
  notes?: string;
}

export function rowFrom(scenario: string, tl: Tally, recoverMs: number, rebuildEqual: boolean | null, notes = ''): ResultRow {
  return {
    scenario,
    sent: tl.sent,
    ordersExpected: tl.sent,
    ordersFound: tl.orders,
    duplicates: tl.dupReceived + tl.dupOrderPlaced + tl.dupOrders + tl.dupConfirmations + tl.dupMessageSent,
    confirmations: tl.confirmations,
    recoverMs,
    rebuildEqual,
    notes,
  };
}

export function formatTable(rows: ResultRow[]): string {
  const head = ['scenario', 'messages sent', 'orders expected', 'orders found', 'duplicates', 'confirmations', 'time to recover', 'rebuild = live', 'notes'];
  const body = rows.map((r) => [
    r.scenario,
    String(r.sent),
    String(r.ordersExpected),
    String(r.ordersFound),
    String(r.duplicates),
    String(r.confirmations),
    `${(r.recoverMs / 1000).toFixed(1)} s`,
    r.rebuildEqual === null ? '-' : r.rebuildEqual ? 'yes' : 'NO',
    r.notes ?? '',
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(head), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...body.map(line)].join('\n');
}

export function recordResults(rows: ResultRow[]): void {
  mkdirSync(dirname(RESULTS_FILE), { recursive: true });
  for (const r of rows) appendFileSync(RESULTS_FILE, JSON.stringify({ ...r, at: new Date().toISOString() }) + '\n');
}

/** A fresh database on the shared embedded test server, and a pg pool on it. */
export async function freshDatabase(): Promise<{ url: string; db: pg.Pool; drop: () => Promise<void> }> {
  const { createTestDatabase } = await import('../helpers/db.ts');
  const tdb = await createTestDatabase();
  const db = new pg.Pool({ connectionString: tdb.url, max: 3 });
  db.on('error', () => undefined);
  return {
    url: tdb.url,
    db,
    drop: async () => {
      await db.end().catch(() => undefined);
      await tdb.drop().catch(() => undefined);
    },
  };
}

/**
 * After a fault: waits for everything to settle, then checks the invariants and that a full
 * `novi rebuild` gives the live rows. Returns the table row.
 */
export async function verify(
  t: Test,
  scenario: string,
  cluster: Cluster,
  db: pg.Pool,
  businessIds: string[],
  sent: readonly string[],
  faultAt: number,
  notes = '',
): Promise<ResultRow> {
  const settled = await waitSettled(db, businessIds, sent);
  const recoverMs = Date.now() - faultAt;
  const tl = settled.tally;
  t.equal(tl.received, tl.sent, `${scenario}: every message sent is a MessageReceived`);
  t.same(tl.missingReceived, [], `${scenario}: none missing`);
  t.equal(tl.dupReceived, 0, `${scenario}: no message received twice`);
  t.equal(tl.orderPlaced, tl.sent, `${scenario}: one OrderPlaced per order message`);
  t.equal(tl.dupOrderPlaced, 0, `${scenario}: no OrderPlaced twice`);
  t.equal(tl.orders, tl.sent, `${scenario}: one order row per order message`);
  t.equal(tl.dupOrders, 0, `${scenario}: no duplicate order rows`);
  t.equal(tl.confirmations, tl.sent, `${scenario}: a confirmation per order`);
  t.equal(tl.dupConfirmations, 0, `${scenario}: no confirmation sent twice`);
  t.equal(tl.dupMessageSent, 0, `${scenario}: no MessageSent twice`);
  // A moment later nothing more appeared (no late duplicate from a zombie).
  await sleep(1500);
  const again = await tally(db, businessIds, sent);
  t.equal(again.dupReceived + again.dupOrderPlaced + again.dupOrders + again.dupConfirmations + again.dupMessageSent, 0, `${scenario}: still no duplicates`);
  let rebuildEqual: boolean | null = null;
  const live = await snapshot(db);
  const r = await runRebuild(cluster);
  t.equal(r.code, 0, `${scenario}: novi rebuild exits 0${r.code ? `: ${r.output.slice(-800)}` : ''}`);
  if (r.code === 0) {
    const rebuilt = await snapshot(db);
    const diff = diffSnapshots(live, rebuilt);
    t.same(diff, [], `${scenario}: rebuilt read models equal the live ones`);
    rebuildEqual = diff.length === 0;
  }
  return rowFrom(scenario, again, recoverMs, rebuildEqual, notes);
}
