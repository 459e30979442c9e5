// Failover of a linked WhatsApp session (WHATSAPP_AUTH=remote): whatsapp-web.js's own RemoteAuth,
// run for real with Novi's PostgreSQL store, archives host A's login state; when the session's
// lease moves to host B, B's profile is rebuilt from the archive before Chromium would start, so B
// resumes linked (no new QR, no dead linked device on the phone). A worker that lost the lease
// cannot overwrite the archive; an oversized archive is refused; a logout and the sweep remove it.
// (With WHATSAPP_AUTH=local the login is in host A's profile only: B starts with an empty profile and
// WhatsApp Web shows a new QR code; docs/architecture.md, "Failover".)
import t from 'tap';
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'slonik';
import { z } from 'zod';
import { PgAuthStore, sweepAuthArchives } from '../../src/whatsapp/auth-store.ts';
import { authStrategy, profileDir, type WwebjsAuth } from '../../src/whatsapp/transports/wwebjs.ts';
import { testRuntime } from './helpers.ts';

const { rt, done } = await testRuntime();
t.teardown(done);

interface Strategy {
  setup(client: unknown): void;
  beforeBrowserInitialized(): Promise<void>;
  storeRemoteSession(options?: { emit: boolean }): Promise<void>;
  logout(): Promise<void>;
}

const LOGIN_FILE = join('Default', 'IndexedDB', 'https_web.whatsapp.com_0.indexeddb.leveldb', '000003.log');
const STORAGE_FILE = join('Default', 'Local Storage', 'leveldb', 'CURRENT');

function host(name: string, sessionId: string, maxBytes = 50 * 1048576) {
  const sessionPath = mkdtempSync(join(tmpdir(), `novi-${name}-`));
  const logs: string[] = [];
  const store = new PgAuthStore({ pool: rt.pool, dataPath: sessionPath, leaseOwner: name, maxBytes, log: (_l, m) => logs.push(m) });
  const auth: WwebjsAuth = { mode: 'remote', backupEveryMs: 60_000, store };
  const client = { options: { puppeteer: {} as { userDataDir?: string } }, emit: () => true };
  return {
    sessionPath,
    logs,
    store,
    client,
    profile: profileDir({ sessionId, sessionPath, auth }),
    /** whatsapp-web.js's RemoteAuth as Client.initialize() drives it, up to the browser's launch. */
    async start(): Promise<Strategy> {
      const s = (await authStrategy({ sessionId, sessionPath, auth })) as unknown as Strategy;
      s.setup(client);
      await s.beforeBrowserInitialized();
      return s;
    },
  };
}

async function lease(sessionId: string, owner: string): Promise<void> {
  await rt.pool.query(sql.type(z.object({}))`
    insert into whatsapp_session_leases (session_id, owner, expires_at) values (${sessionId}, ${owner}, now() + interval '1 minute')
    on conflict (session_id) do update set owner = excluded.owner, expires_at = excluded.expires_at, acquired_at = now()`);
}

const archiveRow = z.object({ bytes: z.number(), saved_by: z.string(), archive: z.instanceof(Buffer) });
const archiveOf = (sessionId: string) => rt.pool.maybeOne(sql.type(archiveRow)`select bytes, saved_by, archive from whatsapp_auth_archives where session_id = ${sessionId}`);

t.test('a session taken over by another host resumes linked from the archive', async (t) => {
  const sessionId = randomUUID();
  await lease(sessionId, 'host-a');
  const a = host('host-a', sessionId);
  const sa = await a.start();
  t.equal(a.client.options.puppeteer.userDataDir, a.profile, "Chromium would run on host A's RemoteAuth profile");
  t.notOk(await a.store.sessionExists({ session: `RemoteAuth-${sessionId}` }), 'nothing archived before linking');

  // WhatsApp Web, once linked, keeps its login in the profile's IndexedDB and Local Storage.
  const login = randomBytes(64 * 1024);
  mkdirSync(join(a.profile, LOGIN_FILE, '..'), { recursive: true });
  writeFileSync(join(a.profile, LOGIN_FILE), login);
  mkdirSync(join(a.profile, STORAGE_FILE, '..'), { recursive: true });
  writeFileSync(join(a.profile, STORAGE_FILE), 'MANIFEST-000001\n');
  mkdirSync(join(a.profile, 'Default', 'Cache'), { recursive: true });
  writeFileSync(join(a.profile, 'Default', 'Cache', 'data_1'), randomBytes(1024));
  symlinkSync('host-a-1234', join(a.profile, 'SingletonLock'));
  await sa.storeRemoteSession();
  const saved = await archiveOf(sessionId);
  t.ok(saved && saved.bytes > 0 && saved.saved_by === 'host-a', 'host A archived the login state in PostgreSQL');
  t.notOk(existsSync(join(a.sessionPath, `RemoteAuth-${sessionId}.zip`)), 'no zip left on disk');

  // Host A dies; the session's lease expires and host B takes it.
  await lease(sessionId, 'host-b');
  const b = host('host-b', sessionId);
  const sb = await b.start();
  t.equal(b.client.options.puppeteer.userDataDir, b.profile, "Chromium would run on host B's own profile");
  t.same(readFileSync(join(b.profile, LOGIN_FILE)), login, "host B's profile holds host A's WhatsApp Web login: no new QR");
  t.equal(readFileSync(join(b.profile, STORAGE_FILE), 'utf8'), 'MANIFEST-000001\n', 'and its Local Storage');
  t.notOk(existsSync(join(b.profile, 'Default', 'Cache')), 'caches are not carried over');
  t.notOk(existsSync(join(b.profile, 'SingletonLock')), "no lock naming host A: Chromium does not refuse the profile");

  // Host A is a zombie (partitioned, not dead): its next backup must not overwrite B's newer state.
  writeFileSync(join(a.profile, LOGIN_FILE), randomBytes(1024));
  await sa.storeRemoteSession();
  const after = await archiveOf(sessionId);
  t.same(after?.archive, saved!.archive, "the worker that lost the lease does not overwrite the archive");
  t.match(a.logs.join('\n'), /no longer holds the session/, 'and says why');

  writeFileSync(join(b.profile, LOGIN_FILE), Buffer.from('newer login state'));
  await sb.storeRemoteSession();
  const newer = await archiveOf(sessionId);
  t.equal(newer?.saved_by, 'host-b', 'the lease holder archives');
  t.not(newer?.bytes, undefined);

  // WhatsApp logs the device out: the archive is worthless and goes, with the profile.
  await sb.logout();
  t.equal(await archiveOf(sessionId), null, 'a logout deletes the archive');
  t.notOk(existsSync(b.profile), 'and the profile');
});

t.test('an archive over the size limit is not kept; the last good one stays', async (t) => {
  const sessionId = randomUUID();
  await lease(sessionId, 'host-c');
  const c = host('host-c', sessionId);
  const sc = await c.start();
  mkdirSync(join(c.profile, LOGIN_FILE, '..'), { recursive: true });
  writeFileSync(join(c.profile, LOGIN_FILE), 'small');
  await sc.storeRemoteSession();
  const good = await archiveOf(sessionId);
  t.ok(good, 'a small archive is kept');

  const tiny = host('host-c', sessionId, good!.bytes + 100);
  const st = await tiny.start();
  mkdirSync(join(tiny.profile, LOGIN_FILE, '..'), { recursive: true });
  writeFileSync(join(tiny.profile, LOGIN_FILE), randomBytes(256 * 1024));
  await st.storeRemoteSession();
  t.same((await archiveOf(sessionId))?.archive, good!.archive, 'the oversized archive was refused');
  t.match(tiny.logs.join('\n'), /over the size limit/, tiny.logs.join(' | '));
});

t.test('the sweep removes archives of sessions that run nowhere', async (t) => {
  const running = randomUUID();
  const stopped = randomUUID();
  for (const [id, status] of [[running, 'running'], [stopped, 'stopped']] as const) {
    await rt.pool.query(sql.type(z.object({}))`
      insert into whatsapp_session_requests (business_id, session_id, transport, status, requested_by)
      values (${randomUUID()}, ${id}, 'whatsapp', ${status}, 'test')`);
    await lease(id, 'host-d');
    const d = host('host-d', id);
    const s = await d.start();
    mkdirSync(join(d.profile, LOGIN_FILE, '..'), { recursive: true });
    writeFileSync(join(d.profile, LOGIN_FILE), id);
    await s.storeRemoteSession();
  }
  t.ok(await archiveOf(stopped), 'archived while it ran');
  t.ok((await sweepAuthArchives(rt.pool)) >= 1);
  t.equal(await archiveOf(stopped), null, "a stopped session's archive is removed");
  t.ok(await archiveOf(running), "a running session's archive is kept");
});

t.test('LocalAuth (the default) keeps the login on the host: another host starts unlinked', async (t) => {
  const sessionId = randomUUID();
  const sessionPath = mkdtempSync(join(tmpdir(), 'novi-local-'));
  const s = (await authStrategy({ sessionId, sessionPath })) as unknown as Strategy;
  const client = { options: { puppeteer: {} as { userDataDir?: string } } };
  s.setup(client);
  await s.beforeBrowserInitialized();
  t.equal(client.options.puppeteer.userDataDir, join(sessionPath, `session-${sessionId}`), "LocalAuth's profile folder, as the sweep and the lock cleanup name it");
  t.equal(profileDir({ sessionId, sessionPath }), client.options.puppeteer.userDataDir);
  t.notOk(existsSync(join(sessionPath, `session-${sessionId}`, LOGIN_FILE)), 'no login state on a new host: WhatsApp Web shows a QR code');
});
