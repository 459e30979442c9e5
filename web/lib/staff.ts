// Read-model queries of the staff pages (sql/019): members, invitations, riders and the rider's
// own deliveries. Callers check the permission first (src/staff/permissions.ts); the rider's list
// reads behind row-level security, which shows a rider only the orders assigned to them.
import { sql } from 'slonik';
import { z } from 'zod';
import type { Runtime } from '../../src/runtime.ts';
import { memberRole, type MemberRole } from '../../src/events/catalog.ts';
import { NotFound } from '../../src/shared/errors.ts';
import type { AuthUser } from '../auth/plugin.ts';
import { ORDER_COLUMNS, orderRow } from './queries.ts';
import { withTenant } from './tenant.ts';

const iso = z.coerce.date().transform((d) => d.toISOString());

const memberRow = z.object({ user_id: z.string(), username: z.string().nullable(), email: z.string().nullable(), role: memberRole, founder: z.boolean(), joined_at: iso });
export interface MemberJson {
  userId: string;
  username: string | null;
  email: string | null;
  role: MemberRole;
  founder: boolean;
  joinedAt: string;
}
const memberJson = (r: z.infer<typeof memberRow>): MemberJson => ({ userId: r.user_id, username: r.username, email: r.email, role: r.role, founder: r.founder, joinedAt: r.joined_at });

/** Members of a business, founder first (at most STAFF_LIMITS.members + 1 rows). */
export async function listMembers(rt: Runtime, businessId: string): Promise<MemberJson[]> {
  const rows = await rt.pool.any(sql.type(memberRow)`
    select m.user_id, u.username, u.email, m.role, m.founder, m.joined_at
      from memberships m left join users u on u.id = m.user_id
     where m.business_id = ${businessId}
     order by m.founder desc, m.joined_at, m.user_id limit 500`);
  return rows.map(memberJson);
}

export async function memberOf(rt: Runtime, businessId: string, userId: string): Promise<MemberJson | null> {
  const r = await rt.pool.maybeOne(sql.type(memberRow)`
    select m.user_id, u.username, u.email, m.role, m.founder, m.joined_at
      from memberships m left join users u on u.id = m.user_id where m.business_id = ${businessId} and m.user_id = ${userId}`);
  return r ? memberJson(r) : null;
}

/** The account that registered the business (its founder), or null when there is no such business. */
export async function founderOf(rt: Runtime, businessId: string): Promise<string | null> {
  return rt.pool.maybeOneFirst(sql.type(z.object({ owner_id: z.string() }))`select owner_id from businesses where id = ${businessId}`);
}

const inviteRow = z.object({
  id: z.string(),
  business_id: z.string(),
  business_name: z.string().nullable(),
  invitee: z.string(),
  role: memberRole,
  status: z.enum(['pending', 'accepted', 'revoked']),
  expires_at: iso,
  created_at: iso,
});
export interface InvitationJson {
  id: string;
  businessId: string;
  businessName: string | null;
  invitee: string;
  role: MemberRole;
  status: 'pending' | 'accepted' | 'revoked' | 'expired';
  expiresAt: string;
  createdAt: string;
}
const inviteJson = (r: z.infer<typeof inviteRow>): InvitationJson => ({
  id: r.id,
  businessId: r.business_id,
  businessName: r.business_name,
  invitee: r.invitee,
  role: r.role,
  status: r.status === 'pending' && Date.parse(r.expires_at) <= Date.now() ? 'expired' : r.status,
  expiresAt: r.expires_at,
  createdAt: r.created_at,
});
const INVITE_COLUMNS = sql.fragment`i.id, i.business_id, b.name as business_name, i.invitee, i.role, i.status, i.expires_at, i.created_at`;

/** Invitations of a business still waiting (expired ones included, marked), newest first. */
export async function pendingInvitations(rt: Runtime, businessId: string): Promise<InvitationJson[]> {
  const rows = await rt.pool.any(sql.type(inviteRow)`
    select ${INVITE_COLUMNS} from invitations i left join businesses b on b.id = i.business_id
     where i.business_id = ${businessId} and i.status = 'pending' order by i.created_at desc limit 100`);
  return rows.map(inviteJson);
}

/** Invitations naming the signed-in account (its username or e-mail) that it can still accept. */
export async function invitationsFor(rt: Runtime, user: AuthUser): Promise<InvitationJson[]> {
  const rows = await rt.pool.any(sql.type(inviteRow)`
    select ${INVITE_COLUMNS} from invitations i left join businesses b on b.id = i.business_id
     where i.status = 'pending' and i.expires_at > now() and i.invitee in (${user.username.toLowerCase()}, ${user.email.toLowerCase()})
       and not exists (select 1 from memberships m where m.business_id = i.business_id and m.user_id = ${user.id})
     order by i.created_at desc limit 100`);
  return rows.map(inviteJson);
}

export async function getInvitation(rt: Runtime, id: string): Promise<InvitationJson | null> {
  const r = await rt.pool.maybeOne(sql.type(inviteRow)`
    select ${INVITE_COLUMNS} from invitations i left join businesses b on b.id = i.business_id where i.id = ${id}`);
  return r ? inviteJson(r) : null;
}

/** The rider an order is assigned to (order_assignments), or null. */
export async function riderOf(rt: Runtime, orderId: string): Promise<string | null> {
  return rt.pool.maybeOneFirst(sql.type(z.object({ rider_id: z.string() }))`select rider_id from order_assignments where order_id = ${orderId}`);
}

export interface DeliveryJson {
  id: string;
  number: number;
  businessId: string;
  businessName: string | null;
  status: z.infer<typeof orderRow>['status'];
  customerName: string | null;
  customerPhone: string | null;
  customerAddress: string | null;
  deliveryNotes: string | null;
  items: Array<{ name: string; quantity: number }>;
  totalAmount: number | null;
  currency: string | null;
  createdAt: string;
  revision: number;
}

/**
 * The orders assigned to a rider, open ones first. Read as novi_rider naming the rider: row-level
 * security (sql/019 `rider_rows`, a novi_rider policy since sql/023) lets through only the orders
 * assigned to them in businesses where they are a rider now, whatever this query asks for.
 */
export async function riderDeliveries(rt: Runtime, user: AuthUser): Promise<DeliveryJson[]> {
  const rows = await withTenant(
    rt.pool,
    [],
    async (db) => {
      await db.query(sql.type(z.object({ v: z.string().nullable() }))`select set_config('statement_timeout', ${String(rt.config.webStatementTimeoutMs)}, true) as v`);
      return db.any(sql.type(orderRow)`
        select ${ORDER_COLUMNS} from orders
         order by (status in ('delivered', 'cancelled')), created_at desc limit 200`);
    },
    { userId: user.id, role: 'rider' },
  );
  const names = new Map(
    (await rt.pool.any(sql.type(z.object({ id: z.string(), name: z.string() }))`
      select id, name from businesses where id = any(${sql.array([...new Set(rows.map((r) => r.business_id))], 'uuid')})`)).map((b) => [b.id, b.name]),
  );
  return rows.map((r) => {
    const x = { ...r, business_name: names.get(r.business_id) ?? null };
    return {
      id: x.id,
      number: x.number,
      businessId: x.business_id,
      businessName: x.business_name,
      status: x.status,
      customerName: x.customer_name,
      customerPhone: x.customer_phone,
      customerAddress: x.customer_address,
      deliveryNotes: x.delivery_notes,
      items: x.items.map((i) => ({ name: i.name, quantity: i.quantity })),
      totalAmount: x.total_amount,
      currency: x.currency,
      createdAt: x.created_at,
      revision: x.revision,
    };
  });
}

export async function riderDelivery(rt: Runtime, user: AuthUser, orderId: string): Promise<DeliveryJson> {
  const d = (await riderDeliveries(rt, user)).find((x) => x.id === orderId);
  if (!d) throw new NotFound('Order not found');
  return d;
}
