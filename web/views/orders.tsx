// Order list rows and the order detail view. WhatsApp text (names, addresses, messages) only
// ever appears through `safe` children or attributes.
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
      <strong>Change requested</strong> <span class="muted" safe>{when(r.at)}</span>: <q safe>{r.text}</q>
    </p>
  ) : (
    <span class="badge change-requested" data-change-requested title={r.text} safe>
      change requested
    </span>
  );
}

export function OrderTableHead(p: { compact?: boolean }): JSX.Element {
  return (
    <thead>
      <tr>
        <th>#</th>
        <th>Customer</th>
        {p.compact ? '' : <th class="hide-sm">Items</th>}
        <th class="num">Total</th>
        <th>Status</th>
        <th class="hide-sm">Placed</th>
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
        Status: <StatusBadge status={o.status} />
      </p>
      {next.length ? (
        <div class="buttons">
          {next.map((to) => (
            <form method="post" action={`/orders/${o.id}/status`} hx-post={`/orders/${o.id}/status`} hx-target="#order-detail" hx-swap="outerHTML" class="inline">
              <Csrf token={p.csrf} />
              <input type="hidden" name="status" value={to} />
              <button type="submit" class={to === 'cancelled' ? 'danger' : ''} data-status={to}>
                {`Mark ${statusLabel(to)}`}
              </button>
            </form>
          ))}
        </div>
      ) : (
        <p class="muted">This order is closed.</p>
      )}
      {o.undo ? (
        <form method="post" action={`/orders/${o.id}/undo`} hx-post={`/orders/${o.id}/undo`} hx-target="#order-detail" hx-swap="outerHTML" class="inline undo">
          <Csrf token={p.csrf} />
          <input type="hidden" name="revision" value={String(o.revision)} />
          <button type="submit" data-undo={o.undo.to}>{`Undo: back to ${statusLabel(o.undo.to)}`}</button>{' '}
          <span class="muted" safe>{`(${statusLabel(o.undo.from)} was set ${when(o.statusHistory?.at(-1)?.at ?? o.updatedAt)}; undo possible until ${when(o.undo.until)})`}</span>
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
          <StatusBadge status={h.status} /> <span safe>{when(h.at)}</span> <span class="muted" safe>{`by ${h.actor}`}</span>
          {h.undoneFrom ? <span class="muted undone" safe>{` (undid ${statusLabel(h.undoneFrom)})`}</span> : ''}
        </li>
      ))}
    </ol>
  );
}

/** What each doubt means to a merchant (the parser's reasons, src/parser/index.ts). */
const DOUBT_TEXT: Record<string, string> = {
  unmatched: 'not found in your catalog',
  loose: 'matched loosely to a catalog product',
  prose: 'read from a sentence; the name may be cut wrong',
  weak: 'may not be an item at all',
  uncounted: 'quantity not written (1 assumed)',
  no_address: 'no delivery address found',
  total_conflict: 'the written total differs from the items',
};

/** The doubts of one field, as the notes shown beside it (empty when the parser was sure). */
export function doubtsOf(review: ReviewJson | null, field: 'item' | 'quantity' | 'address' | 'total', line: number | null = null): string[] {
  if (!review) return [];
  return review.doubts.filter((d) => d.field === field && (line === null || d.line === line)).map((d) => DOUBT_TEXT[d.reason] ?? d.reason);
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
      <h2>Needs review</h2>
      <p safe>
        {r
          ? `The parser was ${Math.round(r.confidence * 100)}% sure of this order (this business accepts from ${Math.round(r.threshold * 100)}%). ` +
            (r.ask ? 'The customer was asked to confirm; a "yes" from them accepts it.' : 'The customer has not been answered yet; accepting sends the confirmation.')
          : 'Check the order, then accept it.'}
      </p>
      <form method="post" action={`/orders/${o.id}/review`} hx-post={`/orders/${o.id}/review`} hx-target="#order-detail" hx-swap="outerHTML" class="stack">
        <Csrf token={p.csrf} />
        <input type="hidden" name="revision" value={String(o.revision)} />
        <fieldset>
          <legend>Items (empty name removes the line; pick the catalog product the customer meant)</legend>
          {rows.map((i, line) => {
            const notes = [...doubtsOf(r, 'item', line), ...doubtsOf(r, 'quantity', line)];
            return (
              <div class={`item-row${notes.length ? ' doubt' : ''}`} data-line={String(line)}>
                <input name="itemName" placeholder="Item" value={i.name} aria-label="Item name" />
                <select name="itemSku" aria-label="Catalog product">
                  <option value="">(not in catalog)</option>
                  {p.catalog.map((c) => (
                    <option value={c.sku} selected={i.sku !== null && c.sku.toUpperCase() === i.sku.toUpperCase()} safe>
                      {`${c.name} (${c.sku})`}
                    </option>
                  ))}
                </select>
                <input name="itemQty" type="number" step="any" min="0" placeholder="Qty" value={i.quantity ? String(i.quantity) : ''} aria-label="Quantity" class={doubtsOf(r, 'quantity', line).length ? 'doubt' : ''} />
                {notes.length ? <small class="doubt-note" safe>{notes.join('; ')}</small> : ''}
              </div>
            );
          })}
        </fieldset>
        <label class={addressDoubts.length ? 'doubt' : ''}>
          Address <input name="customerAddress" value={o.customerAddress ?? ''} />
          {addressDoubts.length ? <small class="doubt-note" safe>{addressDoubts.join('; ')}</small> : ''}
        </label>
        {doubtsOf(r, 'total').length ? <p class="doubt doubt-note" safe>{`Total: ${doubtsOf(r, 'total').join('; ')}`}</p> : ''}
        <div class="buttons">
          <button type="submit" name="action" value="accept" data-review="accept">Accept as is</button>
          <button type="submit" name="action" value="correct" data-review="correct">Save corrections and accept</button>
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
        Order #{String(o.number)} {p.business ? <small class="muted" safe>{p.business.name}</small> : ''}
      </h1>
      {o.changeRequest ? <ChangeRequested order={o} detail /> : ''}
      <div class="grid2">
        <div class="card">
          <h2>Customer</h2>
          <dl>
            <dt>Name</dt>
            <dd safe class="customer-name">{o.customerName ?? '—'}</dd>
            {customerKey(o.customerPhone, o.customerName) ? (
              <dd>
                <a class="customer-link" href={customerHref(customerKey(o.customerPhone, o.customerName)!, o.businessId)}>
                  Customer's orders and notes
                </a>
              </dd>
            ) : (
              ''
            )}
            <dt>Phone</dt>
            <dd safe>{o.customerPhone ?? '—'}</dd>
            <dt>Address</dt>
            <dd safe class={inReview && doubtsOf(o.review, 'address').length ? 'doubt' : ''}>{o.customerAddress ?? '—'}</dd>
            <dt>Notes</dt>
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
        <h2>Items</h2>
        <table>
          <thead>
            <tr>
              <th>Item</th>
              <th class="num">Qty</th>
              <th class="num">Price</th>
            </tr>
          </thead>
          <tbody>
            {o.items.map((i, line) => (
              <tr class={inReview && doubtsOf(o.review, 'item', line).length + doubtsOf(o.review, 'quantity', line).length ? 'doubt' : ''}>
                <td safe>{i.sku ? `${i.name} (${i.sku})` : i.name}</td>
                <td class={`num${inReview && doubtsOf(o.review, 'quantity', line).length ? ' doubt' : ''}`} safe>{String(i.quantity)}</td>
                <td class="num" safe>{money(i.unitPrice, o.currency)}</td>
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr>
              <th>Total</th>
              <th></th>
              <th class="num" safe>{money(o.totalAmount, o.currency)}</th>
            </tr>
          </tfoot>
        </table>
      </div>
      {o.source && o.channel !== 'manual' ? (
        <div class="card">
          <h2>Original WhatsApp message</h2>
          <p class="muted" safe>{`From ${o.source.sender.name ?? '?'} ${o.source.sender.phone ?? ''}`}</p>
          <pre class="message" safe>{o.source.text}</pre>
        </div>
      ) : (
        ''
      )}
      <div class="grid2">
        <div class="card">
          <h2>Status history</h2>
          <History history={o.statusHistory} />
        </div>
        <div class="card">
          <h2>Response times</h2>
          <dl>
            {Object.entries(o.responseTimes).map(([k, v]) => (
              <>
                <dt safe>{k}</dt>
                <dd safe>{typeof v === 'number' ? `${(v / 1000).toFixed(1)} s` : String(v)}</dd>
              </>
            ))}
          </dl>
        </div>
      </div>
      {closed || inReview ? (
        ''
      ) : (
        <details class="card">
          <summary>Edit order</summary>
          <form method="post" action={`/orders/${o.id}/edit`} hx-post={`/orders/${o.id}/edit`} hx-target="#order-detail" hx-swap="outerHTML" class="stack">
            <Csrf token={p.csrf} />
            <input type="hidden" name="revision" value={String(o.revision)} />
            <label>
              Customer name <input name="customerName" value={o.customerName ?? ''} />
            </label>
            <label>
              Phone <input name="customerPhone" value={o.customerPhone ?? ''} />
            </label>
            <label>
              Address <input name="customerAddress" value={o.customerAddress ?? ''} />
            </label>
            <fieldset>
              <legend>Items (empty name removes the line)</legend>
              {rows.map((i) => (
                <div class="item-row">
                  <input name="itemName" placeholder="Item" value={i.name} />
                  <input name="itemSku" placeholder="SKU" value={i.sku ?? ''} />
                  <input name="itemQty" type="number" step="any" min="0" placeholder="Qty" value={i.quantity ? String(i.quantity) : ''} />
                  <input name="itemPrice" type="number" step="any" min="0" placeholder="Price" value={i.unitPrice === null ? '' : String(i.unitPrice)} />
                </div>
              ))}
            </fieldset>
            <button type="submit">Save changes</button>
          </form>
        </details>
      )}
    </section>
  );
}
