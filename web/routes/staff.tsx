// Staff and roles (issue 18): owners invite members by username or e-mail with a role, change
// roles and remove members; the invitee accepts once signed in; owners and staff give an order to
// a rider, and a rider sees only their own deliveries and marks them delivered. Permissions come
// from src/staff/permissions.ts through userScope(…, action); every change is an event.
import { t } from '../i18n/index.ts';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Runtime } from '../../src/runtime.ts';
import { inviteeName, memberRole } from '../../src/events/catalog.ts';
import { decideOrder, orderCommandSchemas } from '../../src/orders/commands.ts';
import { evolveOrder, initialOrderState, orderStreamId } from '../../src/orders/order.ts';
import { handleCommand, parseCommandData } from '../../src/shared/command-handler.ts';
import { newId } from '../../src/shared/ids.ts';
import { NotFound } from '../../src/shared/errors.ts';
import { staffCommandSchemas, deliveryCommandSchemas } from '../../src/staff/commands.ts';
import { assignRider, runStaffCommand } from '../../src/staff/handle.ts';
import { requireUser, type AuthUser } from '../auth/plugin.ts';
import { isHtmx, parse, redirect, sendHtml, wantsJson } from '../lib/http.ts';
import { waitForProjection, waitUntil } from '../lib/projection.ts';
import { getOrder, listBusinesses, narrow, userScope } from '../lib/queries.ts';
import { founderOf, getInvitation, invitationsFor, listMembers, memberOf, pendingInvitations, riderDeliveries, riderDelivery, riderOf } from '../lib/staff.ts';
import { Layout } from '../views/layout.tsx';
import { BusinessStaff, DeliveryList, MyInvitations, RiderPanel } from '../views/staff.tsx';

const uuid = z.string().uuid();
/** A malformed id is just another id that does not exist. */
function idsOf<K extends string>(req: FastifyRequest, keys: readonly K[], what: string): Record<K, string> {
  const p = z.object(Object.fromEntries(keys.map((k) => [k, uuid])) as Record<K, typeof uuid>).safeParse(req.params);
  if (!p.success) throw new NotFound(`${what} not found`);
  return p.data as Record<K, string>;
}

const inviteBody = z.object({ invitee: inviteeName, role: memberRole });
const roleBody = z.object({ role: memberRole });
const riderBody = z.object({ riderId: z.preprocess((v) => (v === '' ? null : v), uuid.nullable()) });

/** The members, invitations and rider panel of the order page (owners and staff). */
export async function riderPanel(rt: Runtime, user: AuthUser, order: { id: string; businessId: string }, csrf: string): Promise<JSX.Element | ''> {
  const scope = await userScope(rt, user, 'assign');
  if (!scope.all && !scope.businessIds.includes(order.businessId)) return '';
  const riders = (await listMembers(rt, order.businessId)).filter((m) => m.role === 'rider');
  return <RiderPanel orderId={order.id} riders={riders} riderId={await riderOf(rt, order.id)} csrf={csrf} />;
}

export async function staffRoutes(app: FastifyInstance, rt: Runtime): Promise<void> {
  const ctx = (req: FastifyRequest, user: AuthUser) => ({ actor: user.id, correlationId: req.id });
  const requestedBy = (user: AuthUser) => ({ userId: user.id, role: user.role });

  /** The business for a members action: 404 outside the user's businesses, 403 for a member who is not an owner. */
  async function managed(user: AuthUser, businessId: string): Promise<{ founderId: string }> {
    narrow(await userScope(rt, user, 'members'), businessId);
    const founderId = await founderOf(rt, businessId);
    if (!founderId) throw new NotFound(`Business ${businessId} not found`);
    return { founderId };
  }

  const staffData = async (user: AuthUser) => {
    const businesses = await listBusinesses(rt, await userScope(rt, user, 'members'));
    const managedBusinesses = await Promise.all(
      businesses.map(async (b) => ({ business: b, members: await listMembers(rt, b.id), invitations: await pendingInvitations(rt, b.id) })),
    );
    return { managedBusinesses, mine: await invitationsFor(rt, user) };
  };

  app.get('/staff', async (req, reply) => {
    const user = requireUser(req);
    const d = await staffData(user);
    if (wantsJson(req)) {
      return reply.send({
        businesses: d.managedBusinesses.map((x) => ({ businessId: x.business.id, name: x.business.name, members: x.members, invitations: x.invitations })),
        invitations: d.mine,
      });
    }
    return sendHtml(
      reply,
      <Layout title={t('staff.title')} user={user} csrf={req.csrfToken} active="/staff">
        <h1>{t('staff.title')}</h1>
        <MyInvitations invitations={d.mine} csrf={req.csrfToken} />
        <>
          {d.managedBusinesses.map((x) => (
            <BusinessStaff business={x.business} members={x.members} invitations={x.invitations} csrf={req.csrfToken} selfId={user.id} />
          ))}
        </>
        {d.managedBusinesses.length === 0 && d.mine.length === 0 ? <p class="card">{t('staff.none')}</p> : ''}
      </Layout>,
    );
  });

  const done = (req: FastifyRequest, reply: FastifyReply, to: string, json: () => Promise<unknown>, code = 200) =>
    wantsJson(req) ? json().then((body) => reply.code(code).send(body)) : isHtmx(req) ? redirect(req, reply, to) : reply.redirect(to, 303);

  app.post('/business/:id/invitations', async (req, reply) => {
    const user = requireUser(req);
    const { id: businessId } = idsOf(req, ['id'], 'Business');
    const { founderId } = await managed(user, businessId);
    const body = parse(inviteBody, req.body, 'invitation');
    const inviteId = newId();
    const data = parseCommandData(staffCommandSchemas.InviteMember, { businessId, founderId, inviteId, invitee: body.invitee, role: body.role, requestedBy: requestedBy(user) }, 'invitation');
    await runStaffCommand(rt.store, businessId, { type: 'InviteMember', data }, ctx(req, user));
    await waitUntil(async () => (await getInvitation(rt, inviteId)) !== null);
    return done(req, reply, '/staff', async () => ({ success: true, invitation: await getInvitation(rt, inviteId) }), 201);
  });

  app.post('/business/:id/invitations/:inviteId/revoke', async (req, reply) => {
    const user = requireUser(req);
    const { id: businessId, inviteId } = idsOf(req, ['id', 'inviteId'], 'Invitation');
    const { founderId } = await managed(user, businessId);
    const data = parseCommandData(staffCommandSchemas.RevokeInvitation, { businessId, founderId, inviteId, requestedBy: requestedBy(user) }, 'revocation');
    await runStaffCommand(rt.store, businessId, { type: 'RevokeInvitation', data }, ctx(req, user));
    await waitUntil(async () => (await getInvitation(rt, inviteId))?.status === 'revoked');
    return done(req, reply, '/staff', async () => ({ success: true, invitation: await getInvitation(rt, inviteId) }));
  });

  app.post('/invitations/:id/accept', async (req, reply) => {
    const user = requireUser(req);
    const { id: inviteId } = idsOf(req, ['id'], 'Invitation');
    const invite = await getInvitation(rt, inviteId);
    if (!invite) throw new NotFound('Invitation not found');
    const founderId = await founderOf(rt, invite.businessId);
    if (!founderId) throw new NotFound('Invitation not found');
    const data = parseCommandData(staffCommandSchemas.AcceptInvitation, { businessId: invite.businessId, founderId, inviteId, user: { id: user.id, username: user.username, email: user.email } }, 'acceptance');
    await runStaffCommand(rt.store, invite.businessId, { type: 'AcceptInvitation', data }, ctx(req, user));
    await waitUntil(async () => (await memberOf(rt, invite.businessId, user.id)) !== null);
    const member = await memberOf(rt, invite.businessId, user.id);
    return done(req, reply, member?.role === 'rider' ? '/deliveries' : '/orders', async () => ({ success: true, membership: { businessId: invite.businessId, role: member?.role ?? invite.role } }));
  });

  app.post('/business/:id/members/:userId/role', async (req, reply) => {
    const user = requireUser(req);
    const { id: businessId, userId } = idsOf(req, ['id', 'userId'], 'Member');
    const { founderId } = await managed(user, businessId);
    const body = parse(roleBody, req.body, 'role');
    const data = parseCommandData(staffCommandSchemas.ChangeMemberRole, { businessId, founderId, userId, role: body.role, requestedBy: requestedBy(user) }, 'role change');
    await runStaffCommand(rt.store, businessId, { type: 'ChangeMemberRole', data }, ctx(req, user));
    await waitUntil(async () => (await memberOf(rt, businessId, userId))?.role === body.role);
    return done(req, reply, '/staff', async () => ({ success: true, member: await memberOf(rt, businessId, userId) }));
  });

  const remove = async (req: FastifyRequest, reply: FastifyReply) => {
    const user = requireUser(req);
    const { id: businessId, userId } = idsOf(req, ['id', 'userId'], 'Member');
    const { founderId } = await managed(user, businessId);
    const data = parseCommandData(staffCommandSchemas.RemoveMember, { businessId, founderId, userId, requestedBy: requestedBy(user) }, 'removal');
    await runStaffCommand(rt.store, businessId, { type: 'RemoveMember', data }, ctx(req, user));
    // Answered once the read model no longer lists them: from then on every page, API call,
    // tenant query and live socket of theirs is refused for this business.
    await waitUntil(async () => (await memberOf(rt, businessId, userId)) === null);
    return done(req, reply, '/staff', async () => ({ success: true }));
  };
  app.post('/business/:id/members/:userId/remove', remove);
  app.delete('/business/:id/members/:userId', remove);

  // ── riders ────────────────────────────────────────────────────────────────────────
  app.post('/orders/:id/rider', async (req, reply) => {
    const user = requireUser(req);
    const { id: orderId } = idsOf(req, ['id'], 'Order');
    const order = await getOrder(rt, await userScope(rt, user, 'assign'), orderId); // 404 outside the user's businesses
    const body = parse(riderBody, req.body, 'rider');
    const rider = body.riderId === null ? null : await memberOf(rt, order.businessId, body.riderId);
    const data = parseCommandData(
      deliveryCommandSchemas.AssignRider,
      { orderId, businessId: order.businessId, riderId: body.riderId, riderIsMember: rider?.role === 'rider', by: user.id },
      'rider',
    );
    await assignRider(rt.store, data, ctx(req, user));
    await waitUntil(async () => (await riderOf(rt, orderId)) === body.riderId);
    return done(req, reply, `/orders/${orderId}`, async () => ({ success: true, orderId, riderId: await riderOf(rt, orderId) }));
  });

  app.get('/deliveries', async (req, reply) => {
    const user = requireUser(req);
    const deliveries = await riderDeliveries(rt, user);
    if (wantsJson(req)) return reply.send({ deliveries });
    return sendHtml(
      reply,
      <Layout title={t('staff.deliveriesTitle')} user={user} csrf={req.csrfToken} active="/deliveries">
        <h1>{t('staff.myDeliveries')}</h1>
        <DeliveryList deliveries={deliveries} csrf={req.csrfToken} />
      </Layout>,
    );
  });

  app.post('/deliveries/:id/delivered', async (req, reply) => {
    const user = requireUser(req);
    const { id: orderId } = idsOf(req, ['id'], 'Order');
    const d = await riderDelivery(rt, user, orderId); // only an order assigned to this rider, else 404
    const data = parseCommandData(orderCommandSchemas.ChangeStatus, { orderId, businessId: d.businessId, to: 'delivered', reason: null, source: wantsJson(req) ? 'api' : 'dashboard', messageId: null }, 'status change');
    const now = new Date();
    const r = await handleCommand({
      store: rt.store,
      streamId: orderStreamId(orderId),
      evolve: evolveOrder,
      initialState: initialOrderState,
      decide: decideOrder,
      command: { type: 'ChangeStatus', data, metadata: { now, actor: user.id } },
      metadata: { tenantId: d.businessId, actor: user.id, correlationId: req.id, causationId: null, occurredAt: now.toISOString() },
    });
    if (r.nextExpectedRevision !== null) await waitForProjection(rt, { table: 'orders', id: orderId, revision: r.nextExpectedRevision });
    return done(req, reply, '/deliveries', async () => ({ success: true, delivery: await riderDelivery(rt, user, orderId) }));
  });
}
