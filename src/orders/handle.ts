// Order commands from the web: read the order stream, decide, append (with the caller's revision).
import type { EventStore } from '../eventstore/types.ts';
import { handleCommand, parseCommandData, type HandleCommandResult } from '../shared/command-handler.ts';
import { decideOrder, orderCommandSchemas, type OrderCommand } from './commands.ts';
import { evolveOrder, initialOrderState, orderStreamId, type OrderEvent, type OrderState } from './order.ts';

export interface UndoStatusChangeInput {
  orderId: string;
  businessId: string;
  /** The user who undoes it: the event's actor. */
  actor: string;
  correlationId: string;
  reason?: string | null;
  source: 'dashboard' | 'api';
  /** The order revision the merchant saw (ETag); a stale one is a 412. */
  expectedRevision?: bigint;
  now?: Date;
}

/** Takes back the order's latest status change (within UNDO_WINDOW_MS), recorded as StatusChangeUndone. */
export async function undoStatusChange(store: EventStore, input: UndoStatusChangeInput): Promise<HandleCommandResult<OrderState>> {
  const now = input.now ?? new Date();
  const data = parseCommandData(
    orderCommandSchemas.UndoStatusChange,
    { orderId: input.orderId, businessId: input.businessId, reason: input.reason ?? null, source: input.source },
    'undo',
  );
  return handleCommand<OrderCommand, OrderState, OrderEvent>({
    store,
    streamId: orderStreamId(input.orderId),
    evolve: evolveOrder,
    initialState: initialOrderState,
    decide: decideOrder,
    command: { type: 'UndoStatusChange', data, metadata: { now, actor: input.actor } },
    metadata: { tenantId: input.businessId, actor: input.actor, correlationId: input.correlationId, causationId: null, occurredAt: now.toISOString() },
    ...(input.expectedRevision !== undefined ? { expectedRevision: input.expectedRevision } : {}),
  });
}
