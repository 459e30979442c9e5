// Payment commands from the web and the intake: read the order stream, decide, append.
import type { EventMetadata, EventStore } from '../eventstore/types.ts';
import { handleCommand, parseCommandData, type HandleCommandResult } from '../shared/command-handler.ts';
import { evolveOrder, initialOrderState, orderStreamId, type OrderEvent, type OrderState } from '../orders/order.ts';
import { decidePayment, paymentCommandSchemas, type PaymentCommand } from './commands.ts';

type Schemas = typeof paymentCommandSchemas;

export interface PaymentCommandInput<K extends keyof Schemas> {
  type: K;
  /** Checked against the command's schema here (400 naming the field). */
  data: unknown;
  actor: string;
  correlationId: string;
  causationId?: string | null;
  /** The order revision the merchant saw (ETag); a stale one is a 412. */
  expectedRevision?: bigint;
  /** Deterministic ids (the intake's proofs): a redelivery appends nothing. */
  eventIds?: readonly string[];
  durability?: 'durable' | 'relaxed';
  now?: Date;
}

export async function handlePaymentCommand<K extends keyof Schemas>(store: EventStore, input: PaymentCommandInput<K>): Promise<HandleCommandResult<OrderState>> {
  const now = input.now ?? new Date();
  const data = parseCommandData(paymentCommandSchemas[input.type], input.data, input.type.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase()) as { orderId: string; businessId: string };
  const metadata: Omit<EventMetadata, 'schemaVersion'> = {
    tenantId: data.businessId, actor: input.actor, correlationId: input.correlationId, causationId: input.causationId ?? null, occurredAt: now.toISOString(),
  };
  return handleCommand<PaymentCommand, OrderState, OrderEvent>({
    store,
    streamId: orderStreamId(data.orderId),
    evolve: evolveOrder,
    initialState: initialOrderState,
    decide: decidePayment,
    command: { type: input.type, data, metadata: { now, actor: input.actor } } as PaymentCommand,
    metadata,
    ...(input.expectedRevision !== undefined ? { expectedRevision: input.expectedRevision } : {}),
    ...(input.eventIds ? { eventIds: input.eventIds } : {}),
    ...(input.durability ? { durability: input.durability } : {}),
  });
}
