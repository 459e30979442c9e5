// Faults (b): the projector is SIGKILLed mid-batch (its checkpoint behind the head while a burst
// of order messages is being projected) and restarted. Roles run as separate processes.
import t from 'tap';
import { Cluster, Phone, formatTable, freshDatabase, merchantWithShops, recordResults, sleep, verify, type ResultRow } from './cluster.ts';

const { url, db, drop } = await freshDatabase();
const cluster = new Cluster({ databaseUrl: url });
t.teardown(async () => {
  await cluster.stop();
  await drop();
});

await cluster.start([['projector'], ['worker'], ['web']]);
const base = () => cluster.url;
const merchant = await merchantWithShops(base, 'faultsb', 3);
const businessIds = merchant.shops.map((s) => s.businessId);
const phone = new Phone(base, merchant, 'FB-');
const rows: ResultRow[] = [];

const lagOf = async (name: string) => {
  const r = await db.query(`select (select coalesce(max(position), 0) from es_events) - position as lag from projection_checkpoints where name = $1`, [name]);
  return Number(r.rows[0]?.lag ?? 0);
};

t.test('the projector killed with SIGKILL mid-batch and restarted', async (t) => {
  const burst = phone.burst(150, 60, 8);
  // Kill while the orders projection is behind the head (a batch in flight or about to be).
  let lagAtKill = 0;
  for (let i = 0; i < 200; i++) {
    lagAtKill = await lagOf('orders');
    if (lagAtKill > 0 && phone.sent.length > 30) break;
    await sleep(25);
  }
  const oldPid = cluster.kill('projector', { restart: true });
  const faultAt = Date.now();
  t.ok(lagAtKill > 0, `killed with the orders projection ${lagAtKill} events behind`);
  await cluster.waitRestarted('projector', oldPid);
  await burst;
  rows.push(await verify(t, 'b projector SIGKILL mid-batch', cluster, db, businessIds, phone.sent, faultAt, `lag at kill ${lagAtKill} events`));
});

t.test('the projector killed twice in a row while a burst lands', async (t) => {
  const burst = phone.burst(90, 60, 8);
  await sleep(500);
  const first = cluster.kill('projector', { restart: true });
  const faultAt = Date.now();
  await cluster.waitRestarted('projector', first);
  await sleep(300);
  const second = cluster.kill('projector', { restart: true });
  await cluster.waitRestarted('projector', second);
  await burst;
  rows.push(await verify(t, 'b2 projector SIGKILL x2', cluster, db, businessIds, phone.sent, faultAt));
});

t.teardown(() => {
  recordResults(rows);
  t.comment(`\n${formatTable(rows)}`);
});
