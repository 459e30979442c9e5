// Phone numbers written in a message, read with the business country and returned as E.164.
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';

/** A run that may be a phone number: optional +, digits with spaces, dots, dashes or brackets. Bounded length. */
const CANDIDATE_RE = /(?<![\p{L}\d+])(?:\+|00)?\(?\d[\d \t().\-\u00a0]{5,20}\d(?![\p{L}\d])/gu;
const LABEL_RE =
  /(?:phone|ph|tel|tele?fone|tel[eé]fono|mobile|mob|cell?|celular|contact|contacto|contato|whats(?:app)?|wa|zap|n[uú]mero|number|call|ligar|llamar|📞|☎️?|📱)\W{0,4}$/iu;

export interface PhoneHit {
  index: number;
  end: number;
  e164: string;
  labelled: boolean;
}

const E164_RE = /^\+\d{6,15}$/;

/** libphonenumber is the costliest step of a parse; the same numbers come back, so results are memoised. */
const parsedCache = new Map<string, string | null>();

function parseCached(src: string, intl: boolean, cc: CountryCode | undefined, labelled: boolean, digits: number): string | null {
  const key = `${intl ? '' : cc ?? ''}|${labelled || intl || digits >= 10 ? 1 : 0}|${src}`;
  const hit = parsedCache.get(key);
  if (hit !== undefined) return hit;
  const p = intl ? parsePhoneNumberFromString(src) : cc ? parsePhoneNumberFromString(src, cc) : undefined;
  // A valid number is always a possible one, so when possibility suffices the costlier validity check is skipped.
  const ok = p ? (labelled || intl || digits >= 10 ? p.isPossible() || p.isValid() : p.isValid()) : false;
  // E.164 has at most 15 digits: a run that only "parses" by gluing a price onto a number ("0803 412 77897.500") is not one.
  const e164 = p && ok && E164_RE.test(p.number) ? p.number : null;
  if (parsedCache.size >= 10_000) parsedCache.clear();
  parsedCache.set(key, e164);
  return e164;
}

/** True when the text holds at least `n` digits in total (a phone needs 7): most messages fail fast. */
function hasDigits(text: string, n: number): boolean {
  let c = 0;
  for (let i = 0; i < text.length; i++) {
    const k = text.charCodeAt(i);
    if (k >= 48 && k <= 57 && ++c >= n) return true;
  }
  return false;
}

export function findPhones(text: string, country: string | null): PhoneHit[] {
  const out: PhoneHit[] = [];
  if (!hasDigits(text, 7)) return out;
  const cc = country && /^[A-Za-z]{2}$/.test(country) ? (country.toUpperCase() as CountryCode) : undefined;
  CANDIDATE_RE.lastIndex = 0;
  let m: RegExpExecArray | null;
  let guard = 0;
  while ((m = CANDIDATE_RE.exec(text)) !== null && guard++ < 50) {
    const raw = m[0];
    const digits = raw.replace(/\D/g, '');
    if (digits.length < 7 || digits.length > 15) continue;
    // Prices like "1.299,90" never reach here (commas stop the run); a run of dotted groups is a price, not a phone.
    if (/^\d{1,3}(\.\d{3})+$/.test(raw)) continue;
    const before = text.slice(Math.max(0, m.index - 24), m.index);
    const labelled = LABEL_RE.test(before);
    const intl = raw.startsWith('+') || raw.startsWith('00');
    const src = raw.startsWith('00') ? '+' + raw.slice(2) : raw;
    const e164 = parseCached(src, intl, cc, labelled, digits.length);
    if (!e164) {
      // "hse 12. 0710 223 344": a house number ran into the phone; the number is the part that opens with 0 or +.
      const tail = /^\d{1,4}\.?\s+((?:\+|0)\d[\d \t().-]{5,20}\d)$/.exec(raw);
      const t = tail?.[1];
      if (t && !intl) {
        const off = raw.length - t.length;
        const e2 = parseCached(t, t.startsWith('+'), cc, labelled, t.replace(/\D/g, '').length);
        if (e2) out.push({ index: m.index + off, end: m.index + raw.length, e164: e2, labelled });
      }
      continue;
    }
    out.push({ index: m.index, end: m.index + raw.length, e164, labelled });
  }
  return out;
}

/** Normalises a phone already given in structured data (sender.phone) to E.164 when possible. */
export function normalizePhone(raw: string | null | undefined, country: string | null): string | null {
  if (!raw || typeof raw !== 'string') return null;
  const t = raw.trim();
  if (/^\+\d{6,15}$/.test(t)) return t;
  const cc = country && /^[A-Za-z]{2}$/.test(country) ? (country.toUpperCase() as CountryCode) : undefined;
  const p = t.startsWith('+') ? parsePhoneNumberFromString(t) : cc ? parsePhoneNumberFromString(t, cc) : undefined;
  return p && E164_RE.test(p.number) ? p.number : null;
}
