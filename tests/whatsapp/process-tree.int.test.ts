// A session child's whole process tree goes with it: the browser it started (detached, in its own
// process group, as puppeteer starts Chromium) and its other children die when the child is
// SIGKILLed or stopped, and the memory cap counts the browser's memory, not only the child's.
// Real processes: a stand-in child (fixtures/tree-child.mjs) that starts long-lived grandchildren.
import t from 'tap';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, existsSync } from 'node:fs';
import { sql } from 'slonik';
import { z } from 'zod';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startSupervisor } from '../../src/whatsapp/supervisor.ts';
import { getSession, startSession } from '../../src/whatsapp/control.ts';
import { FAST, seedBusiness, testRuntime, waitFor } from './helpers.ts';
import { CHROMIUM, chromiumInstalled } from '../helpers/browser.ts';

const { rt, done } = await testRuntime();
t.teardown(done);
const childEntry = fileURLToPath(new URL('./fixtures/tree-child.mjs', import.meta.url));

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  // A zombie (exited, not yet reaped) is not running.
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

/** The stand-in child reads its NOVI_TEST_* switches; the supervisor passes the children an allow-listed environment only. */
function testEnv(): Record<string, string> {
  return Object.fromEntries(Object.entries(process.env).filter((e): e is [string, string] => e[0].startsWith('NOVI_TEST_') && e[1] !== undefined));
}

function trees(file: string): number[][] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8').trim().split('\n').filter(Boolean).map((l) => l.split(' ').map(Number));
}

t.test('a SIGKILLed child leaves no browser and no other grandchild running', async (t) => {
  const file = join(mkdtempSync(join(tmpdir(), 'novi-tree-')), 'pids');
  process.env.NOVI_TEST_TREE_FILE = file;
  const a = await seedBusiness(rt);
  const sup = await startSupervisor(rt, { ...FAST, childEnv: testEnv(), childEntry });
  let stopped = false;
  t.teardown(() => (stopped ? undefined : sup.stop()));
  await startSession(rt, { businessId: a.businessId, transport: 'whatsapp', actor: 'u' });
  const [first] = await waitFor('child and grandchildren running', async () => (trees(file).length ? trees(file) : null), 20_000);
  const [child, browser, helper] = first!;
  t.ok(alive(browser!) && alive(helper!), 'grandchildren running');
  process.kill(child!, 'SIGKILL');
  await waitFor('browser gone', async () => !alive(browser!), 10_000);
  await waitFor('other grandchild gone', async () => !alive(helper!), 10_000);
  t.pass('no grandchild survives its killed parent');
  // The restarted child's tree goes too when the supervisor stops.
  const second = await waitFor('restarted', async () => trees(file)[1], 20_000);
  t.ok(second.slice(1).every(alive), 'the new tree runs');
  await sup.stop();
  stopped = true;
  await waitFor('second tree gone', async () => second.every((p) => !alive(p)), 10_000);
  t.pass('stopping the supervisor ends every process of the session');
});

t.test('a child that ignores SIGTERM is killed, with its browser', async (t) => {
  const file = join(mkdtempSync(join(tmpdir(), 'novi-tree-')), 'pids');
  process.env.NOVI_TEST_TREE_FILE = file;
  process.env.NOVI_TEST_IGNORE_TERM = '1';
  t.teardown(() => void delete process.env.NOVI_TEST_IGNORE_TERM);
  const a = await seedBusiness(rt);
  const sup = await startSupervisor(rt, { ...FAST, childEnv: testEnv(), childEntry, childTimeoutMs: 1500 });
  await startSession(rt, { businessId: a.businessId, transport: 'whatsapp', actor: 'u' });
  const [tree] = await waitFor('running', async () => (trees(file).length ? trees(file) : null), 20_000);
  // Silence the child (SIGSTOP): the supervisor's hang detection takes over.
  process.kill(tree![0]!, 'SIGSTOP');
  await waitFor('hung child and its browser gone', async () => tree!.every((p) => !alive(p)), 15_000);
  await sup.stop();
  t.pass('killed');
});

t.test("the memory cap counts the browser's memory", async (t) => {
  const file = join(mkdtempSync(join(tmpdir(), 'novi-tree-')), 'pids');
  process.env.NOVI_TEST_TREE_FILE = file;
  process.env.NOVI_TEST_BROWSER_MB = '160';
  t.teardown(() => void delete process.env.NOVI_TEST_BROWSER_MB);
  const a = await seedBusiness(rt);
  const sup = await startSupervisor(rt, { ...FAST, childEnv: testEnv(), childEntry, memoryLimitMb: 120 });
  t.teardown(() => sup.stop());
  const s = await startSession(rt, { businessId: a.businessId, transport: 'whatsapp', actor: 'u' });
  const [tree] = await waitFor('running', async () => (trees(file).length ? trees(file) : null), 20_000);
  const [child, browser] = tree!;
  await waitFor('killed for memory and restarted', async () => (sup.status().find((x) => x.sessionId === s.id)?.restarts ?? 0) >= 1, 20_000);
  t.notOk(alive(child!), 'the bloated child was killed');
  await waitFor('its browser too', async () => !alive(browser!), 10_000);
  t.pass('the child alone is far under the cap; its browser put it over');
});

t.test('a session that gives up for good shows the merchant why', async (t) => {
  const reason = 'WhatsApp logged this device out: link WhatsApp again by scanning a new QR code';
  process.env.NOVI_TEST_FAIL_REASON = reason;
  t.teardown(() => void delete process.env.NOVI_TEST_FAIL_REASON);
  const a = await seedBusiness(rt);
  const sup = await startSupervisor(rt, { ...FAST, childEnv: testEnv(), childEntry });
  t.teardown(() => sup.stop());
  await startSession(rt, { businessId: a.businessId, transport: 'whatsapp', actor: 'u' });
  const s = await waitFor('failed', async () => {
    const x = await getSession(rt, a.businessId);
    return x?.state === 'FAILED' ? x : null;
  }, 20_000);
  t.equal(s.reason, reason);
  await new Promise((r) => setTimeout(r, 1000));
  t.equal(sup.status().length, 0, 'not restarted');
  t.equal((await getSession(rt, a.businessId))?.state, 'FAILED', 'still failed');
});

t.test('profiles of failed, stopped and replaced sessions are removed; running ones are kept', async (t) => {
  const file = join(mkdtempSync(join(tmpdir(), 'novi-tree-')), 'pids');
  process.env.NOVI_TEST_TREE_FILE = file;
  const a = await seedBusiness(rt);
  const b = await seedBusiness(rt);
  const running = await startSession(rt, { businessId: a.businessId, transport: 'whatsapp', actor: 'u' });
  const failed = await startSession(rt, { businessId: b.businessId, transport: 'whatsapp', actor: 'u' });
  await rt.pool.query(sql.type(z.object({}))`update whatsapp_session_requests set status = 'failed' where session_id = ${failed.id}`);
  const root = rt.config.whatsappSessionPath;
  const replaced = '0b7c5d1e-7f49-4a8e-9a56-3e2f1c9d8b7a';
  for (const id of [running.id, failed.id, replaced]) mkdirSync(join(root, `session-${id}`, 'Default'), { recursive: true });
  // WHATSAPP_AUTH=remote names the profile RemoteAuth-<id>.
  for (const id of [running.id, failed.id]) mkdirSync(join(root, `RemoteAuth-${id}`, 'Default'), { recursive: true });
  mkdirSync(join(root, 'not-a-session'), { recursive: true });
  const sup = await startSupervisor(rt, { ...FAST, childEnv: testEnv(), childEntry });
  t.teardown(() => sup.stop());
  await waitFor('swept', async () => ![`session-${failed.id}`, `session-${replaced}`, `RemoteAuth-${failed.id}`].some((d) => existsSync(join(root, d))), 10_000);
  t.ok(existsSync(join(root, `session-${running.id}`)), 'the running session keeps its login');
  t.ok(existsSync(join(root, `RemoteAuth-${running.id}`)), 'in either auth mode');
  t.ok(existsSync(join(root, 'not-a-session')), 'nothing else is touched');
});

/** Every process whose command line names `needle` (Chromium's browser, zygotes, renderers, GPU…). */
function processesWith(needle: string): number[] {
  return readdirSync('/proc').filter((d) => /^\d+$/.test(d)).flatMap((d) => {
    try {
      return readFileSync(`/proc/${d}/cmdline`, 'utf8').includes(needle) && alive(Number(d)) ? [Number(d)] : [];
    } catch {
      return [];
    }
  });
}

t.test('a SIGKILLed child leaves no real Chromium process behind', { skip: chromiumInstalled() ? false : `${CHROMIUM} is not installed` }, async (t) => {
  const file = join(mkdtempSync(join(tmpdir(), 'novi-tree-')), 'pids');
  const profile = mkdtempSync(join(tmpdir(), 'novi-chromium-profile-'));
  process.env.NOVI_TEST_TREE_FILE = file;
  process.env.NOVI_TEST_CHROMIUM_PROFILE = profile;
  t.teardown(() => {
    delete process.env.NOVI_TEST_CHROMIUM_PROFILE;
    for (const pid of processesWith(profile)) process.kill(pid, 'SIGKILL');
  });
  // Only this session runs (the earlier tests' sessions would start their own Chromium in the same folder).
  await rt.pool.query(sql.type(z.object({}))`update whatsapp_session_requests set status = 'stopped' where status = 'running'`);
  const a = await seedBusiness(rt);
  const sup = await startSupervisor(rt, { ...FAST, childEnv: testEnv(), childEntry: fileURLToPath(new URL('./fixtures/chromium-child.mjs', import.meta.url)) });
  let stopped = false;
  t.teardown(() => (stopped ? undefined : sup.stop()));
  await startSession(rt, { businessId: a.businessId, transport: 'whatsapp', actor: 'u' });
  const [first] = await waitFor('child and Chromium running', async () => (trees(file).length ? trees(file) : null), 60_000);
  const [child, browser] = first!;
  const chromium = processesWith(profile);
  t.ok(chromium.includes(browser!) && chromium.length >= 2, `Chromium runs as ${chromium.length} processes, led by the browser`);
  // The cap counts the tree's PSS: a real Chromium fits the default cap (summed RSS did not: ~1 GB).
  const measured = await waitFor('the tree measured', async () => sup.status()[0]?.rssMb ?? null, 10_000);
  t.ok(measured > 0 && measured < rt.config.sessionMemoryMb, `child + Chromium: ${measured} MB, under the default cap of ${rt.config.sessionMemoryMb} MB`);
  t.equal(sup.status()[0]?.restarts, 0, 'not restarted for memory');
  process.kill(child!, 'SIGKILL');
  await waitFor('every Chromium process gone', async () => processesWith(profile).filter((p) => chromium.includes(p)).length === 0, 15_000).catch((e: unknown) => {
    const left = processesWith(profile).filter((p) => chromium.includes(p));
    throw new Error(`${String(e)}: still running ${left.map((p) => `${p} ${readFileSync(`/proc/${p}/cmdline`, 'utf8').replace(/\0/g, ' ').slice(0, 160)}`).join(' | ')}`);
  });
  t.pass('no Chromium process of the killed child survives');
  const second = await waitFor('restarted with a new Chromium', async () => trees(file)[1], 60_000);
  t.ok(alive(second[1]!), 'the restarted child runs its own browser');
  await sup.stop();
  stopped = true;
  await waitFor('and none of the restarted one', async () => processesWith(profile).length === 0, 15_000);
  t.pass('stopping the supervisor leaves no Chromium running');
});
