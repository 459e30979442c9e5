// Admin user list rows and the all-orders table.
import { num, t } from '../../i18n/index.ts';
import type { AdminUserJson } from '../../../src/accounts/admin.ts';
import type { BusinessJson, OrderJson } from '../../lib/queries.ts';
import { Csrf, money, StatusBadge, when } from '../layout.tsx';

export function UserRow(p: { u: AdminUserJson; csrf: string; self: boolean }): JSX.Element {
  const u = p.u;
  return (
    <tr id={`user-row-${u.id}`} class={u.active ? 'user-row' : 'user-row inactive'} data-active={String(u.active)}>
      <td safe>{u.username}</td>
      <td class="hide-sm" safe>{u.email}</td>
      <td safe>{t(`userRole.${u.role}`)}</td>
      <td class="num hide-sm" safe>{num(u.businesses)}</td>
      <td>
        <span class={`badge ${u.active ? 's-delivered' : 's-cancelled'}`}>{u.active ? t('adm.active') : t('adm.disabled')}</span>
      </td>
      <td>
        {p.self ? (
          <span class="muted">{t('adm.you')}</span>
        ) : (
          <form method="post" action={`/admin/users/${u.id}/toggle`} hx-post={`/admin/users/${u.id}/toggle`} hx-target={`#user-row-${u.id}`} hx-swap="outerHTML" class="inline">
            <Csrf token={p.csrf} />
            <button type="submit" class={u.active ? 'danger' : ''} data-action="toggle">
              {u.active ? t('adm.deactivate') : t('adm.reactivate')}
            </button>
          </form>
        )}
      </td>
      <td class="hide-sm">
        <a href={`/admin/events?stream=user-${u.id}`}>{t('adm.history')}</a>
      </td>
    </tr>
  );
}

export function UsersTable(p: { users: AdminUserJson[]; csrf: string; selfId: string }): JSX.Element {
  return (
    <div id="users-results">
      <p class="muted" safe>{t('adm.usersCount', { count: num(p.users.length) })}</p>
      <table class="users">
        <thead>
          <tr>
            <th>{t('adm.username')}</th>
            <th class="hide-sm">{t('adm.email')}</th>
            <th>{t('adm.role')}</th>
            <th class="num hide-sm">{t('adm.businesses')}</th>
            <th>{t('adm.status')}</th>
            <th></th>
            <th class="hide-sm"></th>
          </tr>
        </thead>
        <tbody>
          {p.users.map((u) => (
            <UserRow u={u} csrf={p.csrf} self={u.id === p.selfId} />
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function AdminOrdersTable(p: {
  orders: OrderJson[];
  businesses: Map<string, BusinessJson>;
  pagination: { page: number; pages: number; total: number };
  query: Record<string, string>;
}): JSX.Element {
  const link = (page: number) => `/admin/orders?${new URLSearchParams({ ...p.query, page: String(page) }).toString()}`;
  return (
    <div id="orders-results">
      <p class="muted" safe>{t('adm.ordersCount', { count: num(p.pagination.total) })}</p>
      <table class="orders">
        <thead>
          <tr>
            <th>#</th>
            <th>{t('adm.business')}</th>
            <th>{t('adm.customer')}</th>
            <th class="num">{t('adm.total')}</th>
            <th>{t('adm.status')}</th>
            <th class="hide-sm">{t('adm.placed')}</th>
            <th></th>
          </tr>
        </thead>
        <tbody>
          {p.orders.map((o) => (
            <tr id={`admin-order-${o.id}`}>
              <td>
                <a href={`/orders/${o.id}`}>#{String(o.number)}</a>
              </td>
              <td safe>{p.businesses.get(o.businessId)?.name ?? o.businessId}</td>
              <td safe>{o.customerName ?? o.customerPhone ?? '—'}</td>
              <td class="num" safe>{money(o.totalAmount, o.currency)}</td>
              <td>
                <StatusBadge status={o.status} />
              </td>
              <td class="hide-sm" safe>{when(o.createdAt)}</td>
              <td>
                <a href={`/admin/orders/${o.id}/timeline`} class="timeline-link">
                  {t('adm.timeline')}
                </a>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <nav class="pager">
        {p.pagination.page > 1 ? <a href={link(p.pagination.page - 1)}>{t('adm.newer')}</a> : ''}
        <span safe>{t('adm.page', { page: num(p.pagination.page), pages: num(p.pagination.pages) })}</span>
        {p.pagination.page < p.pagination.pages ? <a href={link(p.pagination.page + 1)}>{t('adm.older')}</a> : ''}
      </nav>
    </div>
  );
}
