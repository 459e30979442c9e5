// What a newcomer does: npm start (embedded PostgreSQL), use it, stop it, start again, survive a
// SIGKILL, and run CLI commands on the same data whether or not Novi is running.
import t from 'tap';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, chmodSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stopOwnedServer } from '../../src/db/embedded.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'novi-start-'));
chmodSync(dataDir, 0o755);
const pidFile = join(dataDir, 'pg', 'postmaster.pid');
const env = { ...process.env, NOVI_DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'info', DATABASE_URL: '', CI: '' };
const running = new Set<ChildProcess>();

t.teardown(async () => {
  for (const p of running) p.kill('SIGKILL');
  await stopOwnedServer(dataDir).catch(() => undefined);
  rmSync(dataDir, { recursive: true, force: true });
});

async function start(): Promise<{ proc: ChildProcess; url: string; log: () => string }> {
  const proc = spawn(process.execPath, ['bin/novi.mjs', 'start'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(proc);
  proc.on('exit', () => running.delete(proc));
  let out = '';
  proc.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const deadline = Date.now() + 90_000;
  for (;;) {
    const m = /Novi is running at (http:\/\/[^"\s]+)/.exec(out);
    if (m?.[1]) return { proc, url: m[1], log: () => out };
    if (Date.now() > deadline || proc.exitCode !== null) throw new Error(`novi start did not come up:\n${out}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

function stop(proc: ChildProcess, signal: NodeJS.Signals): Promise<number | null> {
  return new Promise((resolve) => {
    if (proc.exitCode !== null) return resolve(proc.exitCode);
    proc.once('exit', (code) => resolve(code));
    proc.kill(signal);
  });
}

const account = { username: 'ada', email: 'ada@example.com', password: 'correct horse battery' };
const json = { 'content-type': 'application/json', accept: 'application/json' };

t.test('start, use, stop, start again, survive SIGKILL', async (t) => {
  const first = await start();
  const health = await fetch(`${first.url}/health`);
  t.equal(health.status, 200);
  const body = (await health.json()) as { status: string; checks: Record<string, { status: string }> };
  t.equal(body.status, 'healthy');
  t.equal(body.checks.database?.status, 'up');
  t.equal(body.checks.eventStore?.status, 'up');

  const metrics = await (await fetch(`${first.url}/metrics`)).text();
  t.match(metrics, /novi_http_requests_total/);
  t.match(metrics, /novi_projection_lag_events/);

  const reg = await fetch(`${first.url}/auth/register`, { method: 'POST', headers: json, body: JSON.stringify(account) });
  t.equal(reg.status, 201, 'a merchant signs up');

  // A CLI command while Novi runs uses the same server and leaves it running.
  const migrate = spawnSync(process.execPath, ['bin/novi.mjs', 'migrate'], { env, encoding: 'utf8', timeout: 60_000 });
  t.equal(migrate.status, 0, migrate.stderr);
  t.match(migrate.stderr, /already running/);
  t.equal((await fetch(`${first.url}/health`)).status, 200, 'still serving after the CLI finished');

  t.equal(await stop(first.proc, 'SIGTERM'), 0, 'SIGTERM stops cleanly');
  t.notOk(existsSync(pidFile), 'and PostgreSQL with it');

  const second = await start();
  const login = await fetch(`${second.url}/auth/login`, {
    method: 'POST',
    headers: json,
    body: JSON.stringify({ username: account.username, password: account.password }),
  });
  t.equal(login.status, 200, 'the data survived the restart');

  await stop(second.proc, 'SIGKILL');
  t.ok(existsSync(pidFile), 'after SIGKILL PostgreSQL is still running');
  const third = await start();
  t.match(third.log(), /already running/, 'the next start adopts it');
  t.equal((await fetch(`${third.url}/health`)).status, 200);
  t.equal(await stop(third.proc, 'SIGINT'), 0, 'Ctrl-C stops cleanly');
  t.notOk(existsSync(pidFile));
});

t.test('a CLI command with nothing running starts PostgreSQL for itself and stops it again', async (t) => {
  const r = spawnSync(process.execPath, ['bin/novi.mjs', 'migrate'], { env, encoding: 'utf8', timeout: 60_000 });
  t.equal(r.status, 0, r.stderr);
  t.match(r.stderr, /PostgreSQL started/);
  t.notOk(existsSync(pidFile), 'stopped when done');
});
