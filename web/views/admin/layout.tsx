// The admin pages' shell: the merchant layout's head (CSP-safe htmx config, CSRF meta, app.js)
// with the admin navigation. Admin pages open no merchant websocket; the dashboard opens /admin/ws.
import Html from '@kitajs/html';
import type { AuthUser } from '../../auth/plugin.ts';
import { AccountMenu, PageHead } from '../layout.tsx';
import { lang, t, type MessageKey } from '../../i18n/index.ts';

const NAV: Array<[string, MessageKey]> = [
  ['/admin/dashboard', 'admin.system'],
  ['/admin/users', 'admin.users'],
  ['/admin/orders', 'admin.orders'],
  ['/admin/events', 'admin.events'],
  ['/admin/parked', 'admin.parked'],
  ['/admin/admins', 'admin.admins'],
];

export function AdminLayout(p: { title: string; user: AuthUser; csrf: string; active?: string; children?: JSX.Element | JSX.Element[] }): JSX.Element {
  return (
    <>
      {'<!doctype html>'}
      <html lang={lang()}>
        <PageHead title={`${p.title} · Novi admin`} csrf={p.csrf} extra={<link rel="stylesheet" href="/static/admin.css" />} />
        <body class="admin">
          <header class="top">
            <a class="brand" href="/admin/dashboard">
              Novi <small>{t('admin.brand')}</small>
            </a>
            <nav>
              {NAV.map(([href, label]) => (
                <a href={href} class={p.active === href ? 'active' : ''}>
                  {t(label)}
                </a>
              ))}
              <AccountMenu user={p.user} csrf={p.csrf} />
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
