// Read models `memberships` (owner included, from BusinessRegistered), `invitations` and
// `order_assignments` (sql/019): who may see a business, with what role, and who delivers what.
import { write, type Projection } from './shared.ts';

export const membersProjection: Projection = {
  name: 'members',
  eventTypes: ['BusinessRegistered', 'MemberInvited', 'InvitationRevoked', 'MemberJoined', 'MemberRoleChanged', 'MemberRemoved', 'RiderAssigned'],
  tables: ['memberships', 'invitations', 'order_assignments'],
  async apply({ tx, t, touch }, events) {
    for (const e of events) {
      const at = e.metadata.occurredAt;
      switch (e.type) {
        case 'BusinessRegistered':
          await tx.query(write`
            insert into ${t('memberships')} (business_id, user_id, role, founder, joined_at, updated_at)
            values (${e.data.businessId}, ${e.data.ownerId}, 'owner', true, ${at}, ${at})
            on conflict (business_id, user_id) do update set role = 'owner', founder = true`);
          break;
        case 'MemberInvited': {
          const d = e.data;
          await tx.query(write`
            insert into ${t('invitations')} (id, business_id, invitee, role, invited_by, status, expires_at, created_at, updated_at)
            values (${d.inviteId}, ${d.businessId}, ${d.invitee}, ${d.role}, ${d.invitedBy}, 'pending', ${d.expiresAt}, ${at}, ${at})
            on conflict (id) do nothing`);
          touch({ type: 'business', businessId: d.businessId, event: e.type });
          break;
        }
        case 'InvitationRevoked':
          await tx.query(write`update ${t('invitations')} set status = 'revoked', updated_at = ${at} where id = ${e.data.inviteId}`);
          touch({ type: 'business', businessId: e.data.businessId, event: e.type });
          break;
        case 'MemberJoined': {
          const d = e.data;
          await tx.query(write`update ${t('invitations')} set status = 'accepted', accepted_by = ${d.userId}, updated_at = ${at} where id = ${d.inviteId}`);
          await tx.query(write`
            insert into ${t('memberships')} (business_id, user_id, role, founder, joined_at, updated_at)
            values (${d.businessId}, ${d.userId}, ${d.role}, false, ${at}, ${at})
            on conflict (business_id, user_id) do update set role = excluded.role, updated_at = excluded.updated_at`);
          touch({ type: 'business', businessId: d.businessId, event: e.type });
          break;
        }
        case 'MemberRoleChanged':
          await tx.query(write`
            update ${t('memberships')} set role = ${e.data.to}, updated_at = ${at}
             where business_id = ${e.data.businessId} and user_id = ${e.data.userId} and not founder`);
          touch({ type: 'business', businessId: e.data.businessId, event: e.type });
          break;
        case 'MemberRemoved':
          await tx.query(write`delete from ${t('memberships')} where business_id = ${e.data.businessId} and user_id = ${e.data.userId} and not founder`);
          touch({ type: 'business', businessId: e.data.businessId, event: e.type });
          break;
        case 'RiderAssigned': {
          const d = e.data;
          if (d.riderId === null) await tx.query(write`delete from ${t('order_assignments')} where order_id = ${d.orderId}`);
          else {
            await tx.query(write`
              insert into ${t('order_assignments')} (order_id, business_id, rider_id, assigned_by, assigned_at)
              values (${d.orderId}, ${d.businessId}, ${d.riderId}, ${d.by}, ${at})
              on conflict (order_id) do update set rider_id = excluded.rider_id, assigned_by = excluded.assigned_by, assigned_at = excluded.assigned_at`);
          }
          touch({ type: 'order', businessId: d.businessId, orderId: d.orderId, event: e.type });
          break;
        }
        default:
          break;
      }
    }
  },
};
