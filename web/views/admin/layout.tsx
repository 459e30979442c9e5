// The admin pages' shell: the merchant layout's head (CSP-safe htmx config, CSRF meta, app.js)
// with the admin navigation. Admin pages open no merchant websocket; the dashboard opens /admin/ws.
import Html from '@kitajs/html';
import type { AuthUser } from '../../auth/plugin.ts';
import { PageHead } from '../layout.tsx';

const NAV: Array<[string, string]> = [
  ['/admin/dashboard', 'System'],
  ['/admin/users', 'Users'],
  ['/admin/orders', 'All orders'],
  ['/admin/events', 'Events'],
  ['/admin/parked', 'Parked'],
  ['/admin/admins', 'Admins'],
];

export function AdminLayout(p: { title: string; user: AuthUser; csrf: string; active?: string; children?: JSX.Element | JSX.Element[] }): JSX.Element {
  return (
    <>
      {'<!doctype html>'}
      <html lang="en">
        <PageHead title={`${p.title} · Novi admin`} csrf={p.csrf} extra={<link rel="stylesheet" href="/static/admin.css" />} />
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
