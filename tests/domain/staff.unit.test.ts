// Staff decides, given/when/then without a database: who may invite, accept, change and remove;
// expiry and single use of invitations; the founder's place; what each role permits.
import t from 'tap';
import { decideStaff, decideDelivery, INVITE_TTL_MS, staffCommandSchemas, type StaffCommand } from '../../src/staff/commands.ts';
import { evolveMembers, initialMembersState, type MembersEvent, type MembersState } from '../../src/staff/members.ts';
import { permits } from '../../src/staff/permissions.ts';
import { parseCommandData } from '../../src/shared/command-handler.ts';
import { Conflict, Forbidden, IllegalState, NotFound, ValidationError } from '../../src/shared/errors.ts';
import { given as givenWith } from './given-when-then.ts';

const given = (past: MembersEvent[] = []) => givenWith<StaffCommand, MembersState, MembersEvent>({ decide: decideStaff, evolve: evolveMembers, initialState: initialMembersState }, past);

const BIZ = '11111111-1111-4111-8111-111111111111';
const FOUNDER = '22222222-2222-4222-8222-222222222222';
const STAFF = '33333333-3333-4333-8333-333333333333';
const OTHER = '44444444-4444-4444-8444-444444444444';
const INVITE = '55555555-5555-4555-8555-555555555555';
const now = new Date('2026-03-01T10:00:00Z');
const by = (userId: string, role: 'merchant' | 'admin' = 'merchant') => ({ userId, role });

const invite = (requester = FOUNDER, extra: { inviteId?: string; admin?: boolean } = {}): StaffCommand => ({
  type: 'InviteMember',
  data: parseCommandData(
    staffCommandSchemas.InviteMember,
    { businessId: BIZ, founderId: FOUNDER, inviteId: extra.inviteId ?? INVITE, invitee: 'Sade@Example.com', role: 'staff', requestedBy: by(requester, extra.admin ? 'admin' : 'merchant') },
    'invite',
  ),
  metadata: { now, actor: requester },
});
const invited: MembersEvent = {
  type: 'MemberInvited',
  data: { businessId: BIZ, inviteId: INVITE, invitee: 'sade@example.com', role: 'staff', invitedBy: FOUNDER, expiresAt: new Date(now.getTime() + INVITE_TTL_MS).toISOString() },
};
const accept = (user = { id: STAFF, username: 'sade', email: 'sade@example.com' }, at = now): StaffCommand => ({
  type: 'AcceptInvitation',
  data: { businessId: BIZ, founderId: FOUNDER, inviteId: INVITE, user },
  metadata: { now: at, actor: user.id },
});
const joined: MembersEvent = { type: 'MemberJoined', data: { businessId: BIZ, inviteId: INVITE, userId: STAFF, role: 'staff' } };

t.test('the founder invites; the e-mail is lower-cased and the invitation lasts 7 days', async (t) => {
  t.same(given().when(invite()).events, [invited]);
  t.type(given().when(invite(OTHER)).error, NotFound, 'a stranger is told there is no such business');
  t.type(given([invited, joined]).when(invite(STAFF, { inviteId: OTHER })).error, Forbidden, 'staff do not invite');
  t.same(given().when(invite(OTHER, { admin: true })).events?.length, 1, 'an admin may');
  t.type(given([invited]).when(invite(FOUNDER, { inviteId: OTHER })).error, Conflict, 'the same person twice');
});

t.test('accepting: only the named account, once, before it expires', async (t) => {
  t.same(given([invited]).when(accept()).events, [joined]);
  t.same(given([invited]).when(accept({ id: STAFF, username: 'SADE@example.com', email: 'x@example.com' })).events?.length, 1, 'by username too, any case');
  t.type(given([invited]).when(accept({ id: OTHER, username: 'eve', email: 'eve@example.com' })).error, NotFound);
  t.type(given([invited, joined]).when(accept()).error, IllegalState, 'single use');
  t.type(given([invited]).when(accept(undefined, new Date(now.getTime() + INVITE_TTL_MS + 1))).error, IllegalState, 'expired');
  t.type(given([invited, { type: 'InvitationRevoked', data: { businessId: BIZ, inviteId: INVITE, by: FOUNDER } }]).when(accept()).error, IllegalState, 'revoked');
  t.type(given([invited]).when(accept({ id: FOUNDER, username: 'founder', email: 'sade@example.com' })).error, Conflict, 'the founder is already an owner');
});

t.test('role changes and removal: owners only, never the founder', async (t) => {
  const change = (requester: string, userId: string, role: 'owner' | 'staff' | 'rider'): StaffCommand => ({
    type: 'ChangeMemberRole', data: { businessId: BIZ, founderId: FOUNDER, userId, role, requestedBy: by(requester) }, metadata: { now, actor: requester },
  });
  const remove = (requester: string, userId: string): StaffCommand => ({
    type: 'RemoveMember', data: { businessId: BIZ, founderId: FOUNDER, userId, requestedBy: by(requester) }, metadata: { now, actor: requester },
  });
  t.same(given([invited, joined]).when(change(FOUNDER, STAFF, 'rider')).events, [{ type: 'MemberRoleChanged', data: { businessId: BIZ, userId: STAFF, from: 'staff', to: 'rider', by: FOUNDER } }]);
  t.same(given([invited, joined]).when(change(FOUNDER, STAFF, 'staff')).events, [], 'same role: nothing');
  t.type(given([invited, joined]).when(change(STAFF, STAFF, 'owner')).error, Forbidden, 'staff cannot promote themselves');
  t.type(given([invited, joined]).when(change(FOUNDER, FOUNDER, 'staff')).error, IllegalState);
  t.type(given([invited, joined]).when(remove(FOUNDER, FOUNDER)).error, IllegalState);
  t.type(given([invited, joined]).when(remove(FOUNDER, OTHER)).error, NotFound);
  t.same(given([invited, joined]).when(remove(FOUNDER, STAFF)).events, [{ type: 'MemberRemoved', data: { businessId: BIZ, userId: STAFF, role: 'staff', by: FOUNDER } }]);
  const promoted: MembersEvent = { type: 'MemberRoleChanged', data: { businessId: BIZ, userId: STAFF, from: 'staff', to: 'owner', by: FOUNDER } };
  t.same(given([invited, joined, promoted]).when(remove(STAFF, STAFF)).events?.length, 1, 'an invited owner manages staff');
  t.type(given([invited, joined, promoted, { type: 'MemberRemoved', data: { businessId: BIZ, userId: STAFF, role: 'owner', by: FOUNDER } }]).when(change(STAFF, STAFF, 'owner')).error, NotFound, 'a removed owner has no say');
});

t.test('permissions per role', async (t) => {
  t.ok(permits('owner', 'settings'));
  t.ok(permits('staff', 'orders') && permits('staff', 'customers') && permits('staff', 'assign'));
  t.notOk(permits('staff', 'settings') || permits('staff', 'members'));
  t.ok(permits('rider', 'deliveries'));
  t.notOk(permits('rider', 'orders') || permits('rider', 'customers') || permits('rider', 'settings'));
  t.notOk(permits(null, 'orders'));
  t.ok(permits(null, 'settings', 'admin'));
});

t.test('a rider is assigned only when they are a rider of the business', async (t) => {
  const data = { orderId: INVITE, businessId: BIZ, riderId: STAFF, riderIsMember: true, by: FOUNDER };
  t.same(decideDelivery({ type: 'AssignRider', data, metadata: { now, actor: FOUNDER } }, { riderId: null }), [{ type: 'RiderAssigned', data: { orderId: INVITE, businessId: BIZ, riderId: STAFF, by: FOUNDER } }]);
  t.same(decideDelivery({ type: 'AssignRider', data, metadata: { now, actor: FOUNDER } }, { riderId: STAFF }), []);
  t.throws(() => decideDelivery({ type: 'AssignRider', data: { ...data, riderIsMember: false }, metadata: { now, actor: FOUNDER } }, { riderId: null }), ValidationError);
});
