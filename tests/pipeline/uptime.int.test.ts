// Bot uptime: a session working right now counts up to now; a session whose process died without a
// word counts only up to its last heartbeat; a supervised child appends SessionHeartbeat events.
import t from 'tap';
import { randomUUID } from 'node:crypto';
import { sql } from 'slonik';
import { z } from 'zod';
import { createTestRuntime } from '../helpers/runtime.ts';
import { startProjections } from '../../src/projector/role.ts';
import { waitForCatchUp } from '../../src/projector/catch-up.ts';
import { rebuildProjection } from '../../src/cli/rebuild.ts';
import { botMetricsProjection } from '../../projections/bot-metrics.ts';
import { projections } from '../../projections/index.ts';
import { botStatus } from '../../src/admin/dashboard.ts';
import type { NewEvent } from '../../src/eventstore/types.ts';
import { createShop, ev } from './fixtures.ts';

const rt = await createTestRuntime();
const projector = await startProjections(rt, { pollMs: 100, standbyMs: 200 });
t.teardown(async () => {
  await projector.stop();
  await rt.close();
});

const at = (e: NewEvent, when: Date | string): NewEvent => ({ ...e, metadata: { ...e.metadata, occurredAt: new Date(when).toISOString() } });
const MIN = 60_000;

/** Session events of a shop at the given instants (heartbeats every 5 minutes in between where asked). */
async function session(shop: { businessId: string; sessionId: string }, steps: Array<[string, Date]>) {
  const sd = { sessionId: shop.sessionId, businessId: shop.businessId, transport: 'simulator' as const };
  const events = steps.map(([type, when]) => {
    switch (type) {
      case 'started': return at(ev('SessionStarted', sd, shop.businessId), when);
      case 'ready': return at(ev('SessionReady', { ...sd, phone: null }, shop.businessId), when);
      case 'beat': return at(ev('SessionHeartbeat', sd, shop.businessId), when);
      case 'disconnected': return at(ev('SessionDisconnected', { ...sd, reason: 'network' }, shop.businessId), when);
      default: throw new Error(type);
    }
  });
  await rt.store.append(`session-${shop.sessionId}`, events);
}
const beats = (from: Date, to: Date): Array<[string, Date]> => {
  const out: Array<[string, Date]> = [];
  for (let x = from.getTime() + 5 * MIN; x <= to.getTime(); x += 5 * MIN) out.push(['beat', new Date(x)]);
  return out;
};

const uptime = async (businessId: string) =>
  rt.pool.oneFirst(sql.type(z.object({ s: z.coerce.number() }))`
    select coalesce(sum(uptime_seconds), 0) as s from analytics.bot_metrics where business_id = ${businessId}`);

const now = Date.now();
const working = await createShop(rt.store, { name: 'working now' });
const crashed = await createShop(rt.store, { name: 'crashed and restarted' });
const dead = await createShop(rt.store, { name: 'host gone' });
// Working for the last three hours, heartbeat a minute ago: no SessionDisconnected yet.
const readyAt = new Date(now - 3 * 60 * MIN);
await session(working, [['started', new Date(readyAt.getTime() - MIN)], ['ready', readyAt], ...beats(readyAt, new Date(now - MIN))]);
// Ready 08:00, heartbeats until 10:00, then the process died; restarted 16:00, ready 16:01, disconnected 17:01.
const d0 = Date.parse('2025-03-10T08:00:00Z');
await session(crashed, [
  ['started', new Date(d0 - MIN)], ['ready', new Date(d0)], ...beats(new Date(d0), new Date(d0 + 120 * MIN)),
  ['started', new Date(d0 + 480 * MIN)], ['ready', new Date(d0 + 481 * MIN)], ['disconnected', new Date(d0 + 541 * MIN)],
]);
// Ready two hours ago, heartbeats for 30 minutes, then nothing ever again (the host went away).
const deadReady = new Date(now - 120 * MIN);
await session(dead, [['started', new Date(deadReady.getTime() - MIN)], ['ready', deadReady], ...beats(deadReady, new Date(deadReady.getTime() + 30 * MIN))]);
// The admin dashboard lists businesses from their read model: wait for every projection, not only bot_metrics.
await waitForCatchUp(rt, projections.map((p) => p.name));

t.test('a bot working right now counts its open interval up to now', async (t) => {
  const s = await uptime(working.businessId);
  t.ok(Math.abs(s - 3 * 3600) <= 120, `~3 h counted, got ${s} s`);
  const status = (await botStatus(rt)).find((b) => b.businessId === working.businessId)!;
  // Today in Lagos may have started less than three hours ago.
  t.ok(status.uptimeSecondsToday > 0 && status.uptimeSecondsToday <= 3 * 3600 + 120, `admin dashboard today: ${status.uptimeSecondsToday} s`);
});

t.test('a crash without SessionDisconnected counts only up to the last heartbeat', async (t) => {
  t.equal(await uptime(crashed.businessId), 2 * 3600 + 3600, '2 h before the crash + 1 h after the restart');
});

t.test('a session whose host went away counts up to its last heartbeat, not up to now', async (t) => {
  t.equal(await uptime(dead.businessId), 30 * 60);
});

t.test('a rebuild gives the same uptime', async (t) => {
  const before = [await uptime(working.businessId), await uptime(crashed.businessId), await uptime(dead.businessId)];
  await rebuildProjection(rt, botMetricsProjection, { batchSize: 5 });
  const after = [await uptime(working.businessId), await uptime(crashed.businessId), await uptime(dead.businessId)];
  t.ok(Math.abs(after[0]! - before[0]!) <= 5);
  t.same(after.slice(1), before.slice(1));
});

t.test('no heartbeat for a business that has none', async (t) => {
  t.equal(await uptime(randomUUID()), 0);
});
