// Dashboard: KPI cards, chart containers (drawn by /static/dashboard.js from a data attribute), recent orders.
import type { Analytics, BusinessJson, Kpis, OrderJson } from '../lib/queries.ts';
import { money } from './layout.tsx';
import { OrderRow, OrderTableHead } from './orders.tsx';

export function KpiCards(p: { kpis: Kpis; oob?: boolean }): JSX.Element {
  const k = p.kpis;
  // Money is never summed across currencies: with several, one figure per currency.
  const perCurrency = (field: 'revenueToday' | 'revenueThisMonth' | 'averageOrderValue'): string =>
    k.byCurrency.length === 0 ? money(0, null) : k.byCurrency.map((c) => money(c[field], c.currency)).join(' · ');
  const cards: Array<[string, string, string]> = [
    ['orders-today', 'Orders today', String(k.ordersToday)],
    ['revenue-today', 'Revenue today', perCurrency('revenueToday')],
    ['revenue-month', 'Revenue this month', perCurrency('revenueThisMonth')],
    ['aov', 'Average order', perCurrency('averageOrderValue')],
    ['pending', 'Pending orders', String(k.pendingOrders)],
    ['repeat', 'Repeat customers', `${Math.round(k.repeatCustomerRate * 100)}%`],
  ];
  return (
    <div id="kpis" class="kpis" {...(p.oob ? { 'hx-swap-oob': 'true' } : {})}>
      {cards.map(([id, label, value]) => (
        <div class="kpi" data-kpi={id}>
          <span class="label">{label}</span>
          <strong safe>{value}</strong>
        </div>
      ))}
    </div>
  );
}

export function Dashboard(p: { kpis: Kpis; recent: OrderJson[]; charts: Analytics; businesses: BusinessJson[]; businessId?: string | undefined; review?: OrderJson[] }): JSX.Element {
  return (
    <>
      <div class="row">
        <h1>Dashboard</h1>
        <button type="button" id="order-alerts" class="link" data-alerts="off" aria-pressed="false">
          New-order alerts: off
        </button>
        <form method="get" action="/dashboard" class="inline">
          <select name="businessId" hx-get="/dashboard" hx-target="body" hx-push-url="true" hx-trigger="change">
            <option value="">All businesses</option>
            {p.businesses.map((b) => (
              <option value={b.id} selected={b.id === p.businessId} safe>
                {b.name}
              </option>
            ))}
          </select>
        </form>
      </div>
      {p.businesses.length === 0 ? (
        <p class="card">
          Start by <a href="/business">creating your business</a>, then link WhatsApp or try the simulator.
        </p>
      ) : (
        ''
      )}
      {p.review?.length ? (
        <section class="card review-queue" id="review-queue">
          <h2 safe>{`Needs review (${p.review.length}${p.review.length >= 20 ? '+' : ''})`}</h2>
          <table class="orders">
            <OrderTableHead compact />
            <tbody>
              {p.review.map((o) => (
                <OrderRow order={o} compact />
              ))}
            </tbody>
          </table>
          <p>
            <a href="/orders?status=needs_review">All orders waiting for review →</a>
          </p>
        </section>
      ) : (
        ''
      )}
      <KpiCards kpis={p.kpis} />
      <div
        id="charts"
        class="charts"
        data-analytics={JSON.stringify(p.charts)}
        data-src={`/api/dashboard/analytics${p.businessId ? `?businessId=${p.businessId}` : ''}`}
      >
        <figure class="card">
          <figcaption>Orders &amp; revenue per day</figcaption>
          <div class="chart" data-chart="trend"></div>
        </figure>
        <figure class="card">
          <figcaption>Status distribution</figcaption>
          <div class="chart" data-chart="status"></div>
        </figure>
        <figure class="card">
          <figcaption>Orders by hour of day</figcaption>
          <div class="chart" data-chart="hours"></div>
        </figure>
        <figure class="card">
          <figcaption>Top products</figcaption>
          <div class="chart" data-chart="products"></div>
        </figure>
      </div>
      <section class="card">
        <h2>Recent orders</h2>
        <table class="orders">
          <OrderTableHead compact />
          <tbody id="recent-orders">
            {p.recent.map((o) => (
              <OrderRow order={o} compact />
            ))}
          </tbody>
        </table>
        <p>
          <a href="/orders">All orders →</a>
        </p>
      </section>
    </>
  );
}
