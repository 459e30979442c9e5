// Staff commands: invite, revoke, accept, change a role, remove; and giving an order to a rider.
// Pure decides over the members stream (and the delivery stream); lookups are passed in.
import { z } from 'zod';
import { inviteeName, memberRole, userRole, uuid, type NoviEventOf } from '../events/catalog.ts';
import type { Command } from '../shared/command-handler.ts';
import { Conflict, Forbidden, IllegalState, NotFound, ValidationError } from '../shared/errors.ts';
import { roleIn, type MembersEvent, type MembersState } from './members.ts';
import { permits } from './permissions.ts';

/** An invitation can be accepted for this long. */
export const INVITE_TTL_MS = 7 * 24 * 60 * 60 * 1000;
/** Bounds of one business's staff: members besides the founder, and invitations waiting. */
export const STAFF_LIMITS = { members: 200, pendingInvitations: 50 } as const;

const requestedBy = z.object({ userId: uuid, role: userRole });
/** The business's founder (businesses.owner_id), looked up by the caller. */
const business = { businessId: uuid, founderId: uuid };

export const staffCommandSchemas = {
  InviteMember: z.object({ ...business, inviteId: uuid, invitee: inviteeName, role: memberRole, requestedBy }),
  RevokeInvitation: z.object({ ...business, inviteId: uuid, requestedBy }),
  AcceptInvitation: z.object({
    ...business,
    inviteId: uuid,
    /** The signed-in account accepting it. */
    user: z.object({ id: uuid, username: z.string().min(1).max(50), email: z.string().min(3).max(254) }),
  }),
  ChangeMemberRole: z.object({ ...business, userId: uuid, role: memberRole, requestedBy }),
  RemoveMember: z.object({ ...business, userId: uuid, requestedBy }),
} as const;

type SData<K extends keyof typeof staffCommandSchemas> = z.output<(typeof staffCommandSchemas)[K]>;
export type StaffCommand =
  | Command<'InviteMember', SData<'InviteMember'>>
  | Command<'RevokeInvitation', SData<'RevokeInvitation'>>
  | Command<'AcceptInvitation', SData<'AcceptInvitation'>>
  | Command<'ChangeMemberRole', SData<'ChangeMemberRole'>>
  | Command<'RemoveMember', SData<'RemoveMember'>>;

/** Only the business's owners (and admins) manage its staff; anyone else is told it is not there. */
function checkManager(state: MembersState, d: { businessId: string; founderId: string; requestedBy: z.infer<typeof requestedBy> }): void {
  const role = roleIn(state, d.founderId, d.requestedBy.userId);
  if (permits(role, 'members', d.requestedBy.role)) return;
  if (role === null) throw new NotFound(`Business ${d.businessId} not found`);
  throw new Forbidden('Only an owner of the business manages its staff');
}

function target(state: MembersState, d: { founderId: string; userId: string }) {
  if (d.userId === d.founderId) throw new IllegalState('The owner who registered the business stays its owner');
  const role = state.members[d.userId];
  if (!role) throw new NotFound('Not a member of this business');
  return role;
}

export function decideStaff(command: StaffCommand, state: MembersState): MembersEvent[] {
  const now = command.metadata.now;
  switch (command.type) {
    case 'InviteMember': {
      const d = command.data;
      checkManager(state, d);
      if (state.invitations[d.inviteId]) throw new Conflict(`Invitation ${d.inviteId} already exists`);
      const pending = Object.values(state.invitations).filter((i) => i.status === 'pending' && Date.parse(i.expiresAt) > now.getTime());
      if (pending.some((i) => i.invitee === d.invitee)) throw new Conflict(`${d.invitee} is already invited`);
      if (pending.length >= STAFF_LIMITS.pendingInvitations) throw new IllegalState(`At most ${STAFF_LIMITS.pendingInvitations} invitations may wait at a time; revoke some first`);
      if (Object.keys(state.members).length >= STAFF_LIMITS.members) throw new IllegalState(`A business has at most ${STAFF_LIMITS.members} members`);
      const expiresAt = new Date(now.getTime() + INVITE_TTL_MS).toISOString();
      return [{ type: 'MemberInvited', data: { businessId: d.businessId, inviteId: d.inviteId, invitee: d.invitee, role: d.role, invitedBy: d.requestedBy.userId, expiresAt } }];
    }
    case 'RevokeInvitation': {
      const d = command.data;
      checkManager(state, d);
      const invite = state.invitations[d.inviteId];
      if (!invite) throw new NotFound('Invitation not found');
      if (invite.status !== 'pending') throw new IllegalState(`The invitation is already ${invite.status}`);
      return [{ type: 'InvitationRevoked', data: { businessId: d.businessId, inviteId: d.inviteId, by: d.requestedBy.userId } }];
    }
    case 'AcceptInvitation': {
      const d = command.data;
      const invite = state.invitations[d.inviteId];
      const mine = invite !== undefined && (invite.invitee === d.user.username.toLowerCase() || invite.invitee === d.user.email.toLowerCase());
      // Someone else's invitation answers like a missing one.
      if (!invite || !mine) throw new NotFound('Invitation not found');
      if (invite.status !== 'pending') throw new IllegalState(`The invitation was already ${invite.status}`);
      if (Date.parse(invite.expiresAt) <= now.getTime()) throw new IllegalState('The invitation has expired; ask the owner for a new one');
      if (roleIn(state, d.founderId, d.user.id) !== null) throw new Conflict('You are already a member of this business');
      return [{ type: 'MemberJoined', data: { businessId: d.businessId, inviteId: d.inviteId, userId: d.user.id, role: invite.role } }];
    }
    case 'ChangeMemberRole': {
      const d = command.data;
      checkManager(state, d);
      const from = target(state, d);
      if (from === d.role) return [];
      return [{ type: 'MemberRoleChanged', data: { businessId: d.businessId, userId: d.userId, from, to: d.role, by: d.requestedBy.userId } }];
    }
    case 'RemoveMember': {
      const d = command.data;
      checkManager(state, d);
      const role = target(state, d);
      return [{ type: 'MemberRemoved', data: { businessId: d.businessId, userId: d.userId, role, by: d.requestedBy.userId } }];
    }
    default: {
      const unhandled: never = command;
      throw new ValidationError(`Unknown staff command ${(unhandled as { type: string }).type}`);
    }
  }
}

// ── delivery-<orderId>: the rider of an order ───────────────────────────────────────
export type DeliveryEvent = NoviEventOf<'RiderAssigned'>;
export const deliveryStreamId = (orderId: string): string => `delivery-${orderId}`;
export interface DeliveryState {
  riderId: string | null;
}
export const initialDeliveryState = (): DeliveryState => ({ riderId: null });
export function evolveDelivery(_state: DeliveryState, event: DeliveryEvent): DeliveryState {
  return { riderId: event.data.riderId };
}

export const deliveryCommandSchemas = {
  AssignRider: z.object({
    orderId: uuid,
    businessId: uuid,
    riderId: uuid.nullable(),
    /** Looked up by the caller: whether riderId is a rider of the business now. */
    riderIsMember: z.boolean(),
    by: z.string().min(1).max(100),
  }),
} as const;
export type AssignRider = Command<'AssignRider', z.output<(typeof deliveryCommandSchemas)['AssignRider']>>;

export function decideDelivery(command: AssignRider, state: DeliveryState): DeliveryEvent[] {
  const d = command.data;
  if (d.riderId !== null && !d.riderIsMember) throw new ValidationError('riderId must be a rider of the business', [{ path: 'riderId', message: 'not a rider of this business' }]);
  if (state.riderId === d.riderId) return [];
  return [{ type: 'RiderAssigned', data: { orderId: d.orderId, businessId: d.businessId, riderId: d.riderId, by: d.by } }];
}
