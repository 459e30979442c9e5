// Customer list (with search) and a customer's page (orders, totals, the merchant's note). Names,
// phones and notes come from WhatsApp or the merchant: only ever `safe` children or attributes.
import { num, plural, t } from '../i18n/index.ts';
import { customerHref, type CustomerDetail, type CustomerJson } from '../lib/customers.ts';
import type { BusinessJson } from '../lib/queries.ts';
import { Csrf, money, when } from './layout.tsx';
import { OrderRow, OrderTableHead } from './orders.tsx';

export function CustomerList(p: {
  customers: CustomerJson[];
  businesses: BusinessJson[];
  q: string;
  businessId?: string | undefined;
  pagination: { page: number; pages: number; total: number };
}): JSX.Element {
  const several = p.businesses.length > 1;
  return (
    <section class="stack">
      <div class="row">
        <h1>{t('cust.title')}</h1>
        <form method="get" action="/customers" class="inline" role="search">
          <input type="search" name="q" value={p.q} maxlength="100" placeholder={t('cust.searchHint')} aria-label={t('cust.searchLabel')} />
          {several ? (
            <select name="businessId" aria-label={t('cust.business')}>
              <option value="">{t('cust.allBusinesses')}</option>
              {p.businesses.map((b) => (
                <option value={b.id} selected={b.id === p.businessId} safe>
                  {b.name}
                </option>
              ))}
            </select>
          ) : (
            ''
          )}
          <button type="submit">{t('cust.search')}</button>
        </form>
      </div>
      <p class="muted">{t(plural(p.pagination.total) === 'one' ? 'cust.countOne' : 'cust.countOther', { count: num(p.pagination.total) })}</p>
      <table class="table" id="customers">
        <thead>
          <tr>
            <th>{t('cust.colCustomer')}</th>
            <th>{t('cust.colPhone')}</th>
            {several ? <th class="hide-sm">{t('cust.business')}</th> : ''}
            <th class="num">{t('cust.colOrders')}</th>
            <th class="num">{t('cust.colTotal')}</th>
            <th class="hide-sm">{t('cust.colLast')}</th>
            <th>{t('cust.colNote')}</th>
          </tr>
        </thead>
        <tbody>
          {p.customers.length === 0 ? (
            <tr>
              <td colspan="7" class="muted">{p.q ? t('cust.noneMatch') : t('cust.none')}</td>
            </tr>
          ) : (
            p.customers.map((c) => (
              <tr class="customer-row">
                <td>
                  <a href={customerHref(c.key, c.businessId)} safe>{c.name ?? c.phone ?? c.key}</a>
                  {c.repeat ? <span class="badge">{t('cust.repeat')}</span> : ''}
                </td>
                <td safe>{c.phone ?? '—'}</td>
                {several ? <td class="hide-sm" safe>{c.businessName}</td> : ''}
                <td class="num">{num(c.orderCount)}</td>
                <td class="num" safe>{money(c.totalSpent.amount, c.totalSpent.currency)}</td>
                <td class="hide-sm" safe>{when(c.lastOrderAt)}</td>
                <td class="muted" safe>{c.note.length > 60 ? `${c.note.slice(0, 60)}…` : c.note}</td>
              </tr>
            ))
          )}
        </tbody>
      </table>
      {p.pagination.pages > 1 ? (
        <nav class="pager">
          {p.pagination.page > 1 ? <a href={`/customers?${new URLSearchParams({ q: p.q, businessId: p.businessId ?? '', page: String(p.pagination.page - 1) }).toString()}`}>{t('cust.previous')}</a> : ''}
          <span>{t('cust.page', { page: num(p.pagination.page), pages: num(p.pagination.pages) })}</span>
          {p.pagination.page < p.pagination.pages ? <a href={`/customers?${new URLSearchParams({ q: p.q, businessId: p.businessId ?? '', page: String(p.pagination.page + 1) }).toString()}`}>{t('cust.next')}</a> : ''}
        </nav>
      ) : (
        ''
      )}
    </section>
  );
}

export function CustomerPage(p: { customer: CustomerDetail; csrf: string }): JSX.Element {
  const c = p.customer;
  return (
    <section class="stack" id="customer">
      <h1 safe>{c.name ?? c.phone ?? c.key}</h1>
      <div class="grid2">
        <div class="card">
          <h2>{t('cust.buyer')}</h2>
          <dl>
            <dt>{t('cust.name')}</dt>
            <dd safe class="customer-name">{c.name ?? '—'}</dd>
            <dt>{t('cust.colPhone')}</dt>
            <dd safe>{c.phone ?? '—'}</dd>
            <dt>{t('cust.colOrders')}</dt>
            <dd class="customer-orders">{`${num(c.orderCount)}${c.repeat ? t('cust.repeatCustomer') : ''}`}</dd>
            <dt>{t('cust.colTotal')}</dt>
            <dd safe class="customer-total">{c.totalSpent.map((s) => money(s.amount, s.currency)).join(' · ')}</dd>
            <dt>{t('cust.colLast')}</dt>
            <dd safe>{when(c.lastOrderAt)}</dd>
          </dl>
        </div>
        {c.businesses.map((b) => (
          <form class="card stack note-form" method="post" action={`${customerHref(c.key)}/note`}>
            <h2>
              {t('cust.note')} <small class="muted" safe>{b.businessName}</small>
            </h2>
            <Csrf token={p.csrf} />
            <input type="hidden" name="businessId" value={b.businessId} />
            <textarea name="note" rows="4" maxlength="2000" aria-label={t('cust.note')} safe>{b.note}</textarea>
            <button type="submit">{t('cust.saveNote')}</button>
          </form>
        ))}
      </div>
      <h2>{t('cust.orders')}</h2>
      <table class="table">
        <OrderTableHead />
        <tbody>
          {c.orders.map((o) => (
            <OrderRow order={o} />
          ))}
        </tbody>
      </table>
      <p class="erase-links">
        {c.businesses.map((b) => (
          <a class="danger" href={`${customerHref(c.key)}/erase?businessId=${encodeURIComponent(b.businessId)}`} safe>{t('cust.eraseLink', { business: b.businessName })}</a>
        ))}
      </p>
    </section>
  );
}

/** The confirmation step of an erasure (POST /customers/:key/erase with confirm=yes). */
export function CustomerErasePage(p: { customer: CustomerDetail; businessId: string; csrf: string }): JSX.Element {
  const c = p.customer;
  const b = c.businesses.find((x) => x.businessId === p.businessId);
  return (
    <section class="stack" id="customer-erase">
      <h1>{t('cust.eraseTitle')}</h1>
      <form class="card stack" method="post" action={`${customerHref(c.key)}/erase`}>
        <p>
          <strong safe>{c.name ?? c.phone ?? c.key}</strong> <span class="muted" safe>{b ? `· ${b.businessName}` : ''}</span>
        </p>
        <p>{t('cust.eraseText')}</p>
        <Csrf token={p.csrf} />
        <input type="hidden" name="businessId" value={p.businessId} />
        <label>
          <input type="checkbox" name="confirm" value="yes" required /> {t('cust.eraseConfirm')}
        </label>
        <p>
          <button type="submit" class="danger">{t('cust.eraseButton')}</button> <a href={customerHref(c.key, p.businessId)}>{t('cust.cancel')}</a>
        </p>
      </form>
    </section>
  );
}
