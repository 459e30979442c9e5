// Who may move an order by a WhatsApp message: decided from the group the message came from.
import type { GroupType, OrderStatus } from '../events/catalog.ts';
import { IllegalState } from '../shared/errors.ts';

export type StatusAuthority =
  /** Counts as the merchant's side: a delivery group (a listed rider, when riders are listed) or an admin group. */
  | { kind: 'staff' }
  /** A sales group: only a cancellation, and decide checks that the sender placed the order. */
  | { kind: 'customer' }
  | { kind: 'refused'; reason: string };

export interface StatusGroup {
  groupType: GroupType;
  riderPhones?: readonly string[] | undefined;
}

/**
 * A status message counts only from a delivery group or an admin group; in a delivery group whose
 * merchant listed riders' numbers, only from one of those numbers (a sender without a known phone
 * is not a listed rider). In a sales group anyone may ask to cancel, and the order decides whether
 * the sender is its customer.
 */
export function statusAuthority(group: StatusGroup, senderPhone: string | null, to: OrderStatus): StatusAuthority {
  switch (group.groupType) {
    case 'admin':
      return { kind: 'staff' };
    case 'delivery': {
      const riders = group.riderPhones ?? [];
      if (riders.length === 0 || (senderPhone !== null && riders.includes(senderPhone))) return { kind: 'staff' };
      return { kind: 'refused', reason: "status updates in this delivery group are only accepted from the riders' numbers listed for it" };
    }
    case 'sales':
      if (to === 'cancelled') return { kind: 'customer' };
      return { kind: 'refused', reason: 'status updates are only accepted from the delivery group or the admin group' };
    default: {
      const unhandled: never = group.groupType;
      return { kind: 'refused', reason: `unknown group type ${String(unhandled)}` };
    }
  }
}

/**
 * How long a customer may still change their own open order by a message in its chat (the
 * business's `selfEditWindowMinutes`, measured from placement to the message). After it the
 * request goes to the merchant (OrderChangeRequested) instead of changing the order.
 */
export function withinSelfEditWindow(placedAt: string, now: Date, windowMinutes: number): boolean {
  return now.getTime() - Date.parse(placedAt) <= windowMinutes * 60_000;
}

/** A customer's own change (or cancellation) asked after the business's self-edit window. */
export class SelfEditWindowPassed extends IllegalState {
  override readonly code: string = 'SELF_EDIT_WINDOW_PASSED';
}
