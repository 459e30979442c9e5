// Members stream (`members-<businessId>`): who works in a business with what role, and the
// invitations not yet accepted. The founder (the account that registered the business) is an
// owner without an event here: BusinessRegistered says so, and commands are given the founder's id.
import type { MemberRole, NoviEventOf } from '../events/catalog.ts';

export type MembersEvent = NoviEventOf<'MemberInvited' | 'InvitationRevoked' | 'MemberJoined' | 'MemberRoleChanged' | 'MemberRemoved'>;

export const membersStreamId = (businessId: string): string => `members-${businessId}`;

export interface Invitation {
  invitee: string;
  role: MemberRole;
  expiresAt: string;
  status: 'pending' | 'accepted' | 'revoked';
}

export interface MembersState {
  members: Readonly<Record<string, MemberRole>>;
  invitations: Readonly<Record<string, Invitation>>;
}

export const initialMembersState = (): MembersState => ({ members: {}, invitations: {} });

export function evolveMembers(state: MembersState, event: MembersEvent): MembersState {
  switch (event.type) {
    case 'MemberInvited': {
      const d = event.data;
      return { ...state, invitations: { ...state.invitations, [d.inviteId]: { invitee: d.invitee, role: d.role, expiresAt: d.expiresAt, status: 'pending' } } };
    }
    case 'InvitationRevoked':
    case 'MemberJoined': {
      const d = event.data;
      const invite = state.invitations[d.inviteId];
      const invitations = invite ? { ...state.invitations, [d.inviteId]: { ...invite, status: event.type === 'MemberJoined' ? ('accepted' as const) : ('revoked' as const) } } : state.invitations;
      const members = event.type === 'MemberJoined' ? { ...state.members, [event.data.userId]: event.data.role } : state.members;
      return { members, invitations };
    }
    case 'MemberRoleChanged':
      return { ...state, members: { ...state.members, [event.data.userId]: event.data.to } };
    case 'MemberRemoved': {
      const { [event.data.userId]: _gone, ...members } = state.members;
      return { ...state, members };
    }
    default: {
      const unhandled: never = event;
      void unhandled;
      return state;
    }
  }
}

/** The role of a user in the business: the founder is always an owner. */
export function roleIn(state: MembersState, founderId: string, userId: string): MemberRole | null {
  if (userId === founderId) return 'owner';
  return state.members[userId] ?? null;
}
