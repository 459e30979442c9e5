// `novi admin create` as a separate process against a test database (no web server running),
// then sign-in over HTTP as that admin and the admin pages open; `novi admin list` shows it.
import t from 'tap';
import { spawn } from 'node:child_process';
import { webEnv } from '../web/harness.ts';
import { signIn, waitForRole } from './helpers.ts';

function novi(args: string[], env: Record<string, string>, stdin?: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['bin/novi.mjs', ...args], { env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += String(d)));
    child.stderr.on('data', (d) => (stderr += String(d)));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin ?? '');
  });
}

const env = await webEnv();
t.teardown(env.close);
const DB = { DATABASE_URL: env.rt.db.url, NODE_ENV: 'test', LOG_LEVEL: 'warn' };

t.test('novi admin create, then sign in over HTTP', async (t) => {
  const made = await novi(['admin', 'create', '--username', 'ops', '--email', 'ops@novi.test', '--password-stdin'], DB, 'a long admin password\n');
  t.equal(made.code, 0, made.stderr);
  t.match(made.stdout, /admin ops <ops@novi\.test> created \(id [0-9a-f-]{36}\)/);
  const id = /id ([0-9a-f-]{36})/.exec(made.stdout)?.[1] ?? '';
  await waitForRole(env.rt, id, 'admin');
  const cookie = await signIn(env.app, 'ops@novi.test', 'a long admin password');
  const dash = await env.app.inject({ method: 'GET', url: '/admin/dashboard', headers: { cookie, accept: 'application/json' } });
  t.equal(dash.statusCode, 200, 'the admin dashboard opens');
  const login = await env.app.inject({ method: 'POST', url: '/auth/login', headers: { accept: 'text/html' }, payload: { username: 'ops', password: 'a long admin password' } });
  t.equal(login.headers.location, '/admin/dashboard', 'a browser sign-in lands on the admin dashboard');

  const listed = await novi(['admin', 'list'], DB);
  t.equal(listed.code, 0, listed.stderr);
  t.match(listed.stdout, /^ops\tops@novi\.test\tactive\t/m);
});

t.test('refusals', async (t) => {
  const short = await novi(['admin', 'create', '--username', 'ops2', '--email', 'ops2@novi.test', '--password-stdin'], DB, 'short\n');
  t.equal(short.code, 1);
  t.match(short.stderr, /at least 8 characters/);
  const taken = await novi(['admin', 'create', '--username', 'OPS', '--email', 'other@novi.test', '--password-stdin'], DB, 'a long admin password');
  t.equal(taken.code, 1);
  t.match(taken.stderr, /Username OPS is taken/);
  const email = await novi(['admin', 'create', '--username', 'ops3', '--email', 'OPS@novi.test', '--password-stdin'], DB, 'a long admin password');
  t.equal(email.code, 1);
  t.match(email.stderr, /already exists/);
  const bad = await novi(['admin', 'create', '--username', 'x', '--email', 'nope', '--password-stdin'], DB, 'a long admin password');
  t.equal(bad.code, 1);
  const noTty = await novi(['admin', 'create', '--username', 'ops4', '--email', 'ops4@novi.test'], DB);
  t.equal(noTty.code, 2, 'no terminal and no --password-stdin');
  t.match(noTty.stderr, /--password-stdin/);
  const usage = await novi(['admin'], DB);
  t.equal(usage.code, 2);
});
