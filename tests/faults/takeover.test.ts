// Faults (d): two worker processes at once, four businesses. One worker is SIGKILLed (not
// restarted): its sessions move to the other when their leases expire (lease takeover), and a
// session never runs twice — no duplicate MessageReceived, order or confirmation, and at no
// sample more session children alive than sessions.
import t from 'tap';
import { Cluster, Phone, alive, formatTable, freshDatabase, merchantWithShops, recordResults, sessionChildren, sleep, verify, type ResultRow } from './cluster.ts';

const { url, db, drop } = await freshDatabase();
const cluster = new Cluster({ databaseUrl: url });
t.teardown(async () => {
  await cluster.stop();
  await drop();
});

await cluster.start([['projector'], ['worker', 'worker1'], ['worker', 'worker2'], ['web']]);
const base = () => cluster.url;
const merchant = await merchantWithShops(base, 'faultsd', 4);
const businessIds = merchant.shops.map((s) => s.businessId);
const phone = new Phone(base, merchant, 'FD-');
const rows: ResultRow[] = [];

t.test('a worker dies; its sessions move to the other, never running twice', async (t) => {
  const w1 = cluster.pid('worker1');
  const w2 = cluster.pid('worker2');
  const s1 = sessionChildren(w1);
  const s2 = sessionChildren(w2);
  t.equal(s1.length + s2.length, 4, `4 sessions spread over 2 workers (${s1.length} + ${s2.length})`);
  const leases = await db.query(`select owner, count(*)::int as c from whatsapp_session_leases group by owner`);
  t.equal(leases.rows.reduce((a, r) => a + Number(r.c), 0), 4, 'four leases');
  // The worker holding sessions dies (if one holds none, kill the other).
  const victim = s1.length > 0 ? 'worker1' : 'worker2';
  const survivor = victim === 'worker1' ? 'worker2' : 'worker1';
  const orphans = victim === 'worker1' ? s1 : s2;

  let maxAlive = 0;
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      const live = sessionChildren(cluster.pid(survivor)).length + orphans.filter(alive).length;
      maxAlive = Math.max(maxAlive, live);
      await sleep(100);
    }
  })();

  const burst = phone.burst(160, 20, 4);
  await sleep(1500);
  cluster.kill(victim, { restart: false });
  const faultAt = Date.now();
  for (let i = 0; i < 100 && orphans.some(alive); i++) await sleep(100);
  t.notOk(orphans.some(alive), 'the dead worker’s session children exit');
  // Takeover: the survivor runs all four once the leases expire.
  for (let i = 0; i < 600 && sessionChildren(cluster.pid(survivor)).length < 4; i++) await sleep(100);
  const movedMs = Date.now() - faultAt;
  t.equal(sessionChildren(cluster.pid(survivor)).length, 4, `all sessions on ${survivor} after ${movedMs} ms`);
  const owners = await db.query(`select distinct owner from whatsapp_session_leases`);
  t.equal(owners.rowCount, 1, 'one owner holds every lease');
  await burst;
  const row = await verify(t, 'd lease takeover (2 workers)', cluster, db, businessIds, phone.sent, faultAt, `sessions moved in ${(movedMs / 1000).toFixed(1)} s`);
  sampling = false;
  await sampler;
  t.ok(maxAlive <= 4, `never more session children than sessions (max ${maxAlive})`);
  rows.push(row);
});

t.teardown(() => {
  recordResults(rows);
  t.comment(`\n${formatTable(rows)}`);
});
