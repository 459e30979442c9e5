// Languages of the web UI (docs/architecture.md, "Languages of the web UI"): message catalogs per
// language (en.ts is the shape; es.ts and pt.ts are typed as it, so a missing key fails `tsc`),
// a `t(key, vars)` bound to the request's locale, and Intl helpers for numbers, money and dates
// formatted for the business's country. The request's locale is resolved once per request
// (web/i18n/plugin.ts) and every route handler runs inside it (AsyncLocalStorage), so views call
// `t()` without threading a prop through every component; `req.i18n` is the same object.
import { AsyncLocalStorage } from 'node:async_hooks';
import { LANGUAGES, type Language } from '../../src/events/catalog.ts';
import { timezoneForCountry } from '../../projections/shared.ts';
import { en, type Messages } from './en.ts';
import { es } from './es.ts';
import { pt } from './pt.ts';

export type { Language };
export { LANGUAGES };
export type MessageKey = keyof Messages;
export const catalogs: Record<Language, Messages> = { en, es, pt };

export interface I18n {
  lang: Language;
  /** BCP 47 tag for Intl: the UI language with the business's country (pt-BR, es-MX, en-NG). */
  locale: string;
  /** The business's country (ISO 3166-1 alpha-2), when the signed-in user has a business. */
  country: string | null;
  /** The business's IANA time zone (from its country; UTC without one). */
  timeZone: string;
  t: (key: MessageKey, vars?: Record<string, string | number>) => string;
}

/** A language per country for the fallback when neither the user nor the browser chose one. */
const SPANISH = new Set(['ES', 'MX', 'AR', 'CO', 'CL', 'PE', 'VE', 'EC', 'GT', 'CU', 'BO', 'DO', 'HN', 'PY', 'SV', 'NI', 'CR', 'PA', 'UY', 'GQ', 'PR']);
const PORTUGUESE = new Set(['BR', 'PT', 'AO', 'MZ', 'CV', 'GW', 'ST', 'TL']);
export function languageForCountry(country: string | null | undefined): Language | null {
  if (!country) return null;
  if (SPANISH.has(country)) return 'es';
  if (PORTUGUESE.has(country)) return 'pt';
  return null;
}

export const isLanguage = (v: unknown): v is Language => typeof v === 'string' && (LANGUAGES as readonly string[]).includes(v);

/** The best of our languages in an Accept-Language header (q-values honoured), or null. */
export function fromAcceptLanguage(header: string | undefined): Language | null {
  if (!header) return null;
  const ranked = header
    .slice(0, 500)
    .split(',')
    .map((part, i) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.map((p) => /^\s*q=([0-9.]+)\s*$/.exec(p)?.[1]).find((v) => v !== undefined);
      return { lang: tag.trim().toLowerCase().split('-')[0] ?? '', q: q === undefined ? 1 : Number(q), i };
    })
    .filter((x) => x.q > 0 && Number.isFinite(x.q))
    .sort((a, b) => b.q - a.q || a.i - b.i);
  for (const r of ranked) if (isLanguage(r.lang)) return r.lang;
  return null;
}

/** The request's language: the user's setting, else the browser's, else the business country's, else en. */
export function resolveLanguage(p: { userLanguage?: Language | null | undefined; acceptLanguage?: string | undefined; country?: string | null | undefined }): Language {
  return p.userLanguage ?? fromAcceptLanguage(p.acceptLanguage) ?? languageForCountry(p.country) ?? 'en';
}

const intlLocale = (lang: Language, country: string | null): string => {
  if (!country) return lang;
  const tag = `${lang}-${country}`;
  try {
    return Intl.NumberFormat.supportedLocalesOf([tag]).length > 0 ? tag : lang;
  } catch {
    return lang;
  }
};

/** Fills `{name}` placeholders; an unknown placeholder stays visible rather than vanishing. */
export function format(template: string, vars?: Record<string, string | number>): string {
  if (!vars) return template;
  return template.replace(/\{(\w+)\}/g, (m, k: string) => (k in vars ? String(vars[k]) : m));
}

export function makeI18n(lang: Language, country: string | null = null): I18n {
  const messages = catalogs[lang];
  return { lang, country, timeZone: country ? timezoneForCountry(country) : 'UTC', locale: intlLocale(lang, country), t: (key, vars) => format(messages[key] ?? en[key], vars) };
}

const ENGLISH = makeI18n('en');
export const store = new AsyncLocalStorage<I18n>();

/** The current request's language bundle (English outside a request, e.g. in unit tests). */
export const current = (): I18n => store.getStore() ?? ENGLISH;
export const t = (key: MessageKey, vars?: Record<string, string | number>): string => current().t(key, vars);
export const lang = (): Language => current().lang;

/** A number in the business's country's conventions. */
export function num(n: number, opts: Intl.NumberFormatOptions = {}): string {
  return new Intl.NumberFormat(current().locale, { maximumFractionDigits: 2, ...opts }).format(n);
}

/** Money for the business's country: its symbol, separators and the currency's decimals (like receipts). */
export function money(amount: number | null, currency: string | null): string {
  if (amount === null) return '—';
  const { locale } = current();
  if (!currency) return num(amount);
  try {
    return new Intl.NumberFormat(locale, { style: 'currency', currency }).format(amount);
  } catch {
    return `${currency} ${num(amount)}`;
  }
}

/** A date and time in the business's conventions (and its time zone when given). */
export function dateTime(iso: string | Date | null, timeZone?: string | null): string {
  if (iso === null) return '—';
  const d = typeof iso === 'string' ? new Date(iso) : iso;
  if (Number.isNaN(d.getTime())) return '—';
  const opts: Intl.DateTimeFormatOptions = { dateStyle: 'medium', timeStyle: 'short', timeZone: timeZone ?? current().timeZone };
  try {
    return new Intl.DateTimeFormat(current().locale, opts).format(d);
  } catch {
    return new Intl.DateTimeFormat(current().locale, { dateStyle: 'medium', timeStyle: 'short' }).format(d);
  }
}

/** A calendar date alone. */
export function dateOnly(iso: string | Date | null, timeZone?: string | null): string {
  if (iso === null) return '—';
  const d = typeof iso === 'string' ? new Date(iso) : iso;
  if (Number.isNaN(d.getTime())) return '—';
  return new Intl.DateTimeFormat(current().locale, { dateStyle: 'medium', timeZone: timeZone ?? current().timeZone }).format(d);
}

/** The plural category of a count in the current language ('one', 'other', …). */
export const plural = (n: number): Intl.LDMLPluralRule => new Intl.PluralRules(current().lang).select(n);
