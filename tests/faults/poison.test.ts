// Faults (issue 17 §1): (p) one poisonous message in the middle of a burst from three businesses
// stops nobody: every other order is placed, projected and confirmed, the poison is refused with a
// reason; (o) PostgreSQL stopped for 30 s and started again while orders arrive: the notifier
// (on the shared subscription runner) resumes and every confirmation is sent exactly once.
// A DEDICATED embedded server in a temp dir, as in postgres.test.ts.
import t from 'tap';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { ensureEmbeddedPostgres, killServerHard, stopOwnedServer } from '../../src/db/embedded.ts';
import { Cluster, Phone, formatTable, freePort, httpRetry, merchantWithShops, recordResults, sleep, verify, type ResultRow } from './cluster.ts';

const pgDataDir = mkdtempSync(join(tmpdir(), 'novi-faults-poison-'));
chmodSync(pgDataDir, 0o755); // the server runs as the postgres system user when the tests run as root
const port = await freePort();
let server = await ensureEmbeddedPostgres({ dataDir: pgDataDir, port });
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

await cluster.start([['projector']]);
await cluster.start([['worker'], ['web']]);
const base = () => cluster.url;
const merchant = await merchantWithShops(base, 'faultsp', 3);
const businessIds = merchant.shops.map((s) => s.businessId);
const rows: ResultRow[] = [];

t.test('one poisonous message in the middle of a burst from three businesses', async (t) => {
  const phone = new Phone(base, merchant, 'FP-');
  const burst = phone.burst(45, 15, 3);
  await sleep(1500);
  const poisonId = 'FP-poison';
  const shop = merchant.shops[1]!;
  const r = await httpRetry(base, 'POST', '/api/simulator/messages', {
    groupId: shop.groupId, from: { name: 'Greedy', phone: '+2348035550199' }, id: poisonId,
    text: 'Name: Greedy\nPhone: 0803 555 0199\n3 suya @ ₦5,000,000,000,000 each\ndeliver to 12 Allen Avenue, Ikeja',
  }, merchant.cookie);
  t.equal(r.status, 202, 'the poisonous message is accepted like any other');
  const faultAt = Date.now();
  await burst;
  rows.push(await verify(t, 'p poison in a burst', cluster, db, businessIds, phone.sent, faultAt, 'one absurd price among 45 orders'));
  const ignored = await db.query(`select data->>'reason' as reason from es_events where type = 'MessageIgnored' and data->>'messageId' = $1`, [poisonId]);
  t.equal(ignored.rows.length, 1, 'the poison is refused once');
  t.match(ignored.rows[0]?.reason, /unitPrice: must be at most/, 'with the reason');
  const placed = await db.query(`select 1 from es_events where type = 'OrderPlaced' and data->'source'->>'messageId' = $1`, [poisonId]);
  t.equal(placed.rows.length, 0, 'nothing out of range was appended');
  const parked = await db.query(`select subscriber, error from parked_events where status in ('parked', 'behind', 'retry')`);
  t.same(parked.rows, [], 'and nothing needed parking');
});

t.test('PostgreSQL stopped for 30 s and started again while orders arrive: no reply lost, none sent twice', async (t) => {
  const phone = new Phone(base, merchant, 'FO-');
  const before = cluster.restarts.length;
  const burst = phone.burst(40, 10, 3);
  await sleep(1500);
  await server.stop();
  const faultAt = Date.now();
  await sleep(30_000);
  for (let attempt = 0; ; attempt++) {
    try {
      server = await ensureEmbeddedPostgres({ dataDir: pgDataDir, port });
      if (server.port !== port) throw new Error(`came back on port ${server.port}, not ${port}`);
      break;
    } catch (e) {
      if (attempt >= 30) throw e;
      await sleep(500);
    }
  }
  t.pass(`PostgreSQL back after ${((Date.now() - faultAt) / 1000).toFixed(1)} s`);
  await burst;
  rows.push(await verify(t, 'o PostgreSQL down 30 s', cluster, db, businessIds, phone.sent, faultAt,
    `client retries ${phone.retries}; role restarts ${cluster.restarts.length - before}`));
});

t.teardown(() => {
  recordResults(rows);
  t.comment(`\n${formatTable(rows)}`);
});
