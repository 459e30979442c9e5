// The admin pages' shell: the merchant layout's head (CSP-safe htmx config, CSRF meta, app.js)
// with the admin navigation. Admin pages open no merchant websocket; the dashboard opens /admin/ws.
import Html from '@kitajs/html';
import type { AuthUser } from '../../auth/plugin.ts';

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

const NAV: Array<[string, string]> = [
  ['/admin/dashboard', 'System'],
  ['/admin/users', 'Users'],
  ['/admin/orders', 'All orders'],
  ['/admin/events', 'Events'],
];

export function AdminLayout(p: { title: string; user: AuthUser; csrf: string; active?: string; children?: JSX.Element | JSX.Element[] }): JSX.Element {
  return (
    <>
      {'<!doctype html>'}
      <html lang="en">
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <meta name="htmx-config" content={HTMX_CONFIG} />
          <meta name="csrf-token" content={p.csrf} />
          <title safe>{`${p.title} · Novi admin`}</title>
          <link rel="stylesheet" href="/static/app.css" />
          <link rel="stylesheet" href="/static/admin.css" />
          <script src="/vendor/htmx/htmx.min.js" defer></script>
          <script src="/vendor/htmx/ext/ws.js" defer></script>
          <script src="/static/app.js" defer></script>
        </head>
        <body class="admin">
          <header class="top">
            <a class="brand" href="/admin/dashboard">
              Novi <small>admin</small>
            </a>
            <nav>
              {NAV.map(([href, label]) => (
                <a href={href} class={p.active === href ? 'active' : ''}>
                  {label}
                </a>
              ))}
              <span class="muted" safe>{p.user.username}</span>
              <form method="post" action="/auth/logout" class="inline">
                <input type="hidden" name="_csrf" value={p.csrf} />
                <button type="submit" class="link">
                  Sign out
                </button>
              </form>
            </nav>
          </header>
          <div id="flash" aria-live="polite"></div>
          <main>{p.children ?? ''}</main>
        </body>
      </html>
    </>
  );
}

export { Html };
