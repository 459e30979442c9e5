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

export function findPhones(text: string, country: string | null): PhoneHit[] {
  const out: PhoneHit[] = [];
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
    const p = intl ? parsePhoneNumberFromString(src) : cc ? parsePhoneNumberFromString(src, cc) : undefined;
    if (!p) continue;
    const ok = p.isValid() || (p.isPossible() && (labelled || intl || digits.length >= 10));
    if (!ok) continue;
    out.push({ index: m.index, end: m.index + raw.length, e164: p.number, labelled });
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
  return p ? p.number : null;
}
