// The message parser: one WhatsApp message in, one structured intent out (docs/parser-spec.md).
// Pure and deterministic: no I/O, no clock, no randomness.
import type { FieldDoubt, MissingField, ParseInput, ParseResult, ParsedItem } from './types.ts';
import { MAX_FIELD_DOUBTS } from './types.ts';
import { fold } from './text.ts';
import { round2 } from './numbers.ts';
import { looseCurrency, resolveCurrency } from './money.ts';
import { findPhones, normalizePhone } from './phone.ts';
import { prepareCatalog, type PreparedCatalog } from './catalog.ts';
import { agentName, extract, toItems } from './extract.ts';
import {
  AVAIL_Q_RE, COMPLAINT_RE, FEEDBACK_RE, FUTURE_RE, MEDIA_RE, MY_ORDER_RE, PRICE_Q_RE, PROMO_RE, detectStatus, findOrderRef, looksLikeBot,
} from './intent.ts';
import { WANT_RE } from './lexicon.ts';
import { orderConfidence, type OrderDoubts } from './confidence.ts';

export type { ParseInput, ParseResult, ParsedItem, CatalogProduct, Intent, OrderStatus, MissingField, FieldDoubt } from './types.ts';
export type { OrderDoubts } from './confidence.ts';

export const PARSER_VERSION = '1.12.0';

/** Longer messages are not orders people type; capping keeps every pattern's cost bounded. */
const MAX_CHARS = 4000;
const MAX_LINES = 80;

const PHONE_LABEL_BEFORE_RE =
  /(?:(?<![\p{L}])(?:my|mi|meu|o meu|el|our)[ \t]+)?(?:phone(?:\s*(?:no|number|#))?|ph|tel|tele?fone|tel[eé]fono|mobile|mob|cell?|celular|contact|contacto|contato|whats(?:app)?|zap|n[uú]mero|number|simu|namba|call(?:\s+me)?(?:\s+(?:on|at))?|ligar|llamar|📞|☎️?|📱)\.?(?:\s+(?:es|is|e|é))?\s*[:-]?\s*$/iu;
const CONTROL_RE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g;

/** Anything normalizeText would change; most messages have none of it and skip the four passes. */
const NEEDS_NORMALIZE_RE = /[\r\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff\u00a0\u2007\u202f\t]| {2}/;

function normalizeText(raw: string): string {
  if (raw.length <= MAX_CHARS && !NEEDS_NORMALIZE_RE.test(raw)) return raw;
  return raw
    .slice(0, MAX_CHARS)
    .replace(/\r\n?/g, '\n')
    .replace(CONTROL_RE, '')
    .replace(/[\u00a0\u2007\u202f\t]/g, ' ')
    .replace(/ {2,}/g, ' ');
}

/**
 * A message typed in capitals ("20 TIN TOMATO NO 2 GARRI. SHOP 23 OKE ARIN MARKET") loses the case cues that tell
 * names and places from the rest; read it as Title Case instead, which is how those cues are written.
 */
function shoutedToTitle(text: string): string {
  let upper = 0;
  let lower = 0;
  for (let i = 0; i < text.length && i < 600; i++) {
    const c = text.charCodeAt(i);
    if (c >= 65 && c <= 90) upper++;
    else if (c >= 97 && c <= 122) lower++;
  }
  if (upper < 12 || lower * 6 > upper) return text;
  return text.replace(/\p{L}+/gu, (w) => (w.length > 1 ? w.charAt(0) + w.slice(1).toLowerCase() : w));
}

/** Clause boundaries: sentence ends, line breaks, and a contrast ("but", "pero", "mas") after a comma or not. */
const CLAUSE_SPLIT_RE = /(?<=[.!?;\n])\s*|,?\s+(?:but|pero|mas|però|but for now|however)\s+/i;

/** The message without its future-intent clauses, or null when nothing concrete (a count or a request) is left. */
function withoutFutureClauses(text: string): string | null {
  const kept = text.split(CLAUSE_SPLIT_RE).filter((c) => c && c.trim() && !FUTURE_RE.test(fold(c)));
  if (!kept.length) return null;
  const rest = kept.join('\n');
  const f = fold(rest);
  return /\d/.test(rest) && WANT_RE.test(f) ? rest : null;
}

/** Lines that open with a count or a list number ("2 jollof", "1. Atta", "- 3x bread"). */
function countedLines(text: string): number {
  let n = 0;
  for (const l of text.split('\n', MAX_LINES)) if (/^\s*(?:[-•*·]\s*)?\d{1,3}(?:[.)]\s|\s?[x×]?\s?\p{L})/u.test(l)) n++;
  return n;
}

/** A number standing alone in a name ("Rajma chawal - 1", "nyumba namba 45"), not a size ("Pepsi 1.5L", "Milo 400g"). */
const BARE_NUMBER_RE = /(?:^|\s)[-–=:]?\s?\d[\d.,]*(?=\s|$)/;

/** Whether two names share a word ("Seun" and "Seun Adeyemi"). */
function sharesWord(a: string, b: string): boolean {
  const words = (s: string) => fold(s).split(/[^\p{L}]+/u).filter((w) => w.length > 1);
  const B = new Set(words(b));
  return words(a).some((w) => B.has(w));
}

function emptyResult(id: ParseInput['id'], intent: ParseResult['intent'], confidence: number): ParseResult {
  return {
    id: id ?? null,
    intent,
    customer: { name: null, phone: null },
    address: null,
    items: [],
    total: null,
    currency: null,
    notes: null,
    status: null,
    orderRef: null,
    confidence,
    missing: [],
  };
}

/** Filled by parseMessage when passed: why an order got the confidence it got (for calibration and review tools). */
export interface ParseExplanation {
  doubts?: OrderDoubts;
  /** Which fields caused doubt (item/quantity per line, address, total), at most MAX_FIELD_DOUBTS (review queue). */
  fields?: FieldDoubt[];
  /** What the customer wrote for each item, by line. */
  itemTexts?: string[];
}

export function parseMessage(input: ParseInput, explain?: ParseExplanation): ParseResult {
  const id = input && (typeof input.id === 'string' || typeof input.id === 'number') ? input.id : null;
  let text = shoutedToTitle(normalizeText(typeof input?.text === 'string' ? input.text : ''));
  const business = input?.business && typeof input.business === 'object' ? input.business : null;
  const country = typeof business?.country === 'string' ? business.country : null;
  const bizCurrency = typeof business?.currency === 'string' ? business.currency.toUpperCase() : null;
  const catalogArr = Array.isArray(business?.catalog) ? business.catalog : null;
  const senderName = typeof input?.sender?.name === 'string' ? input.sender.name : null;
  const senderPhone = typeof input?.sender?.phone === 'string' ? input.sender.phone : null;

  let folded = fold(text);
  if (!folded.trim()) return emptyResult(id, 'other', 0.95);

  // 1. The bot's own receipts and confirmations.
  // A receipt that also states a step ("has been received and confirmed ✅" with an order number) could be the
  // status update it reads like: less sure than a plain receipt.
  if (looksLikeBot(folded, fold(senderName ?? ''))) return emptyResult(id, 'other', detectStatus(folded) && findOrderRef(text) ? 0.85 : 0.9);

  // 2. Status updates about an existing order.
  const status = detectStatus(folded);
  if (status) {
    const ref = findOrderRef(text) ?? findOrderRef(text, true);
    if (ref || MY_ORDER_RE.test(folded)) {
      const r = emptyResult(id, 'status', ref ? 0.92 : 0.6);
      r.status = status;
      r.orderRef = ref;
      return r;
    }
  }

  // 3. Things that are never orders, whatever numbers they contain.
  const firstLine = text.split('\n', 1)[0] ?? '';
  if (PROMO_RE.test(folded) && !/\b(?:i|we)\s(?:want|need|would like)\b|\bquiero\b|\bquero\b/.test(folded))
    return emptyResult(id, 'other', 0.85);
  if (FUTURE_RE.test(folded)) {
    // "I will order again next week, but for now send 3 jollof": the future clause alone says nothing; the order
    // is whatever the other clauses ask for now. With nothing else asked, it is `other`.
    const now = withoutFutureClauses(text);
    if (!now) return emptyResult(id, 'other', 0.8);
    text = now;
    folded = fold(text);
  }
  if (COMPLAINT_RE.test(folded)) return emptyResult(id, 'other', 0.9);

  // Cheap exits before the field extraction: a price or availability question with no request verb is never
  // an order (the same rule as below, decided without extracting anything).
  const wantWord = WANT_RE.test(folded);
  // A list of counted lines with "how much?" under it ("1. Atta 10 kg - 2 … Total kitna hua batana") asks for the
  // bill of an order; a price question alone is an enquiry.
  const listed = countedLines(text) >= 3;
  const isQuestion = folded.includes('?');
  if (!wantWord) {
    if (PRICE_Q_RE.test(folded) && !listed) return emptyResult(id, 'other', 0.9);
    // Feedback on a past order, in a one-line message that asks for nothing.
    if (FEEDBACK_RE.test(folded) && !folded.includes('\n') && !/\b(?:pls|plz|please|por favor|porfa|pf|sff|again|otra vez|de novo|mais|more|another)\b/.test(folded))
      return emptyResult(id, 'other', 0.9);
    if (isQuestion && AVAIL_Q_RE.test(folded)) return emptyResult(id, 'other', 0.93);
  }

  // 4. Order fields.
  const phones = findPhones(text, country);
  let body = text;
  for (let i = phones.length - 1; i >= 0; i--) {
    const p = phones[i];
    if (!p) continue;
    // Drop the label with the number ("mob", "Meu zap", "Call me on") so it is not read as a product.
    const lm = PHONE_LABEL_BEFORE_RE.exec(body.slice(Math.max(0, p.index - 30), p.index));
    const start = lm ? p.index - lm[0].length : p.index;
    body = body.slice(0, start) + body.slice(p.end);
  }
  const lines = body.split('\n').slice(0, MAX_LINES).map((l) => l.replace(/[\s,;]+$/, '').trim());
  // Prepared only now: status updates and enquiries never look at the catalog.
  const catalog: PreparedCatalog | null = catalogArr && catalogArr.length ? prepareCatalog(catalogArr) : null;
  const ex = extract(body, catalog, lines);
  const wanted = ex.wantVerb || wantWord;
  // Items counted only by an article ("uma delícia", "a great meal") make an order only with a request verb.
  const strong = ex.items.filter((d) => d.strong && !(d.article && !wanted));

  if (!strong.length) return emptyResult(id, 'other', ex.items.length ? 0.6 : !/\d/.test(folded) && !wanted ? 0.93 : 0.8);
  if (!wanted && ((PRICE_Q_RE.test(folded) && !listed) || (isQuestion && AVAIL_Q_RE.test(folded)))) return emptyResult(id, 'other', 0.88);
  if (MEDIA_RE.test(firstLine) && !wanted && strong.length < 2) return emptyResult(id, 'other', 0.8);

  const items: ParsedItem[] = toItems(ex.items);
  let total = ex.total;
  if (total === null && items.length && items.every((it) => it.unitPrice !== null)) {
    total = round2(items.reduce((s, it) => s + it.quantity * (it.unitPrice ?? 0), 0));
  }
  const currencyToken = ex.totalCurrency ?? ex.firstCurrency ?? looseCurrency(text);
  const currency = resolveCurrency(currencyToken, bizCurrency);

  const name = ex.labelledName ? ex.name : agentName(text) ?? ex.name ?? (senderName ? senderName.trim() || null : null);
  const labelled = phones.find((p) => p.labelled);
  const phone = (labelled ?? phones[0])?.e164 ?? normalizePhone(senderPhone, country);

  const missing: MissingField[] = [];
  if (!ex.address && !ex.pickup) missing.push('address');
  if (!phone) missing.push('phone');
  if (!items.length) missing.push('items');

  const hasCatalog = Boolean(catalog && catalog.keys.length);
  const sum = items.length && items.every((it) => it.unitPrice !== null) ? items.reduce((s, it) => s + it.quantity * (it.unitPrice ?? 0), 0) : null;
  const doubts: OrderDoubts = {
    items: items.length,
    unmatched: hasCatalog ? ex.items.filter((d) => !d.sku).length : 0,
    loose: ex.items.filter((d) => d.sku && d.catalogScore < 0.9).length,
    uncounted: ex.items.filter((d) => !d.counted).length,
    freeText: ex.items.filter((d) => !d.sku).length,
    proseFree: ex.items.filter((d) => !d.sku && !d.fromList).length,
    unparsed: ex.unparsed,
    totalConflict: ex.total !== null && sum !== null && Math.abs(sum - ex.total) > 0.01,
    totalAgrees: ex.total !== null && sum !== null && Math.abs(sum - ex.total) <= 0.01,
    question: isQuestion,
    weak: ex.items.length - strong.length,
    noAddress: !ex.address && !ex.pickup,
    lines: lines.filter((l) => l.trim()).length,
    numberInName: ex.items.filter((d) => !d.sku && BARE_NUMBER_RE.test(d.name)).length,
    guessedName: Boolean(!ex.labelledName && ex.nameGuessed && name && senderName && !sharesWord(name, senderName)),
  };
  const confidence = orderConfidence(doubts);
  if (explain) {
    explain.doubts = doubts;
    // The same doubts as above, said per field: which line's product or count, the address, the total.
    const fields: FieldDoubt[] = [];
    ex.items.forEach((d, line) => {
      if (hasCatalog && !d.sku) fields.push({ field: 'item', line, reason: 'unmatched' });
      else if (d.sku && d.catalogScore < 0.9) fields.push({ field: 'item', line, reason: 'loose' });
      else if (!d.sku && !d.fromList) fields.push({ field: 'item', line, reason: 'prose' });
      else if (!d.strong) fields.push({ field: 'item', line, reason: 'weak' });
      if (!d.counted) fields.push({ field: 'quantity', line, reason: 'uncounted' });
    });
    if (doubts.noAddress) fields.push({ field: 'address', line: null, reason: 'no_address' });
    if (doubts.totalConflict) fields.push({ field: 'total', line: null, reason: 'total_conflict' });
    explain.fields = fields.slice(0, MAX_FIELD_DOUBTS);
    explain.itemTexts = ex.items.map((d) => (d.said ?? d.name).slice(0, 200));
  }

  return {
    id,
    intent: 'order',
    customer: { name, phone },
    address: ex.address,
    items,
    total,
    currency,
    notes: ex.notes.length ? ex.notes.join('; ') : null,
    status: null,
    orderRef: null,
    confidence,
    missing,
  };
}
