// Customer list (with search) and a customer's page (orders, totals, the merchant's note). Names,
// phones and notes come from WhatsApp or the merchant: only ever `safe` children or attributes.
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
        <h1>Customers</h1>
        <form method="get" action="/customers" class="inline" role="search">
          <input type="search" name="q" value={p.q} maxlength="100" placeholder="Name or phone" aria-label="Search customers" />
          {several ? (
            <select name="businessId" aria-label="Business">
              <option value="">All businesses</option>
              {p.businesses.map((b) => (
                <option value={b.id} selected={b.id === p.businessId} safe>
                  {b.name}
                </option>
              ))}
            </select>
          ) : (
            ''
          )}
          <button type="submit">Search</button>
        </form>
      </div>
      <p class="muted">{`${p.pagination.total} customer${p.pagination.total === 1 ? '' : 's'}`}</p>
      <table class="table" id="customers">
        <thead>
          <tr>
            <th>Customer</th>
            <th>Phone</th>
            {several ? <th class="hide-sm">Business</th> : ''}
            <th class="num">Orders</th>
            <th class="num">Total spent</th>
            <th class="hide-sm">Last order</th>
            <th>Note</th>
          </tr>
        </thead>
        <tbody>
          {p.customers.length === 0 ? (
            <tr>
              <td colspan="7" class="muted">No customers yet{p.q ? ' match this search' : ''}.</td>
            </tr>
          ) : (
            p.customers.map((c) => (
              <tr class="customer-row">
                <td>
                  <a href={customerHref(c.key, c.businessId)} safe>{c.name ?? c.phone ?? c.key}</a>
                  {c.repeat ? <span class="badge">repeat</span> : ''}
                </td>
                <td safe>{c.phone ?? '—'}</td>
                {several ? <td class="hide-sm" safe>{c.businessName}</td> : ''}
                <td class="num">{String(c.orderCount)}</td>
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
          {p.pagination.page > 1 ? <a href={`/customers?${new URLSearchParams({ q: p.q, businessId: p.businessId ?? '', page: String(p.pagination.page - 1) }).toString()}`}>Previous</a> : ''}
          <span>{`Page ${p.pagination.page} of ${p.pagination.pages}`}</span>
          {p.pagination.page < p.pagination.pages ? <a href={`/customers?${new URLSearchParams({ q: p.q, businessId: p.businessId ?? '', page: String(p.pagination.page + 1) }).toString()}`}>Next</a> : ''}
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
          <h2>Buyer</h2>
          <dl>
            <dt>Name</dt>
            <dd safe class="customer-name">{c.name ?? '—'}</dd>
            <dt>Phone</dt>
            <dd safe>{c.phone ?? '—'}</dd>
            <dt>Orders</dt>
            <dd class="customer-orders">{`${c.orderCount}${c.repeat ? ' (repeat customer)' : ''}`}</dd>
            <dt>Total spent</dt>
            <dd safe class="customer-total">{c.totalSpent.map((t) => money(t.amount, t.currency)).join(' · ')}</dd>
            <dt>Last order</dt>
            <dd safe>{when(c.lastOrderAt)}</dd>
          </dl>
        </div>
        {c.businesses.map((b) => (
          <form class="card stack note-form" method="post" action={`${customerHref(c.key)}/note`}>
            <h2>
              Note <small class="muted" safe>{b.businessName}</small>
            </h2>
            <Csrf token={p.csrf} />
            <input type="hidden" name="businessId" value={b.businessId} />
            <textarea name="note" rows="4" maxlength="2000" aria-label="Note" safe>{b.note}</textarea>
            <button type="submit">Save note</button>
          </form>
        ))}
      </div>
      <h2>Orders</h2>
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
          <a class="danger" href={`${customerHref(c.key)}/erase?businessId=${encodeURIComponent(b.businessId)}`} safe>{`Erase this customer's personal data from ${b.businessName}…`}</a>
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
      <h1>Erase a customer's personal data</h1>
      <form class="card stack" method="post" action={`${customerHref(c.key)}/erase`}>
        <p>
          <strong safe>{c.name ?? c.phone ?? c.key}</strong> <span class="muted" safe>{b ? `· ${b.businessName}` : ''}</span>
        </p>
        <p>
          Their name, phone number, address, the text of their WhatsApp messages and your note on them are removed from every page,
          export and report, for good. Their orders stay (items, totals, statuses) under an anonymous name, so your sales figures do not change.
          If they write again later, they start as a new customer.
        </p>
        <Csrf token={p.csrf} />
        <input type="hidden" name="businessId" value={p.businessId} />
        <label>
          <input type="checkbox" name="confirm" value="yes" required /> I understand this cannot be undone
        </label>
        <p>
          <button type="submit" class="danger">Erase personal data</button> <a href={customerHref(c.key, p.businessId)}>Cancel</a>
        </p>
      </form>
    </section>
  );
}
