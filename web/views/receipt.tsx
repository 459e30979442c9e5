// The printable receipt and the kitchen/packing ticket: standalone pages (no navigation), sized for
// 58/80 mm thermal printers, printed with the browser's print dialog. Names, addresses and items
// are customer text: `safe` children only.
import { t } from '../i18n/index.ts';
import type { Language } from '../../src/events/catalog.ts';
import { formatAmount, formatDate, itemsSubtotal, RECEIPT_LABELS, type ReceiptData } from '../../src/payments/receipt.ts';

export type PaperWidth = 58 | 80;

function Page(p: { title: string; language: Language; width: PaperWidth; children: JSX.Element | JSX.Element[] }): JSX.Element {
  return (
    <>
      {'<!doctype html>'}
      <html lang={p.language}>
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <title safe>{p.title}</title>
          <link rel="stylesheet" href="/static/receipt.css" />
          <script src="/static/receipt.js" defer></script>
        </head>
        <body class={`paper w${p.width}`}>
          <main class="slip">{p.children}</main>
          <p class="no-print actions">
            <button type="button" data-print>
              {t('receipt.print')}
            </button>
          </p>
        </body>
      </html>
    </>
  );
}

export function ReceiptPage(p: { r: ReceiptData; language: Language; timeZone: string; width: PaperWidth }): JSX.Element {
  const { r } = p;
  const L = RECEIPT_LABELS[p.language];
  const m = (n: number) => formatAmount(n, r.currency, p.language, r.business.country);
  const sub = itemsSubtotal(r);
  return (
    <Page title={`${L.receipt} #${r.number} · ${r.business.name}`} language={p.language} width={p.width}>
      <header class="center">
        <h1 safe>{r.business.name}</h1>
        {r.business.address ? <p safe>{r.business.address}</p> : ''}
        {r.business.phone ? <p safe>{r.business.phone}</p> : ''}
      </header>
      <p class="center strong" safe>{`${L.receipt} · ${L.order} #${r.number}`}</p>
      <p class="center" safe>{formatDate(r.placedAt, p.language, r.business.country, p.timeZone)}</p>
      <hr />
      {r.customer.name || r.customer.phone ? <p safe>{`${L.customer}: ${[r.customer.name, r.customer.phone].filter(Boolean).join(' · ')}`}</p> : ''}
      {r.customer.address ? <p safe>{`${L.address}: ${r.customer.address}`}</p> : ''}
      <table class="lines">
        <tbody>
          {r.items.map((i) => (
            <tr>
              <td safe>{`${i.quantity} × ${i.name}`}</td>
              <td class="num" safe>{i.unitPrice === null ? '—' : m(i.quantity * i.unitPrice)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <hr />
      <table class="totals">
        <tbody>
          {sub !== null && (r.deliveryFee > 0 || r.discount > 0) ? (
            <tr>
              <td>{L.subtotal}</td>
              <td class="num" safe>{m(sub)}</td>
            </tr>
          ) : (
            ''
          )}
          {r.deliveryFee > 0 ? (
            <tr>
              <td>{L.delivery}</td>
              <td class="num" safe>{m(r.deliveryFee)}</td>
            </tr>
          ) : (
            ''
          )}
          {r.discount > 0 ? (
            <tr>
              <td>{L.discount}</td>
              <td class="num" safe>{`-${m(r.discount)}`}</td>
            </tr>
          ) : (
            ''
          )}
          <tr class="grand">
            <td>{L.total}</td>
            <td class="num receipt-total" safe>{r.total === null ? L.unknown : m(r.total)}</td>
          </tr>
        </tbody>
      </table>
      <p class="receipt-payment" safe>
        {`${L.payment}: ${[L.status[r.payment.status], r.payment.method ? L.method[r.payment.method] : null, r.payment.reference ? `ref ${r.payment.reference}` : null].filter(Boolean).join(', ')}`}
      </p>
      <p class="center">{L.thanks}</p>
    </Page>
  );
}

/** What the kitchen or the packer needs: number, items and quantities, notes, where it goes. No prices. */
export function TicketPage(p: { r: ReceiptData; language: Language; timeZone: string; width: PaperWidth }): JSX.Element {
  const { r } = p;
  const L = RECEIPT_LABELS[p.language];
  return (
    <Page title={`${L.ticket} #${r.number}`} language={p.language} width={p.width}>
      <p class="center">{L.ticket}</p>
      <h1 class="center big" safe>{`#${r.number}`}</h1>
      <p class="center" safe>{formatDate(r.placedAt, p.language, r.business.country, p.timeZone)}</p>
      <hr />
      <table class="lines ticket">
        <tbody>
          {r.items.map((i) => (
            <tr>
              <td class="qty" safe>{String(i.quantity)}</td>
              <td safe>{i.sku ? `${i.name} (${i.sku})` : i.name}</td>
              <td class="check">☐</td>
            </tr>
          ))}
        </tbody>
      </table>
      <hr />
      {r.deliveryNotes ? <p class="strong" safe>{`${L.notes}: ${r.deliveryNotes}`}</p> : ''}
      {r.customer.name ? <p safe>{`${L.customer}: ${r.customer.name}`}</p> : ''}
      {r.customer.phone ? <p safe>{`${L.phone}: ${r.customer.phone}`}</p> : ''}
      {r.customer.address ? <p safe>{`${L.address}: ${r.customer.address}`}</p> : ''}
    </Page>
  );
}
