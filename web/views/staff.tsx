// Staff pages: members and invitations of a business, the invitations waiting for me, the rider
// panel of an order page and the rider's own list. Every name and address is escaped (`safe`).
import { dateOnly, t } from '../i18n/index.ts';
import Html from '@kitajs/html';
import { MEMBER_ROLES, type MemberRole } from '../../src/events/catalog.ts';
import type { BusinessJson } from '../lib/queries.ts';
import type { DeliveryJson, InvitationJson, MemberJson } from '../lib/staff.ts';
import { Csrf, StatusBadge } from './layout.tsx';

void Html;

const roleLabel = (r: MemberRole): string => t(`role.${r}`);
const roleName = (r: string): string => ((MEMBER_ROLES as readonly string[]).includes(r) ? t(`roleName.${r as MemberRole}`) : r);

function RoleSelect(p: { name: string; selected?: MemberRole }): JSX.Element {
  return (
    <select name={p.name}>
      {MEMBER_ROLES.map((r) => (
        <option value={r} selected={p.selected === r}>
          {roleLabel(r)}
        </option>
      ))}
    </select>
  );
}

export function MyInvitations(p: { invitations: InvitationJson[]; csrf: string }): JSX.Element {
  if (p.invitations.length === 0) return <></>;
  return (
    <section class="card" id="my-invitations">
      <h2>{t('staff.invitationsForYou')}</h2>
      <ul>
        {p.invitations.map((i) => (
          <li>
            <span safe>{i.businessName ?? t('staff.aBusiness')}</span> {t('staff.invitesYou')} <strong safe>{roleName(i.role)}</strong>{' '}
            <form method="post" action={`/invitations/${i.id}/accept`} class="inline">
              <Csrf token={p.csrf} />
              <button type="submit">{t('staff.accept')}</button>
            </form>
          </li>
        ))}
      </ul>
    </section>
  );
}

export function BusinessStaff(p: { business: BusinessJson; members: MemberJson[]; invitations: InvitationJson[]; csrf: string; selfId: string }): JSX.Element {
  const b = p.business;
  return (
    <section class="card stack staff-business" id={`staff-${b.id}`}>
      <h2 safe>{b.name}</h2>
      <table>
        <thead>
          <tr>
            <th>{t('staff.member')}</th>
            <th>{t('staff.role')}</th>
            <th></th>
          </tr>
        </thead>
        <tbody>
          {p.members.map((m) => (
            <tr class="member">
              <td>
                <span safe>{m.username ?? m.userId}</span> <small class="muted" safe>{m.email ?? ''}</small>
              </td>
              <td>
                {m.founder ? (
                  <span>{t('staff.founder')}</span>
                ) : (
                  <form method="post" action={`/business/${b.id}/members/${m.userId}/role`} class="inline">
                    <Csrf token={p.csrf} />
                    <RoleSelect name="role" selected={m.role} />
                    <button type="submit">{t('staff.change')}</button>
                  </form>
                )}
              </td>
              <td>
                {m.founder ? (
                  ''
                ) : (
                  <form method="post" action={`/business/${b.id}/members/${m.userId}/remove`} class="inline">
                    <Csrf token={p.csrf} />
                    <button type="submit" class="danger">
                      {t('staff.remove')}
                    </button>
                  </form>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {p.invitations.length > 0 ? (
        <div>
          <h3>{t('staff.waiting')}</h3>
          <ul>
            {p.invitations.map((i) => (
              <li class="invitation">
                <span safe>{i.invitee}</span> {t('staff.as')} <span safe>{roleName(i.role)}</span> <small class="muted" safe>{i.status === 'expired' ? t('staff.expired') : t('staff.until', { date: dateOnly(i.expiresAt) })}</small>{' '}
                <form method="post" action={`/business/${b.id}/invitations/${i.id}/revoke`} class="inline">
                  <Csrf token={p.csrf} />
                  <button type="submit" class="link">
                    {t('staff.revoke')}
                  </button>
                </form>
              </li>
            ))}
          </ul>
        </div>
      ) : (
        ''
      )}
      <form method="post" action={`/business/${b.id}/invitations`} class="stack invite-form">
        <Csrf token={p.csrf} />
        <label>
          {t('staff.invitee')} <input name="invitee" required maxlength="254" autocomplete="off" />
        </label>
        <label>
          {t('staff.role')} <RoleSelect name="role" selected="staff" />
        </label>
        <button type="submit">{t('staff.invite')}</button>
        <p class="muted">{t('staff.inviteHelp')}</p>
      </form>
    </section>
  );
}

/** On the order page: who delivers it (owners and staff pick among the business's riders). */
export function RiderPanel(p: { orderId: string; riders: MemberJson[]; riderId: string | null; csrf: string }): JSX.Element {
  return (
    <section class="card" id="rider-panel">
      <h2>{t('staff.rider')}</h2>
      {p.riders.length === 0 ? (
        <p class="muted">{t('staff.noRiders')}</p>
      ) : (
        <form method="post" action={`/orders/${p.orderId}/rider`} class="inline">
          <Csrf token={p.csrf} />
          <select name="riderId">
            <option value="">{t('staff.nobody')}</option>
            {p.riders.map((r) => (
              <option value={r.userId} selected={p.riderId === r.userId}>
                {r.username ?? r.userId}
              </option>
            ))}
          </select>{' '}
          <button type="submit">{t('staff.assign')}</button>
        </form>
      )}
    </section>
  );
}

export function DeliveryList(p: { deliveries: DeliveryJson[]; csrf: string }): JSX.Element {
  if (p.deliveries.length === 0) return <p class="card">{t('staff.noDeliveries')}</p>;
  return (
    <ul class="deliveries stack">
      {p.deliveries.map((d) => (
        <li class="card delivery" id={`delivery-${d.id}`}>
          <div>
            <strong>#{String(d.number)}</strong> <small class="muted" safe>{d.businessName ?? ''}</small> <StatusBadge status={d.status} />
          </div>
          <div safe>{d.customerName ?? '—'}</div>
          <div>{d.customerPhone ? <a href={`tel:${d.customerPhone}`} safe>{d.customerPhone}</a> : '—'}</div>
          <div safe>{d.customerAddress ?? t('staff.noAddress')}</div>
          {d.deliveryNotes ? <div class="muted" safe>{d.deliveryNotes}</div> : ''}
          <div class="muted" safe>{d.items.map((i) => `${i.quantity}× ${i.name}`).join(', ')}</div>
          {d.status === 'delivered' || d.status === 'cancelled' ? (
            ''
          ) : (
            <form method="post" action={`/deliveries/${d.id}/delivered`}>
              <Csrf token={p.csrf} />
              <button type="submit">{t('staff.markDelivered')}</button>
            </form>
          )}
        </li>
      ))}
    </ul>
  );
}
