// What a receipt says, shared by the printable page, the packing ticket and the WhatsApp text
// receipt: labels in en/es/pt and money formatted with Intl for the business's country and currency.
import type { Language, OrderItem, PaymentMethod, PaymentStatus } from '../events/catalog.ts';

export interface ReceiptData {
  business: { name: string; address: string | null; phone: string | null; country: string; currency: string };
  number: number;
  placedAt: string;
  customer: { name: string | null; phone: string | null; address: string | null };
  items: readonly OrderItem[];
  deliveryNotes: string | null;
  deliveryFee: number;
  discount: number;
  /** items + fee − discount; null when an item has no price. */
  total: number | null;
  currency: string | null;
  payment: { status: PaymentStatus; method: PaymentMethod | null; reference: string | null };
}

export const RECEIPT_LABELS: Record<Language, {
  receipt: string; ticket: string; order: string; date: string; customer: string; phone: string; address: string; notes: string; item: string; qty: string;
  subtotal: string; delivery: string; discount: string; total: string; payment: string; thanks: string; unknown: string;
  status: Record<PaymentStatus, string>; method: Record<PaymentMethod, string>;
}> = {
  en: {
    receipt: 'Receipt', ticket: 'Packing ticket', order: 'Order', date: 'Date', customer: 'Customer', phone: 'Phone', address: 'Address', notes: 'Notes',
    item: 'Item', qty: 'Qty', subtotal: 'Subtotal', delivery: 'Delivery', discount: 'Discount', total: 'Total', payment: 'Payment',
    thanks: 'Thank you for your order!', unknown: 'to be confirmed',
    status: { unpaid: 'unpaid', paid: 'paid', refunded: 'refunded' },
    method: { cash: 'cash', transfer: 'bank transfer', mobile_money: 'mobile money', card: 'card', other: 'other' },
  },
  es: {
    receipt: 'Recibo', ticket: 'Ticket de preparación', order: 'Pedido', date: 'Fecha', customer: 'Cliente', phone: 'Teléfono', address: 'Dirección', notes: 'Notas',
    item: 'Artículo', qty: 'Cant.', subtotal: 'Subtotal', delivery: 'Envío', discount: 'Descuento', total: 'Total', payment: 'Pago',
    thanks: '¡Gracias por tu pedido!', unknown: 'por confirmar',
    status: { unpaid: 'pendiente', paid: 'pagado', refunded: 'reembolsado' },
    method: { cash: 'efectivo', transfer: 'transferencia', mobile_money: 'billetera móvil', card: 'tarjeta', other: 'otro' },
  },
  pt: {
    receipt: 'Recibo', ticket: 'Ticket de separação', order: 'Pedido', date: 'Data', customer: 'Cliente', phone: 'Telefone', address: 'Endereço', notes: 'Observações',
    item: 'Item', qty: 'Qtd', subtotal: 'Subtotal', delivery: 'Entrega', discount: 'Desconto', total: 'Total', payment: 'Pagamento',
    thanks: 'Obrigado pelo seu pedido!', unknown: 'a confirmar',
    status: { unpaid: 'pendente', paid: 'pago', refunded: 'reembolsado' },
    method: { cash: 'dinheiro', transfer: 'transferência', mobile_money: 'carteira móvel', card: 'cartão', other: 'outro' },
  },
};

const formats = new Map<string, Intl.NumberFormat>();

/** `₦5,000.00` for NG/NGN in English, `R$ 25,00` for BR/BRL in Portuguese. */
export function formatAmount(amount: number, currency: string | null, language: Language, country: string): string {
  const key = `${language}-${country}:${currency ?? ''}`;
  let f = formats.get(key);
  if (!f) {
    try {
      f = currency
        ? new Intl.NumberFormat(`${language}-${country}`, { style: 'currency', currency })
        : new Intl.NumberFormat(`${language}-${country}`, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
    } catch {
      f = new Intl.NumberFormat('en', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
    }
    formats.set(key, f);
  }
  return f.format(amount);
}

export function formatDate(iso: string, language: Language, country: string, timeZone: string): string {
  try {
    return new Intl.DateTimeFormat(`${language}-${country}`, { dateStyle: 'medium', timeStyle: 'short', timeZone }).format(new Date(iso));
  } catch {
    return iso.slice(0, 16).replace('T', ' ');
  }
}

export const itemsSubtotal = (r: ReceiptData): number | null =>
  r.total === null ? null : (Math.round(r.total * 100) - Math.round(r.deliveryFee * 100) + Math.round(r.discount * 100)) / 100;

/** The receipt as plain text, for WhatsApp (never markup: the session sends it as text). */
export function receiptText(r: ReceiptData, language: Language, timeZone: string): string {
  const L = RECEIPT_LABELS[language];
  const m = (n: number) => formatAmount(n, r.currency, language, r.business.country);
  const lines = [`*${r.business.name}*`, `${L.receipt} · ${L.order} #${r.number}`, formatDate(r.placedAt, language, r.business.country, timeZone), ''];
  for (const i of r.items) lines.push(`${i.quantity} x ${i.name}${i.unitPrice === null ? '' : ` — ${m(i.quantity * i.unitPrice)}`}`);
  lines.push('');
  const sub = itemsSubtotal(r);
  if (r.deliveryFee > 0 || r.discount > 0) {
    if (sub !== null) lines.push(`${L.subtotal}: ${m(sub)}`);
    if (r.deliveryFee > 0) lines.push(`${L.delivery}: ${m(r.deliveryFee)}`);
    if (r.discount > 0) lines.push(`${L.discount}: -${m(r.discount)}`);
  }
  lines.push(`*${L.total}: ${r.total === null ? L.unknown : m(r.total)}*`);
  const pay = [L.status[r.payment.status], r.payment.method ? L.method[r.payment.method] : null, r.payment.reference ? `ref ${r.payment.reference}` : null].filter(Boolean).join(', ');
  lines.push(`${L.payment}: ${pay}`);
  lines.push('', L.thanks);
  return lines.join('\n');
}
