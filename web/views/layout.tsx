// Page shell and shared bits. Every dynamic text goes through `safe` (children) or an
// attribute (kitajs escapes attribute values), so a WhatsApp name or message is never markup.
import Html from '@kitajs/html';
import type { AuthUser } from '../auth/plugin.ts';

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

const NAV: Array<[string, string]> = [
  ['/dashboard', 'Dashboard'],
  ['/orders', 'Orders'],
  ['/customers', 'Customers'],
  ['/business', 'Businesses'],
  ['/whatsapp', 'WhatsApp'],
  ['/export', 'Export'],
  ['/staff', 'Staff'],
  ['/deliveries', 'Deliveries'],
];

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
      <html lang="en">
        <PageHead title={`${p.title} · Novi`} csrf={p.csrf ?? ''} extra={p.head} />
        <body {...(p.user ? { 'hx-ext': 'ws', 'ws-connect': '/ws' } : {})}>
          <header class="top">
            <a class="brand" href="/">Novi</a>
            {p.user ? (
              <nav>
                {NAV.map(([href, label]) => (
                  <a href={href} class={p.active === href ? 'active' : ''}>
                    {label}
                  </a>
                ))}
                <form method="post" action="/auth/logout" class="inline">
                  <input type="hidden" name="_csrf" value={p.csrf ?? ''} />
                  <button type="submit" class="link">
                    Sign out
                  </button>
                </form>
              </nav>
            ) : (
              <nav>
                <a href="/login">Sign in</a>
                <a href="/register">Sign up</a>
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
          Someone else changed this order — <a href="">reload</a> to see the latest version.
        </span>
      ) : (
        <span safe>{p.message}</span>
      )}
    </div>
  );
}

export function ErrorPage(p: { message: string; status: number; user: AuthUser | null }): JSX.Element {
  return (
    <Layout title={`Error ${p.status}`} user={p.user}>
      <section class="card">
        <h1 safe>{p.status === 404 ? 'Not found' : `Something went wrong (${p.status})`}</h1>
        <p safe>{p.message}</p>
        <p>
          <a href="/dashboard">Back to the dashboard</a>
        </p>
      </section>
    </Layout>
  );
}

export const Csrf = (p: { token: string }): JSX.Element => <input type="hidden" name="_csrf" value={p.token} />;

export function money(amount: number | null, currency: string | null): string {
  if (amount === null) return '—';
  const formatted = amount.toLocaleString('en', { minimumFractionDigits: 0, maximumFractionDigits: 2 });
  return currency ? `${currency} ${formatted}` : formatted;
}

export const statusLabel = (s: string): string => s.replace(/_/g, ' ');

export const StatusBadge = (p: { status: string }): JSX.Element => (
  <span class={`badge s-${p.status}`} safe>
    {statusLabel(p.status)}
  </span>
);

export const when = (iso: string): string => iso.slice(0, 16).replace('T', ' ');

export { Html };
