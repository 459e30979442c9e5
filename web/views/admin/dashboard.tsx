// The admin dashboard's three live sections. Each has a stable id, so /admin/ws can push it
// again as an out-of-band swap whenever a projection commits.
import type { BotStatus, EventStoreStats, HourCount } from '../../../src/admin/dashboard.ts';
import type { TimelineEvent } from '../../../src/admin/timeline.ts';
import type { ProjectionStatus } from '../../health.ts';
import { when } from '../layout.tsx';

export interface SystemMetrics {
  generatedAt: string;
  ordersLast24h: number;
  messagesLast24h: number;
  perHour: HourCount[];
  projections: ProjectionStatus[];
  projectionLag: { maxEvents: number; maxSeconds: number; failed: number };
  eventStore: EventStoreStats;
  process: { uptimeSeconds: number; memory: { rss: number; heapUsed: number; heapTotal: number; external: number } };
}

export interface AdminDashboardData {
  systemMetrics: SystemMetrics;
  botStatus: BotStatus[];
  recentActivity: TimelineEvent[];
}

const oobAttr = (oob?: boolean) => (oob ? { 'hx-swap-oob': 'true' } : {});
const mib = (bytes: number | null) => (bytes === null ? '—' : `${(bytes / 1024 / 1024).toFixed(1)} MiB`);
const n = (x: number | null) => (x === null ? '—' : x.toLocaleString('en'));

function Kpi(p: { label: string; value: string; id?: string }): JSX.Element {
  return (
    <div class="kpi" {...(p.id ? { id: p.id } : {})}>
      <span class="label" safe>{p.label}</span>
      <strong safe>{p.value}</strong>
    </div>
  );
}

export function MetricsSection(p: { m: SystemMetrics; oob?: boolean }): JSX.Element {
  const m = p.m;
  const peak = Math.max(1, ...m.perHour.map((h) => Math.max(h.orders, h.messages)));
  return (
    <section id="admin-metrics" {...oobAttr(p.oob)}>
      <div class="kpis admin-kpis">
        <Kpi label="Orders, last 24 h" value={n(m.ordersLast24h)} id="kpi-orders-24h" />
        <Kpi label="Messages, last 24 h" value={n(m.messagesLast24h)} />
        <Kpi label="Projection lag" value={`${m.projectionLag.maxEvents} events · ${m.projectionLag.maxSeconds} s${m.projectionLag.failed ? ` · ${m.projectionLag.failed} failed` : ''}`} />
        <Kpi label="Events stored" value={`${n(m.eventStore.events)} · ${mib(m.eventStore.bytes)}`} id="kpi-events" />
        <Kpi label="Appends / min · / h" value={`${n(m.eventStore.appendedLastMinute)} · ${n(m.eventStore.appendedLastHour)}`} />
        <Kpi label="Process memory (RSS · heap)" value={`${mib(m.process.memory.rss)} · ${mib(m.process.memory.heapUsed)}`} />
      </div>
      <div class="grid2">
        <div class="card">
          <h2>Orders and messages per hour (UTC)</h2>
          <table class="per-hour">
            <thead>
              <tr>
                <th>Hour</th>
                <th class="num">Orders</th>
                <th class="num">Messages</th>
                <th class="hide-sm"></th>
              </tr>
            </thead>
            <tbody>
              {m.perHour
                .filter((h) => h.orders || h.messages)
                .reverse()
                .map((h) => (
                  <tr>
                    <td safe>{when(h.hour)}</td>
                    <td class="num" safe>{String(h.orders)}</td>
                    <td class="num" safe>{String(h.messages)}</td>
                    <td class="hide-sm">
                      <meter min="0" max={String(peak)} value={String(h.messages)}></meter>
                    </td>
                  </tr>
                ))}
            </tbody>
          </table>
          {m.perHour.every((h) => !h.orders && !h.messages) ? <p class="muted">No traffic in the last 24 hours.</p> : ''}
        </div>
        <div class="card">
          <h2>Projections</h2>
          <table>
            <thead>
              <tr>
                <th>Projection</th>
                <th class="num">Position</th>
                <th class="num">Lag</th>
                <th>Error</th>
              </tr>
            </thead>
            <tbody>
              {m.projections.map((pr) => (
                <tr>
                  <td safe>{pr.name}</td>
                  <td class="num" safe>{pr.position}</td>
                  <td class="num" safe>{`${pr.lagEvents} · ${pr.lagSeconds} s`}</td>
                  <td safe>{pr.error ? `${pr.error} (at ${pr.errorPosition ?? '?'})` : '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <p class="muted" safe>{`Event store ${m.eventStore.kind}, head ${m.eventStore.headPosition}; updated ${when(m.generatedAt)}`}</p>
        </div>
      </div>
    </section>
  );
}

export function BotsSection(p: { bots: BotStatus[]; oob?: boolean }): JSX.Element {
  return (
    <section id="admin-bots" class="card" {...oobAttr(p.oob)}>
      <h2>Bots per business</h2>
      <table>
        <thead>
          <tr>
            <th>Business</th>
            <th>Session</th>
            <th class="hide-sm">Last message</th>
            <th class="num">Uptime today</th>
            <th class="num hide-sm">Reply time</th>
            <th class="num hide-sm">Msgs · orders today</th>
          </tr>
        </thead>
        <tbody>
          {p.bots.map((b) => (
            <tr id={`bot-${b.businessId}`}>
              <td>
                <a href={`/admin/businesses/${b.businessId}/timeline`} safe>
                  {b.businessName}
                </a>
              </td>
              <td>
                {b.session ? (
                  <a href={`/admin/sessions/${b.session.id}/timeline`} class={`badge w-${b.session.state}`} safe>
                    {b.session.state}
                  </a>
                ) : (
                  <span class="badge">none</span>
                )}
              </td>
              <td class="hide-sm" safe>{b.lastMessageAt ? when(b.lastMessageAt) : '—'}</td>
              <td class="num" safe>{`${b.uptimePercentageToday}% (${Math.round(b.uptimeSecondsToday / 60)} min)`}</td>
              <td class="num hide-sm" safe>{b.responseTimeAvgMs === null ? '—' : `${(b.responseTimeAvgMs / 1000).toFixed(1)} s`}</td>
              <td class="num hide-sm" safe>{`${b.messagesToday} · ${b.ordersToday}`}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {p.bots.length === 0 ? <p class="muted">No businesses yet.</p> : ''}
    </section>
  );
}

export function ActivitySection(p: { events: TimelineEvent[]; oob?: boolean }): JSX.Element {
  return (
    <section id="admin-activity" class="card" {...oobAttr(p.oob)}>
      <h2>Recent activity</h2>
      <ul class="activity">
        {p.events.map((e) => (
          <li>
            <a href={`/admin/events?id=${e.id}`} safe>
              {e.type}
            </a>{' '}
            <span class="muted" safe>{`${e.stream} · ${e.metadata.actor ?? '?'} · ${when(e.recordedAt)}`}</span>
          </li>
        ))}
      </ul>
      <p>
        <a href="/admin/events">All events →</a>
      </p>
    </section>
  );
}

export function AdminDashboard(p: { d: AdminDashboardData }): JSX.Element {
  return (
    <div id="admin-dashboard" hx-ext="ws" ws-connect="/admin/ws">
      <h1>System</h1>
      <MetricsSection m={p.d.systemMetrics} />
      <BotsSection bots={p.d.botStatus} />
      <ActivitySection events={p.d.recentActivity} />
    </div>
  );
}
