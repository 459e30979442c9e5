// Order list rows and the order detail view. WhatsApp text (names, addresses, messages) only
// ever appears through `safe` children or attributes.
import { num, t, type MessageKey } from '../i18n/index.ts';
import type { OrderJson, StatusEntry, BusinessJson, ProductJson, ReviewJson } from '../lib/queries.ts';
import { nextStatuses } from '../../src/orders/status.ts';
import { money, statusLabel, StatusBadge, when, Csrf } from './layout.tsx';
import { customerKey } from '../../projections/customers.ts';
import { customerHref } from '../lib/customers.ts';
import type { PaymentProofJson } from '../lib/payments.ts';
import { PaymentPanel } from './payments.tsx';

export function OrderRow(p: { order: OrderJson; compact?: boolean }): JSX.Element {
  const o = p.order;
  const items = o.items.map((i) => `${i.quantity} × ${i.name}`).join(', ');
  return (
    <tr id={`order-row-${o.id}`} class="order-row">
      <td class="nowrap">
        <a href={`/orders/${o.id}`}>#{String(o.number)}</a>
      </td>
      <td safe>{o.customerName ?? o.customerPhone ?? '—'}</td>
      {p.compact ? '' : <td class="hide-sm" safe>{items}</td>}
      <td class="num" safe>{money(o.totalAmount, o.currency)}</td>
      <td>
        <span id={`order-badge-${o.id}`}>
          <StatusBadge status={o.status} />
        </span>
        {o.changeRequest ? <ChangeRequested order={o} /> : ''}
      </td>
      <td class="hide-sm" safe>{when(o.createdAt)}</td>
    </tr>
  );
}

/** A customer's change asked by message after the self-edit window: the merchant handles it. */
function ChangeRequested(p: { order: OrderJson; detail?: boolean }): JSX.Element {
  const r = p.order.changeRequest;
  if (!r) return <></>;
  return p.detail ? (
    <p class="change-requested card" data-change-requested>
      <strong>{t('orders.changeRequestedTitle')}</strong> <span class="muted" safe>{when(r.at)}</span>: <q safe>{r.text}</q>
    </p>
  ) : (
    <span class="badge change-requested" data-change-requested title={r.text} safe>
      {t('orders.changeRequested')}
    </span>
  );
}

export function OrderTableHead(p: { compact?: boolean }): JSX.Element {
  return (
    <thead>
      <tr>
        <th>#</th>
        <th>{t('orders.colCustomer')}</th>
        {p.compact ? '' : <th class="hide-sm">{t('orders.colItems')}</th>}
        <th class="num">{t('orders.colTotal')}</th>
        <th>{t('orders.colStatus')}</th>
        <th class="hide-sm">{t('orders.colPlaced')}</th>
      </tr>
    </thead>
  );
}

export function StatusPanel(p: { order: OrderJson; csrf: string; oob?: boolean }): JSX.Element {
  const o = p.order;
  const next = nextStatuses(o.status);
  return (
    <div id={`order-status-${o.id}`} class="status-panel" {...(p.oob ? { 'hx-swap-oob': 'true' } : {})}>
      <p>
        {t('order.statusLabel')} <StatusBadge status={o.status} />
      </p>
      {next.length ? (
        <div class="buttons">
          {next.map((to) => (
            <form method="post" action={`/orders/${o.id}/status`} hx-post={`/orders/${o.id}/status`} hx-target="#order-detail" hx-swap="outerHTML" class="inline">
              <Csrf token={p.csrf} />
              <input type="hidden" name="status" value={to} />
              <button type="submit" class={to === 'cancelled' ? 'danger' : ''} data-status={to}>
                {t('order.mark', { status: statusLabel(to) })}
              </button>
            </form>
          ))}
        </div>
      ) : (
        <p class="muted">{t('order.closed')}</p>
      )}
      {o.undo ? (
        <form method="post" action={`/orders/${o.id}/undo`} hx-post={`/orders/${o.id}/undo`} hx-target="#order-detail" hx-swap="outerHTML" class="inline undo">
          <Csrf token={p.csrf} />
          <input type="hidden" name="revision" value={String(o.revision)} />
          <button type="submit" data-undo={o.undo.to}>{t('order.undo', { status: statusLabel(o.undo.to) })}</button>{' '}
          <span class="muted" safe>{t('order.undoNote', { status: statusLabel(o.undo.from), at: when(o.statusHistory?.at(-1)?.at ?? o.updatedAt), until: when(o.undo.until) })}</span>
        </form>
      ) : (
        ''
      )}
    </div>
  );
}

function History(p: { history: StatusEntry[] }): JSX.Element {
  return (
    <ol class="history">
      {p.history.map((h) => (
        <li>
          <StatusBadge status={h.status} /> <span safe>{when(h.at)}</span> <span class="muted" safe>{t('order.by', { actor: h.actor })}</span>
          {h.undoneFrom ? <span class="muted undone" safe>{t('order.undid', { status: statusLabel(h.undoneFrom) })}</span> : ''}
        </li>
      ))}
    </ol>
  );
}

/** What each doubt means to a merchant (the parser's reasons, src/parser/index.ts). */
const DOUBT_KEYS: Record<string, MessageKey> = {
  unmatched: 'doubt.unmatched',
  loose: 'doubt.loose',
  prose: 'doubt.prose',
  weak: 'doubt.weak',
  uncounted: 'doubt.uncounted',
  no_address: 'doubt.no_address',
  total_conflict: 'doubt.total_conflict',
};
const doubtText = (reason: string): string => (DOUBT_KEYS[reason] ? t(DOUBT_KEYS[reason]) : reason);

/** The doubts of one field, as the notes shown beside it (empty when the parser was sure). */
export function doubtsOf(review: ReviewJson | null, field: 'item' | 'quantity' | 'address' | 'total', line: number | null = null): string[] {
  if (!review) return [];
  return review.doubts.filter((d) => d.field === field && (line === null || d.line === line)).map((d) => doubtText(d.reason));
}

/**
 * The review card of an order waiting for review: what the parser doubted, highlighted per field,
 * and one form that accepts the order as is or with the corrected items and address.
 */
export function ReviewPanel(p: { order: OrderJson; catalog: ProductJson[]; csrf: string }): JSX.Element {
  const o = p.order;
  const r = o.review;
  const rows = [...o.items, { name: '', sku: null, quantity: 0, unitPrice: null }];
  const addressDoubts = doubtsOf(r, 'address');
  return (
    <div class="card review" id="review-panel">
      <h2>{t('review.title')}</h2>
      <p safe>
        {r
          ? t('review.sure', { confidence: Math.round(r.confidence * 100), threshold: Math.round(r.threshold * 100) }) + (r.ask ? t('review.asked') : t('review.notAnswered'))
          : t('review.check')}
      </p>
      <form method="post" action={`/orders/${o.id}/review`} hx-post={`/orders/${o.id}/review`} hx-target="#order-detail" hx-swap="outerHTML" class="stack">
        <Csrf token={p.csrf} />
        <input type="hidden" name="revision" value={String(o.revision)} />
        <fieldset>
          <legend>{t('review.items')}</legend>
          {rows.map((i, line) => {
            const notes = [...doubtsOf(r, 'item', line), ...doubtsOf(r, 'quantity', line)];
            return (
              <div class={`item-row${notes.length ? ' doubt' : ''}`} data-line={String(line)}>
                <input name="itemName" placeholder={t('order.item')} value={i.name} aria-label={t('review.itemName')} />
                <select name="itemSku" aria-label={t('review.product')}>
                  <option value="">{t('review.notInCatalog')}</option>
                  {p.catalog.map((c) => (
                    <option value={c.sku} selected={i.sku !== null && c.sku.toUpperCase() === i.sku.toUpperCase()} safe>
                      {`${c.name} (${c.sku})`}
                    </option>
                  ))}
                </select>
                <input name="itemQty" type="number" step="any" min="0" placeholder={t('order.qty')} value={i.quantity ? String(i.quantity) : ''} aria-label={t('review.quantity')} class={doubtsOf(r, 'quantity', line).length ? 'doubt' : ''} />
                {notes.length ? <small class="doubt-note" safe>{notes.join('; ')}</small> : ''}
              </div>
            );
          })}
        </fieldset>
        <label class={addressDoubts.length ? 'doubt' : ''}>
          {t('order.address')} <input name="customerAddress" value={o.customerAddress ?? ''} />
          {addressDoubts.length ? <small class="doubt-note" safe>{addressDoubts.join('; ')}</small> : ''}
        </label>
        {doubtsOf(r, 'total').length ? <p class="doubt doubt-note" safe>{t('review.total', { notes: doubtsOf(r, 'total').join('; ') })}</p> : ''}
        <div class="buttons">
          <button type="submit" name="action" value="accept" data-review="accept">{t('review.accept')}</button>
          <button type="submit" name="action" value="correct" data-review="correct">{t('review.correct')}</button>
        </div>
      </form>
    </div>
  );
}

export function OrderDetail(p: { order: OrderJson & { statusHistory: StatusEntry[] }; business: BusinessJson | null; csrf: string; proofs?: readonly PaymentProofJson[]; catalog?: ProductJson[] }): JSX.Element {
  const o = p.order;
  const inReview = o.status === 'needs_review';
  const closed = o.status === 'delivered' || o.status === 'cancelled';
  const rows = [...o.items, { name: '', sku: null, quantity: 0, unitPrice: null }];
  return (
    <section id="order-detail" class="stack">
      <h1>
        {t('order.title', { number: String(o.number) })} {p.business ? <small class="muted" safe>{p.business.name}</small> : ''}
      </h1>
      {o.changeRequest ? <ChangeRequested order={o} detail /> : ''}
      <div class="grid2">
        <div class="card">
          <h2>{t('order.customer')}</h2>
          <dl>
            <dt>{t('order.name')}</dt>
            <dd safe class="customer-name">{o.customerName ?? '—'}</dd>
            {customerKey(o.customerPhone, o.customerName) ? (
              <dd>
                <a class="customer-link" href={customerHref(customerKey(o.customerPhone, o.customerName)!, o.businessId)}>
                  {t('order.customerLink')}
                </a>
              </dd>
            ) : (
              ''
            )}
            <dt>{t('order.phone')}</dt>
            <dd safe>{o.customerPhone ?? '—'}</dd>
            <dt>{t('order.address')}</dt>
            <dd safe class={inReview && doubtsOf(o.review, 'address').length ? 'doubt' : ''}>{o.customerAddress ?? '—'}</dd>
            <dt>{t('order.notes')}</dt>
            <dd safe>{o.deliveryNotes ?? '—'}</dd>
          </dl>
        </div>
        <div class="card">
          <StatusPanel order={o} csrf={p.csrf} />
        </div>
      </div>
      <PaymentPanel order={o} proofs={p.proofs ?? []} csrf={p.csrf} />
      {inReview ? <ReviewPanel order={o} catalog={p.catalog ?? []} csrf={p.csrf} /> : ''}
      <div class="card">
        <h2>{t('order.items')}</h2>
        <table>
          <thead>
            <tr>
              <th>{t('order.item')}</th>
              <th class="num">{t('order.qty')}</th>
              <th class="num">{t('order.price')}</th>
            </tr>
          </thead>
          <tbody>
            {o.items.map((i, line) => (
              <tr class={inReview && doubtsOf(o.review, 'item', line).length + doubtsOf(o.review, 'quantity', line).length ? 'doubt' : ''}>
                <td safe>{i.sku ? `${i.name} (${i.sku})` : i.name}</td>
                <td class={`num${inReview && doubtsOf(o.review, 'quantity', line).length ? ' doubt' : ''}`} safe>{num(i.quantity, { maximumFractionDigits: 3 })}</td>
                <td class="num" safe>{money(i.unitPrice, o.currency)}</td>
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr>
              <th>{t('order.total')}</th>
              <th></th>
              <th class="num" safe>{money(o.totalAmount, o.currency)}</th>
            </tr>
          </tfoot>
        </table>
      </div>
      {o.source && o.channel !== 'manual' ? (
        <div class="card">
          <h2>{t('order.original')}</h2>
          <p class="muted" safe>{t('order.from', { name: o.source.sender.name ?? '?', phone: o.source.sender.phone ?? '' })}</p>
          <pre class="message" safe>{o.source.text}</pre>
        </div>
      ) : (
        ''
      )}
      <div class="grid2">
        <div class="card">
          <h2>{t('order.history')}</h2>
          <History history={o.statusHistory} />
        </div>
        <div class="card">
          <h2>{t('order.responseTimes')}</h2>
          <dl>
            {Object.entries(o.responseTimes).map(([k, v]) => (
              <>
                <dt safe>{k}</dt>
                <dd safe>{typeof v === 'number' ? t('order.seconds', { n: num(v / 1000, { minimumFractionDigits: 1, maximumFractionDigits: 1 }) }) : String(v)}</dd>
              </>
            ))}
          </dl>
        </div>
      </div>
      {closed || inReview ? (
        ''
      ) : (
        <details class="card">
          <summary>{t('order.edit')}</summary>
          <form method="post" action={`/orders/${o.id}/edit`} hx-post={`/orders/${o.id}/edit`} hx-target="#order-detail" hx-swap="outerHTML" class="stack">
            <Csrf token={p.csrf} />
            <input type="hidden" name="revision" value={String(o.revision)} />
            <label>
              {t('order.customerName')} <input name="customerName" value={o.customerName ?? ''} />
            </label>
            <label>
              {t('order.phone')} <input name="customerPhone" value={o.customerPhone ?? ''} />
            </label>
            <label>
              {t('order.address')} <input name="customerAddress" value={o.customerAddress ?? ''} />
            </label>
            <fieldset>
              <legend>{t('order.itemsEdit')}</legend>
              {rows.map((i) => (
                <div class="item-row">
                  <input name="itemName" placeholder={t('order.item')} value={i.name} />
                  <input name="itemSku" placeholder={t('order.sku')} value={i.sku ?? ''} />
                  <input name="itemQty" type="number" step="any" min="0" placeholder={t('order.qty')} value={i.quantity ? String(i.quantity) : ''} />
                  <input name="itemPrice" type="number" step="any" min="0" placeholder={t('order.price')} value={i.unitPrice === null ? '' : String(i.unitPrice)} />
                </div>
              ))}
            </fieldset>
            <button type="submit">{t('order.save')}</button>
          </form>
        </details>
      )}
    </section>
  );
}
