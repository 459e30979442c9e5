// What each role in a business may do: the one place routes, the websocket hub and the scope ask.
import type { MemberRole, UserRole } from '../events/catalog.ts';

/**
 * `orders`: the order list, order pages, status moves, edits, exports, the dashboard.
 * `customers`: the customer pages and notes. `settings`: the business profile, catalog, groups,
 * WhatsApp session, reply templates, erasure. `members`: inviting, changing and removing staff.
 * `deliveries`: the rider's own list of orders assigned to them. `assign`: giving an order to a rider.
 */
export const ACTIONS = ['orders', 'customers', 'settings', 'members', 'deliveries', 'assign'] as const;
export type Action = (typeof ACTIONS)[number];

const GRANTS: { readonly [R in MemberRole]: readonly Action[] } = {
  owner: ['orders', 'customers', 'settings', 'members', 'assign'],
  staff: ['orders', 'customers', 'assign'],
  rider: ['deliveries'],
};

/** Whether a member with `role` (or a platform admin) may do `action` in a business. */
export function permits(role: MemberRole | null | undefined, action: Action, userRole?: UserRole): boolean {
  if (userRole === 'admin') return action !== 'deliveries';
  if (!role) return false;
  return GRANTS[role].includes(action);
}
