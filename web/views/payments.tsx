// The payment card of the order page: status, delivery fee and discount, record/refund a payment,
// the customer's payment proofs with "confirm payment", and the receipt links. Proof texts are
// WhatsApp text: only ever `safe` children.
import { lang, t } from '../i18n/index.ts';
import { PAYMENT_METHODS, type PaymentMethod } from '../../src/events/catalog.ts';
import { RECEIPT_LABELS } from '../../src/payments/receipt.ts';
import type { OrderJson } from '../lib/queries.ts';
import type { PaymentProofJson } from '../lib/payments.ts';
import { Csrf, money, when } from './layout.tsx';

const method = (m: PaymentMethod): string => RECEIPT_LABELS[lang()].method[m];
export const methodLabel = (m: PaymentMethod | null): string => (m ? method(m) : '—');

function MethodSelect(p: { selected: PaymentMethod | null }): JSX.Element {
  return (
    <select name="method">
      {PAYMENT_METHODS.map((m) => (
        <option value={m} selected={p.selected === m}>
          {method(m)}
        </option>
      ))}
    </select>
  );
}

const hx = (orderId: string, what: string) => ({ method: 'post', action: `/orders/${orderId}/${what}`, 'hx-post': `/orders/${orderId}/${what}`, 'hx-target': '#order-detail', 'hx-swap': 'outerHTML' });

export function PaymentPanel(p: { order: OrderJson; proofs: readonly PaymentProofJson[]; csrf: string }): JSX.Element {
  const o = p.order;
  const pay = o.payment;
  const open = o.status !== 'cancelled';
  const pending = p.proofs.filter((x) => x.confirmedAt === null);
  return (
    <div class="card payment" id={`order-payment-${o.id}`}>
      <h2>{t('pay.title')}</h2>
      <p>
        <span class={`badge pay-${pay.status}`} data-payment-status={pay.status} safe>
          {RECEIPT_LABELS[lang()].status[pay.status]}
        </span>{' '}
        {pay.status !== 'unpaid' ? <span class="muted" safe>{[methodLabel(pay.method), pay.reference ? t('pay.ref', { reference: pay.reference }) : '', pay.amount !== null ? money(pay.amount, o.currency) : '', pay.paidAt ? when(pay.paidAt) : ''].filter(Boolean).join(' · ')}</span> : ''}
      </p>
      <dl>
        <dt>{t('pay.deliveryFee')}</dt>
        <dd safe>{money(o.deliveryFee, o.currency)}</dd>
        <dt>{t('pay.discount')}</dt>
        <dd safe>{money(o.discount, o.currency)}</dd>
        <dt>{t('pay.total')}</dt>
        <dd safe class="order-total">{money(o.totalAmount, o.currency)}</dd>
      </dl>
      {pending.length ? (
        <div class="proofs">
          <h3>{t('pay.proofs')}</h3>
          {pending.map((x) => (
            <form {...hx(o.id, 'payment')} class="stack proof">
              <Csrf token={p.csrf} />
              <input type="hidden" name="revision" value={String(o.revision)} />
              <input type="hidden" name="proofMessageId" value={x.messageId} />
              <pre class="message" safe>{x.text || (x.hasMedia ? t('pay.image') : '')}</pre>
              <span class="muted" safe>{`${x.hasMedia ? t('pay.imageDot') : ''}${when(x.receivedAt)}`}</span>
              <div class="item-row">
                <MethodSelect selected={x.method ?? 'transfer'} />
                <input name="reference" maxlength="100" placeholder={t('pay.reference')} value={x.reference ?? ''} />
                <button type="submit" data-confirm-proof={x.messageId} disabled={!open || pay.status === 'paid'}>
                  {t('pay.confirm')}
                </button>
              </div>
            </form>
          ))}
        </div>
      ) : (
        ''
      )}
      {open && pay.status !== 'paid' ? (
        <details>
          <summary>{t('pay.record')}</summary>
          <form {...hx(o.id, 'payment')} class="stack" id="record-payment">
            <Csrf token={p.csrf} />
            <input type="hidden" name="revision" value={String(o.revision)} />
            <label>
              {t('pay.method')} <MethodSelect selected="cash" />
            </label>
            <label>
              {t('pay.reference')} <input name="reference" maxlength="100" />
            </label>
            <label>
              {t('pay.amount')} <input name="amount" type="number" step="0.01" min="0" max="999999999999.99" placeholder={o.totalAmount === null ? '' : String(o.totalAmount)} />
            </label>
            <button type="submit" data-record-payment>
              {t('pay.markPaid')}
            </button>
          </form>
        </details>
      ) : (
        ''
      )}
      {pay.status === 'paid' ? (
        <form {...hx(o.id, 'refund')} class="inline">
          <Csrf token={p.csrf} />
          <input type="hidden" name="revision" value={String(o.revision)} />
          <input name="reason" maxlength="500" placeholder={t('pay.reason')} />
          <button type="submit" class="danger" data-refund>
            {t('pay.refund')}
          </button>
        </form>
      ) : (
        ''
      )}
      {open && pay.status !== 'paid' ? (
        <details>
          <summary>{t('pay.charges')}</summary>
          <form {...hx(o.id, 'charges')} class="stack" id="charges-form">
            <Csrf token={p.csrf} />
            <input type="hidden" name="revision" value={String(o.revision)} />
            <label>
              {t('pay.deliveryFee')} <input name="deliveryFee" type="number" step="0.01" min="0" max="999999999999.99" value={String(o.deliveryFee)} />
            </label>
            <label>
              {t('pay.discount')} <input name="discount" type="number" step="0.01" min="0" max="999999999999.99" value={String(o.discount)} />
            </label>
            <button type="submit">{t('pay.saveCharges')}</button>
          </form>
        </details>
      ) : (
        ''
      )}
      <p class="buttons">
        <a href={`/orders/${o.id}/receipt`} data-receipt-link>
          {t('pay.receipt')}
        </a>{' '}
        <a href={`/orders/${o.id}/ticket`}>{t('pay.ticket')}</a>
      </p>
      <form {...hx(o.id, 'receipt/send')} class="inline">
        <Csrf token={p.csrf} />
        <button type="submit" data-send-receipt>
          {t('pay.send')}
        </button>
      </form>
    </div>
  );
}
