// Page shell and shared bits. Every dynamic text goes through `safe` (children) or an
// attribute (kitajs escapes attribute values), so a WhatsApp name or message is never markup.
import Html from '@kitajs/html';
import type { AuthUser } from '../auth/plugin.ts';
import { LANGUAGES, current, dateTime, lang, money as intlMoney, t, type MessageKey } from '../i18n/index.ts';

const HTMX_CONFIG = JSON.stringify({
  includeIndicatorStyles: false,
  allowEval: false,
  allowScriptTags: false,
  responseHandling: [
    { code: '204', swap: false },
    { code: '[23]..', swap: true },
    { code: '[45]..', swap: true, error: true },
  ],
});

export interface PageProps {
  title: string;
  user: AuthUser | null;
  csrf?: string;
  active?: string;
  head?: JSX.Element;
  children?: JSX.Element | JSX.Element[];
}

const NAV: Array<[string, MessageKey]> = [
  ['/dashboard', 'nav.dashboard'],
  ['/orders', 'nav.orders'],
  ['/customers', 'nav.customers'],
  ['/business', 'nav.businesses'],
  ['/whatsapp', 'nav.whatsapp'],
  ['/export', 'nav.export'],
  ['/staff', 'nav.staff'],
  ['/deliveries', 'nav.deliveries'],
];

/** The strings static scripts show (web/static/*.js read them from <body data-i18n>). */
const SCRIPT_KEYS: MessageKey[] = [
  'chart.orders', 'chart.revenue', 'chart.revenueIn', 'chart.day', 'chart.hour', 'chart.product', 'orders.colStatus', 'dash.alertsOn', 'dash.alertsOff', 'dash.newOrder',
  'status.pending', 'status.confirmed', 'status.processing', 'status.out_for_delivery', 'status.delivered', 'status.cancelled', 'status.needs_review',
];
const scriptStrings = (): string => JSON.stringify(Object.fromEntries(SCRIPT_KEYS.map((k) => [k, t(k)])));

/** The account menu: who is signed in, the UI language (POST /account/language), sign out. */
export function AccountMenu(p: { user: AuthUser; csrf: string }): JSX.Element {
  return (
    <details class="account-menu" id="account-menu">
      <summary safe>{p.user.username}</summary>
      <div class="menu">
        <form method="post" action="/account/language" class="stack" id="language-form">
          <input type="hidden" name="_csrf" value={p.csrf} />
          <label>
            {t('nav.language')}
            <select name="language" lang="">
              {LANGUAGES.map((l) => (
                <option value={l} selected={lang() === l} lang={l}>
                  {t(`lang.${l}`)}
                </option>
              ))}
            </select>
          </label>
          <button type="submit" data-save-language>
            {t('nav.save')}
          </button>
        </form>
        <form method="post" action="/auth/logout" class="inline">
          <input type="hidden" name="_csrf" value={p.csrf} />
          <button type="submit" class="link">
            {t('nav.signOut')}
          </button>
        </form>
      </div>
    </details>
  );
}

/** The <head> every page shares (merchant and admin): CSP-safe htmx config, CSRF meta, no inline script. */
export function PageHead(p: { title: string; csrf: string; extra?: JSX.Element | undefined }): JSX.Element {
  return (
    <head>
      <meta charset="utf-8" />
      <meta name="viewport" content="width=device-width, initial-scale=1" />
      <meta name="htmx-config" content={HTMX_CONFIG} />
      <meta name="csrf-token" content={p.csrf} />
      <title safe>{p.title}</title>
      <link rel="stylesheet" href="/static/app.css" />
      <script src="/vendor/htmx/htmx.min.js" defer></script>
      <script src="/vendor/htmx/ext/ws.js" defer></script>
      <script src="/static/app.js" defer></script>
      {p.extra ?? ''}
    </head>
  );
}

export function Layout(p: PageProps): JSX.Element {
  return (
    <>
      {'<!doctype html>'}
      <html lang={lang()}>
        <PageHead title={`${p.title} · Novi`} csrf={p.csrf ?? ''} extra={p.head} />
        <body data-lang={lang()} data-locale={current().locale} data-i18n={scriptStrings()} {...(p.user ? { 'hx-ext': 'ws', 'ws-connect': '/ws' } : {})}>
          <header class="top">
            <a class="brand" href="/">Novi</a>
            {p.user ? (
              <nav>
                {NAV.map(([href, label]) => (
                  <a href={href} class={p.active === href ? 'active' : ''}>
                    {t(label)}
                  </a>
                ))}
                <AccountMenu user={p.user} csrf={p.csrf ?? ''} />
              </nav>
            ) : (
              <nav>
                <a href="/login">{t('nav.signIn')}</a>
                <a href="/register">{t('nav.signUp')}</a>
              </nav>
            )}
          </header>
          <div id="flash" aria-live="polite"></div>
          <main>{p.children ?? ''}</main>
        </body>
      </html>
    </>
  );
}

export function ErrorFragment(p: { message: string; status: number }): JSX.Element {
  const stale = p.status === 412;
  return (
    <div class="flash error" role="alert">
      {stale ? (
        <span>
          {t('error.stale')} <a href="">{t('error.reload')}</a> {t('error.staleTail')}
        </span>
      ) : (
        <span safe>{p.message}</span>
      )}
    </div>
  );
}

export function ErrorPage(p: { message: string; status: number; user: AuthUser | null }): JSX.Element {
  return (
    <Layout title={t('error.title', { status: p.status })} user={p.user}>
      <section class="card">
        <h1 safe>{p.status === 404 ? t('error.notFound') : t('error.wrong', { status: p.status })}</h1>
        <p safe>{p.message}</p>
        <p>
          <a href="/dashboard">{t('error.back')}</a>
        </p>
      </section>
    </Layout>
  );
}

export const Csrf = (p: { token: string }): JSX.Element => <input type="hidden" name="_csrf" value={p.token} />;

/** Money in the business country's conventions (web/i18n). */
export const money = (amount: number | null, currency: string | null): string => intlMoney(amount, currency);

const STATUS_KEYS = new Set(['pending', 'confirmed', 'processing', 'out_for_delivery', 'delivered', 'cancelled', 'needs_review']);
export const statusLabel = (s: string): string => (STATUS_KEYS.has(s) ? t(`status.${s}` as MessageKey) : s.replace(/_/g, ' '));

export const StatusBadge = (p: { status: string }): JSX.Element => (
  <span class={`badge s-${p.status}`} safe>
    {statusLabel(p.status)}
  </span>
);

/** A moment in the business's time zone and conventions (web/i18n). */
export const when = (iso: string): string => dateTime(iso);

export { Html };
