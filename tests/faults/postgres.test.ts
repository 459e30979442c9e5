// Faults (c): PostgreSQL is killed (SIGKILL of the postmaster) and started again while order
// messages keep arriving. A DEDICATED embedded server in a temp dir (the shared test server serves
// other test files). During the outage the simulator API answers 5xx or does not answer; the
// phone retries with the same message id (idempotent), as a real client would.
import t from 'tap';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { ensureEmbeddedPostgres, killServerHard, stopOwnedServer } from '../../src/db/embedded.ts';
import { Cluster, Phone, formatTable, freePort, merchantWithShops, recordResults, sleep, verify, type ResultRow } from './cluster.ts';

const pgDataDir = mkdtempSync(join(tmpdir(), 'novi-faults-pg-'));
chmodSync(pgDataDir, 0o755); // the server runs as the postgres system user when the tests run as root
const port = await freePort();
const server = await ensureEmbeddedPostgres({ dataDir: pgDataDir, port });
const url = server.url('novi');
const db = new pg.Pool({ connectionString: url, max: 3 });
db.on('error', () => undefined);
const cluster = new Cluster({ databaseUrl: url });
t.teardown(async () => {
  await cluster.stop();
  await db.end().catch(() => undefined);
  await stopOwnedServer(pgDataDir).catch(() => undefined);
  try {
    killServerHard(pgDataDir);
  } catch {
    // stopped
  }
  rmSync(pgDataDir, { recursive: true, force: true });
});

// One role migrates first, then the others start on the migrated database.
await cluster.start([['projector']]);
await cluster.start([['worker'], ['web']]);
const base = () => cluster.url;
const merchant = await merchantWithShops(base, 'faultsc', 3);
const businessIds = merchant.shops.map((s) => s.businessId);
const phone = new Phone(base, merchant, 'FC-');
const rows: ResultRow[] = [];

async function restartPostgres(): Promise<number> {
  const started = Date.now();
  for (let attempt = 0; ; attempt++) {
    try {
      const again = await ensureEmbeddedPostgres({ dataDir: pgDataDir, port });
      if (again.port !== port) throw new Error(`came back on port ${again.port}, not ${port}`);
      return Date.now() - started;
    } catch (e) {
      // Orphaned backends may hold the old shared memory for a moment after a SIGKILL.
      if (attempt >= 30) throw e;
      await sleep(500);
    }
  }
}

t.test('PostgreSQL killed with SIGKILL and restarted while messages arrive', async (t) => {
  const burst = phone.burst(120, 15, 4);
  await sleep(2000);
  const killed = killServerHard(pgDataDir);
  t.ok(killed, `postmaster ${killed} killed`);
  const faultAt = Date.now();
  await sleep(4000); // messages keep arriving: the phone retries
  const upMs = await restartPostgres();
  t.pass(`PostgreSQL back after ${((Date.now() - faultAt) / 1000).toFixed(1)} s (start took ${upMs} ms)`);
  await burst;
  const row = await verify(t, 'c PostgreSQL SIGKILL + restart', cluster, db, businessIds, phone.sent, faultAt,
    `client retries ${phone.retries}; role restarts ${cluster.restarts.length}`);
  if (cluster.restarts.length) t.comment(`roles that exited during the outage (restarted like Procfile would): ${cluster.restarts.join('; ')}`);
  rows.push(row);
});

t.test('PostgreSQL stopped cleanly (pg_ctl stop) and started again', async (t) => {
  const before = cluster.restarts.length;
  const burst = phone.burst(60, 15, 4);
  await sleep(1500);
  await server.stop();
  const faultAt = Date.now();
  await sleep(3000);
  await restartPostgres();
  await burst;
  rows.push(await verify(t, 'c2 PostgreSQL stop + start', cluster, db, businessIds, phone.sent, faultAt,
    `client retries ${phone.retries}; role restarts ${cluster.restarts.length - before}`));
});

t.teardown(() => {
  recordResults(rows);
  t.comment(`\n${formatTable(rows)}`);
});
