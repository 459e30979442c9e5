// Sessions bench: RSS of an idle simulator session child, how many one machine holds, and their
// message throughput (simulator inbox → MessageReceived) across many sessions at once.
import { readFileSync } from 'node:fs';
import { sql } from 'slonik';
import { z } from 'zod';
import { startSupervisor } from '../src/whatsapp/supervisor.ts';
import { startSession } from '../src/whatsapp/control.ts';
import { simulatorChatId } from '../src/whatsapp/transport.ts';
import { seedBusiness, sessionReady, testRuntime, waitFor } from '../tests/whatsapp/helpers.ts';
import type { BenchResult } from './run.ts';

const SESSIONS = 40;
const MESSAGES_PER_SESSION = 250;

function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

export async function benchSessions(): Promise<BenchResult> {
  const { rt, done } = await testRuntime();
  const sup = await startSupervisor(rt, { leaseMs: 10_000, tickMs: 300, maxSessions: 1000 });
  const lines: string[] = [];
  const figures: Record<string, number> = {};
  try {
    const tenants = [];
    for (let i = 0; i < SESSIONS; i++) tenants.push(await seedBusiness(rt));

    // One idle session.
    const first = await startSession(rt, { businessId: tenants[0]!.businessId, transport: 'simulator', actor: 'bench' });
    await sessionReady(rt, first.id);
    await new Promise((r) => setTimeout(r, 3000));
    const pid = sup.status().find((s) => s.sessionId === first.id)!.pid!;
    const idle = rssMb(pid);
    figures.idle_session_rss_mb = Math.round(idle * 10) / 10;
    lines.push(`idle simulator session child: RSS ${idle.toFixed(1)} MB (pid ${pid}; no whatsapp-web.js/puppeteer loaded)`);

    // Many sessions.
    const t0 = Date.now();
    const sessions = [first];
    for (const t of tenants.slice(1)) sessions.push(await startSession(rt, { businessId: t.businessId, transport: 'simulator', actor: 'bench' }));
    for (const s of sessions) await sessionReady(rt, s.id);
    const startMs = Date.now() - t0;
    await new Promise((r) => setTimeout(r, 3000));
    const pids = sup.status().map((s) => s.pid).filter((p): p is number => !!p);
    const total = pids.reduce((sum, p) => sum + rssMb(p), 0);
    const per = total / pids.length;
    figures.sessions = pids.length;
    figures.sessions_total_rss_mb = Math.round(total);
    figures.per_session_rss_mb = Math.round(per * 10) / 10;
    figures.sessions_in_24gib_extrapolated = Math.floor((24 * 1024) / per);
    lines.push(`${pids.length} simulator sessions started and ready in ${startMs} ms; total RSS ${total.toFixed(0)} MB, ${per.toFixed(1)} MB per session`);
    lines.push(
      `extrapolated (RSS only, ignoring PostgreSQL and CPU): ~${figures.sessions_in_24gib_extrapolated} simulator sessions in 24 GiB; ` +
        `each session holds 2 PostgreSQL connections, so max_connections bounds one database first`,
    );

    // Throughput: a burst in every session at once.
    const before = await rt.pool.oneFirst(sql.type(z.object({ n: z.number() }))`select count(*)::int as n from es_events where type = 'MessageReceived'`);
    const t1 = Date.now();
    for (const t of tenants) {
      const chat = simulatorChatId(t.groupId);
      await rt.pool.query(sql.type(z.object({}))`
        insert into simulator_inbox (business_id, chat_id, message_id, from_id, from_name, text)
        select ${t.businessId}, ${chat}, 'BENCH-' || g, '2348035550101@c.us', 'Bisi', '2 jollof rice ' || g
        from generate_series(1, ${MESSAGES_PER_SESSION}) g`);
      await rt.pool.query(sql.type(z.object({}))`select pg_notify('novi_session_wake', ${t.businessId})`);
    }
    const expected = before + SESSIONS * MESSAGES_PER_SESSION;
    await waitFor(
      'burst recorded',
      async () =>
        (await rt.pool.oneFirst(sql.type(z.object({ n: z.number() }))`select count(*)::int as n from es_events where type = 'MessageReceived'`)) >= expected,
      180_000,
      50,
    );
    const secs = (Date.now() - t1) / 1000;
    figures.messages = SESSIONS * MESSAGES_PER_SESSION;
    figures.messages_per_second = Math.round((SESSIONS * MESSAGES_PER_SESSION) / secs);
    lines.push(
      `throughput: ${SESSIONS * MESSAGES_PER_SESSION} messages across ${SESSIONS} sessions (inbox → MessageReceived) in ${secs.toFixed(2)} s = ${figures.messages_per_second} msg/s`,
    );
    const busy = pids.filter((p) => { try { return rssMb(p) > 0; } catch { return false; } });
    const busyTotal = busy.reduce((s, p) => s + rssMb(p), 0);
    figures.per_session_rss_after_burst_mb = Math.round((busyTotal / busy.length) * 10) / 10;
    lines.push(`per-session RSS after the burst: ${figures.per_session_rss_after_burst_mb} MB`);
  } finally {
    await sup.stop();
    await done();
  }
  return { lines, figures };
}
