// Faults (a): a session child is killed with SIGKILL mid-burst, then the whole worker role is
// SIGKILLed and restarted, while order messages keep arriving over the simulator API for three
// businesses. Roles run as separate processes (Procfile). No order lost, none twice.
import t from 'tap';
import { Cluster, Phone, sessionChildren, alive, formatTable, freshDatabase, merchantWithShops, recordResults, sleep, verify, type ResultRow } from './cluster.ts';

const { url, db, drop } = await freshDatabase();
const cluster = new Cluster({ databaseUrl: url });
t.teardown(async () => {
  await cluster.stop();
  await drop();
});

await cluster.start([['projector'], ['worker'], ['web']]);
const base = () => cluster.url;
const merchant = await merchantWithShops(base, 'faultsa', 3);
const businessIds = merchant.shops.map((s) => s.businessId);
const phone = new Phone(base, merchant, 'FA-');
const rows: ResultRow[] = [];

t.test('a session child killed with SIGKILL mid-burst', async (t) => {
  const burst = phone.burst(90, 30);
  await sleep(1000);
  const kids = sessionChildren(cluster.pid('worker'));
  t.equal(kids.length, 3, 'one session child per business');
  const victim = kids[0]!;
  process.kill(victim, 'SIGKILL');
  const faultAt = Date.now();
  // The supervisor restarts it (backoff), with a new pid.
  for (let i = 0; i < 200 && (sessionChildren(cluster.pid('worker')).length < 3 || sessionChildren(cluster.pid('worker')).includes(victim)); i++) await sleep(100);
  t.equal(sessionChildren(cluster.pid('worker')).length, 3, 'session child restarted');
  t.notOk(alive(victim), 'the killed child is gone');
  await burst;
  rows.push(await verify(t, 'a1 session child SIGKILL', cluster, db, businessIds, phone.sent, faultAt));
});

t.test('the worker role killed with SIGKILL and restarted', async (t) => {
  const burst = phone.burst(90, 30);
  await sleep(1000);
  const oldPid = cluster.pid('worker');
  const kids = sessionChildren(oldPid);
  cluster.kill('worker', { restart: true });
  const faultAt = Date.now();
  // Its session children notice the closed IPC channel and stop: no orphan keeps a session.
  for (let i = 0; i < 100 && kids.some(alive); i++) await sleep(100);
  t.notOk(kids.some(alive), 'the dead worker’s session children exit');
  await cluster.waitRestarted('worker', oldPid);
  await burst;
  // The restarted worker takes the sessions over once the dead worker's leases expire.
  rows.push(await verify(t, 'a2 worker SIGKILL + restart', cluster, db, businessIds, phone.sent, faultAt, `client retries ${phone.retries}`));
});

t.teardown(() => {
  recordResults(rows);
  t.comment(`\n${formatTable(rows)}`);
});
