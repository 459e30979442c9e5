// The order status state machine, shared by decide and by pages that offer the next moves.
import type { OrderStatus } from '../events/catalog.ts';

/**
 * The delivery chain. A move may jump forward along it (a rider reports "delivered" for
 * an order nobody confirmed in the dashboard) but never go back: once goods left, saying
 * they are "confirmed" again would rewrite what happened. Going back is a new order or a
 * cancellation, not a status move.
 */
export const STATUS_CHAIN = ['pending', 'confirmed', 'processing', 'out_for_delivery', 'delivered'] as const satisfies readonly OrderStatus[];

export const FINAL_STATUSES: readonly OrderStatus[] = ['delivered', 'cancelled'];

export function isFinalStatus(status: OrderStatus): boolean {
  return FINAL_STATUSES.includes(status);
}

const chainIndex = (status: OrderStatus): number => (STATUS_CHAIN as readonly OrderStatus[]).indexOf(status);

export type TransitionCheck = { ok: true } | { ok: false; message: string };

const label = (status: OrderStatus): string => status.replace(/_/g, ' ');

/**
 * Review queue (issue 11 §3): an order parsed below the business's auto-accept threshold waits in
 * `needs_review`; accepting it moves it to pending or confirmed, or it is cancelled. Nothing else
 * (a rider's "delivered") moves it, and nothing moves an order back into review.
 */
export const REVIEW_EXITS: readonly OrderStatus[] = ['pending', 'confirmed', 'cancelled'];

export function checkTransition(from: OrderStatus, to: OrderStatus): TransitionCheck {
  if (from === to) return { ok: false, message: `is already ${label(to)}` };
  if (from === 'needs_review') return REVIEW_EXITS.includes(to) ? { ok: true } : { ok: false, message: `needs review; accept it before marking it ${label(to)}` };
  if (to === 'needs_review') return { ok: false, message: 'cannot go back to review' };
  if (isFinalStatus(from)) return { ok: false, message: `is ${label(from)}; a ${label(from)} order cannot change status` };
  if (to === 'cancelled') return { ok: true };
  if (chainIndex(to) > chainIndex(from)) return { ok: true };
  return { ok: false, message: `cannot go back from ${label(from)} to ${label(to)}` };
}

/** The statuses an order in `from` may move to, in chain order, cancellation last. */
export function nextStatuses(from: OrderStatus): OrderStatus[] {
  const candidates: OrderStatus[] = [...STATUS_CHAIN, 'cancelled'];
  return candidates.filter((to) => checkTransition(from, to).ok);
}

/** What a customer may still cancel themselves from the sales group: nothing has been prepared yet. */
export const CUSTOMER_CANCELLABLE: readonly OrderStatus[] = ['pending', 'confirmed', 'needs_review'];

/** How long after a status change the merchant can still undo it from the dashboard. */
export const UNDO_WINDOW_MS = 24 * 60 * 60 * 1000;

export const statusLabel = label;
