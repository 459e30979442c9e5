// Dashboard: KPI cards, chart containers (drawn by /static/dashboard.js from a data attribute), recent orders.
import { num, t } from '../i18n/index.ts';
import type { Analytics, BusinessJson, Kpis, OrderJson } from '../lib/queries.ts';
import { money } from './layout.tsx';
import { OrderRow, OrderTableHead } from './orders.tsx';

export function KpiCards(p: { kpis: Kpis; oob?: boolean }): JSX.Element {
  const k = p.kpis;
  // Money is never summed across currencies: with several, one figure per currency.
  const perCurrency = (field: 'revenueToday' | 'revenueThisMonth' | 'averageOrderValue'): string =>
    k.byCurrency.length === 0 ? money(0, null) : k.byCurrency.map((c) => money(c[field], c.currency)).join(' · ');
  const cards: Array<[string, string, string]> = [
    ['orders-today', t('dash.ordersToday'), num(k.ordersToday)],
    ['revenue-today', t('dash.revenueToday'), perCurrency('revenueToday')],
    ['revenue-month', t('dash.revenueMonth'), perCurrency('revenueThisMonth')],
    ['aov', t('dash.aov'), perCurrency('averageOrderValue')],
    ['pending', t('dash.pending'), num(k.pendingOrders)],
    ['repeat', t('dash.repeat'), num(k.repeatCustomerRate, { style: 'percent', maximumFractionDigits: 0 })],
  ];
  return (
    <div id="kpis" class="kpis" {...(p.oob ? { 'hx-swap-oob': 'true' } : {})}>
      {cards.map(([id, label, value]) => (
        <div class="kpi" data-kpi={id}>
          <span class="label" safe>{label}</span>
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
        <h1>{t('dash.title')}</h1>
        <button type="button" id="order-alerts" class="link" data-alerts="off" aria-pressed="false">
          {t('dash.alertsOff')}
        </button>
        <form method="get" action="/dashboard" class="inline">
          <select name="businessId" hx-get="/dashboard" hx-target="body" hx-push-url="true" hx-trigger="change">
            <option value="">{t('dash.allBusinesses')}</option>
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
          {t('dash.startBy')} <a href="/business">{t('dash.createBusiness')}</a>
          {t('dash.startTail')}
        </p>
      ) : (
        ''
      )}
      {p.review?.length ? (
        <section class="card review-queue" id="review-queue">
          <h2 safe>{t('dash.needsReview', { count: `${num(p.review.length)}${p.review.length >= 20 ? '+' : ''}` })}</h2>
          <table class="orders">
            <OrderTableHead compact />
            <tbody>
              {p.review.map((o) => (
                <OrderRow order={o} compact />
              ))}
            </tbody>
          </table>
          <p>
            <a href="/orders?status=needs_review">{t('dash.allReview')}</a>
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
          <figcaption safe>{t('dash.trend')}</figcaption>
          <div class="chart" data-chart="trend"></div>
        </figure>
        <figure class="card">
          <figcaption>{t('dash.statusChart')}</figcaption>
          <div class="chart" data-chart="status"></div>
        </figure>
        <figure class="card">
          <figcaption>{t('dash.hours')}</figcaption>
          <div class="chart" data-chart="hours"></div>
        </figure>
        <figure class="card">
          <figcaption>{t('dash.products')}</figcaption>
          <div class="chart" data-chart="products"></div>
        </figure>
      </div>
      <section class="card">
        <h2>{t('dash.recent')}</h2>
        <table class="orders">
          <OrderTableHead compact />
          <tbody id="recent-orders">
            {p.recent.map((o) => (
              <OrderRow order={o} compact />
            ))}
          </tbody>
        </table>
        <p>
          <a href="/orders">{t('dash.allOrders')}</a>
        </p>
      </section>
    </>
  );
}
