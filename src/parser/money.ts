// Finding amounts of money in text and the currency they are written in.
import { fold } from './text.ts';
import { parseNumberToken } from './numbers.ts';

const DOLLAR_OR_PESO = new Set([
  'USD', 'CAD', 'AUD', 'NZD', 'SGD', 'HKD', 'JMD', 'TTD', 'BBD', 'BSD', 'BZD', 'LRD', 'NAD', 'FJD', 'GYD', 'SRD', 'TWD',
  'MXN', 'COP', 'ARS', 'CLP', 'UYU', 'DOP', 'CUP', 'PHP', 'BOB',
]);
const PESO = new Set(['MXN', 'COP', 'ARS', 'CLP', 'UYU', 'DOP', 'CUP', 'PHP']);

/**
 * Prefix symbols and codes, longest first so "R$" wins over "R" and "MX$" over "$".
 * "R" alone (rand) is only a currency right before a digit.
 */
const PREFIX_SRC =
  'R\\$|MX\\$|US\\$|GH₵|GH¢|KSh\\.?|Ksh\\.?|KSH|Kshs\\.?|TSh\\.?|TSH|Tsh\\.?|USh\\.?|UGX|TZS|PKR|CVE|NGN|INR|KES|USD|GBP|EUR|BRL|MXN|ZAR|GHS|EGP|PHP|Php|AOA|MZN|E£|L\\.E\\.?|LE(?=\\s?\\d)|Kz(?=\\s?\\d)|S\\/\\.?(?=\\s?\\d)|Rs\\.?|RS\\.?|₹|₦|₵|₱|\\$|£|€|R(?=\\s?\\d)';
const SUFFIX_SRC =
  'naira|rupees?|bob|shillings?|bob|pesos?|reais|real|cedis?|rand|euros?|pounds?|quid|dollars?|bucks|ngn|inr|kes|usd|gbp|eur|brl|mxn|zar|ghs|€|kwanzas?|meticais|metical|Kz|KZ|kz|MT|Mt|MZN|AOA|EGP|egp|L\\.E\\.?|LE|PHP|php|₱|soles|PEN|escudos?|CVE|cve|UGX|ugx|TZS|tzs|PKR|pkr|TSh|tsh';

/**
 * One amount: optional prefix, a number (digits with , or . groups, or a space group right after a
 * prefix), an optional "k", an optional currency word. Every repetition is anchored on a separator,
 * so there is no overlapping quantifier to backtrack over.
 */
export const MONEY_RE = new RegExp(
  `(?<![\\p{L}\\d])(?:(${PREFIX_SRC})\\s?)?(\\d{1,2}(?:,\\d{2})+,\\d{3}(?:\\.\\d{1,2})?|\\d{1,3}(?:[.,]\\d{3})+(?:[.,]\\d{1,2})?|\\d+(?:[.,]\\d+)?)(?:\\s(\\d{3})(?![\\d.,]))?(k|K)?(?![\\p{L}\\d])(?:\\s?(${SUFFIX_SRC})(?![\\p{L}]))?(?:\\s?(\\/[-=]))?`,
  'gu',
);

export interface MoneyHit {
  index: number;
  end: number;
  value: number;
  /** ISO code when the text names one ("₦", "reais"); "$" resolves later against the business. */
  currencyToken: string | null;
  /** Written with a symbol, code, currency word or "k": unmistakably an amount, not a count. */
  marked: boolean;
}

export function findMoney(text: string): MoneyHit[] {
  const out: MoneyHit[] = [];
  MONEY_RE.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = MONEY_RE.exec(text)) !== null) {
    const prefix = m[1] ?? null;
    let numStr = m[2] ?? '';
    const spaceGroup = m[3];
    const k = m[4];
    const suffix = m[5] ?? null;
    // "90/-", "300/=": the South Asian and East African way of writing a whole amount.
    const slash = Boolean(m[6]);
    let end = m.index + m[0].length;
    if (spaceGroup) {
      // "7 500" only reads as one amount right after a currency prefix; otherwise give the group back.
      if (prefix && numStr.length <= 3 && /^\d+$/.test(numStr)) numStr += spaceGroup;
      else {
        end = m.index + m[0].indexOf(spaceGroup) - 1;
        MONEY_RE.lastIndex = end;
      }
    }
    let value = parseNumberToken(numStr);
    if (value === null) continue;
    if (k && !(spaceGroup && !prefix)) value *= 1000;
    const cur = prefix ? prefixCurrency(prefix) : suffix ? suffixCurrency(suffix) : null;
    out.push({
      index: m.index,
      end,
      value,
      currencyToken: cur,
      marked: Boolean(prefix || suffix || slash || (k && !(spaceGroup && !prefix))),
    });
  }
  return out;
}

function prefixCurrency(p: string): string {
  const s = p.replace(/\.$/, '');
  switch (s) {
    case 'R$': return 'BRL';
    case 'MX$': return 'MXN';
    case 'US$': return 'USD!';
    case 'GH₵': case 'GH¢': case '₵': return 'GHS';
    case 'KSh': case 'Ksh': case 'KSH': case 'Kshs': return 'KES';
    case 'Rs': case 'RS': case '₹': return 'INR';
    case '₦': return 'NGN';
    case '£': return 'GBP';
    case '€': return 'EUR';
    case '₱': case 'Php': return 'PHP';
    case 'E£': case 'LE': case 'L.E': return 'EGP';
    case 'Kz': return 'AOA';
    case 'S/': return 'PEN';
    case 'TSh': case 'TSH': case 'Tsh': return 'TZS';
    case 'USh': return 'UGX';
    case '$': return '$';
    case 'R': return 'ZAR';
    default: return s.toUpperCase();
  }
}

function suffixCurrency(w: string): string {
  const s = fold(w);
  if (s === 'naira') return 'NGN';
  if (s.startsWith('rupee')) return 'INR';
  if (s === 'bob' || s.startsWith('shilling')) return 'KES';
  if (s.startsWith('peso')) return 'PESO';
  if (s === 'reais' || s === 'real') return 'BRL';
  if (s.startsWith('cedi')) return 'GHS';
  if (s === 'rand') return 'ZAR';
  if (s.startsWith('euro') || s === '€') return 'EUR';
  if (s.startsWith('pound') || s === 'quid') return 'GBP';
  if (s.startsWith('dollar') || s === 'bucks') return '$';
  if (s === 'kz' || s.startsWith('kwanza')) return 'AOA';
  if (s === 'mt' || s.startsWith('metica')) return 'MZN';
  if (s === 'le' || s === 'l.e' || s === 'l.e.') return 'EGP';
  if (s === '₱') return 'PHP';
  if (s === 'soles') return 'PEN';
  if (s.startsWith('escudo')) return 'CVE';
  if (s === 'tsh') return 'TZS';
  return s.toUpperCase();
}

/** Turns a currency token from the text into an ISO code, applying the "$ means the local dollar/peso" rule. */
export function resolveCurrency(token: string | null, businessCurrency: string | null): string | null {
  const biz = businessCurrency ? businessCurrency.toUpperCase() : null;
  if (!token) return biz;
  if (token === '$') return biz && DOLLAR_OR_PESO.has(biz) ? biz : 'USD';
  if (token === 'USD!') return 'USD';
  if (token === 'PESO') return biz && PESO.has(biz) ? biz : 'MXN';
  return token;
}

/** Currency words or symbols that appear without an amount next to them ("pay in naira"). */
const LOOSE_CURRENCY_RE = /(?<![\p{L}])(?:(naira|rupees|reais|cedis|rand|pesos|shillings|NAIRA|RUPEES|REAIS|PESOS)(?![\p{L}])|(₦|₹|₱|R\$|MX\$|GH₵|KSh|Ksh|£|€)(?![\p{L}]))/u;

export function looseCurrency(text: string): string | null {
  const m = LOOSE_CURRENCY_RE.exec(text);
  if (!m) return null;
  if (m[1]) return suffixCurrency(m[1]);
  return prefixCurrency(m[2] ?? m[0]);
}
