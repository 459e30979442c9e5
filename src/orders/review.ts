// The review queue's commands (issue 11 §3, §4): accept an order waiting for review, as is or
// corrected, and learn from a merchant's item corrections (ProductAliasLearned on the business).
import type { EventStore } from '../eventstore/types.ts';
import type { OrderItem } from '../events/catalog.ts';
import { handleCommand, parseCommandData, type HandleCommandResult } from '../shared/command-handler.ts';
import { foldStream } from '../shared/stream-state-cache.ts';
import { businessCommandSchemas, decideBusiness, type RequestedBy } from '../businesses/commands.ts';
import { businessStateCache, businessStreamId, evolveBusiness, initialBusinessState, readBusiness, type LearnedAlias } from '../businesses/business.ts';
import { aliasesFromCorrection } from '../businesses/aliases.ts';
import { decideOrder, orderCommandSchemas, type OrderCommand } from './commands.ts';
import { evolveOrder, initialOrderState, orderStreamId, type OrderEvent, type OrderState } from './order.ts';

export interface Meta {
  actor: string;
  correlationId: string;
  now?: Date;
}

/**
 * What the merchant's correction of an order's items teaches, recorded on the business stream
 * (LearnAliases decides; nothing when no line moved to another catalog product).
 */
export async function learnFromCorrection(
  store: EventStore,
  input: Meta & { businessId: string; requestedBy: RequestedBy; before: readonly OrderItem[]; texts: ReadonlyArray<string | null>; after: readonly OrderItem[] },
): Promise<LearnedAlias[]> {
  const business = await readBusiness(store, input.businessId);
  if (business.kind !== 'registered') return [];
  const aliases = aliasesFromCorrection(input.before, input.texts, input.after, business.catalog);
  if (aliases.length === 0) return [];
  const now = input.now ?? new Date();
  const data = parseCommandData(businessCommandSchemas.LearnAliases, { businessId: input.businessId, requestedBy: input.requestedBy, aliases }, 'learned aliases');
  await handleCommand({
    store,
    streamId: businessStreamId(input.businessId),
    evolve: evolveBusiness,
    initialState: initialBusinessState,
    decide: decideBusiness,
    cache: businessStateCache(store),
    command: { type: 'LearnAliases', data, metadata: { now, actor: input.actor } },
    metadata: { tenantId: input.businessId, actor: input.actor, correlationId: input.correlationId, causationId: null, occurredAt: now.toISOString() },
  });
  return aliases;
}

export async function readOrder(store: EventStore, orderId: string): Promise<{ state: OrderState; revision: bigint | null }> {
  const folded = await foldStream<OrderState, OrderEvent>(store, orderStreamId(orderId), initialOrderState, evolveOrder, undefined);
  return { state: folded.state, revision: folded.revision };
}

export interface AcceptInput extends Meta {
  orderId: string;
  businessId: string;
  requestedBy: RequestedBy;
  to?: 'pending' | 'confirmed';
  items?: unknown;
  address?: string | null;
  source: 'dashboard' | 'api';
  expectedRevision?: bigint;
}

/** Accepts an order waiting for review (corrected or not) and learns from its item corrections. */
export async function acceptReview(store: EventStore, input: AcceptInput): Promise<{ result: HandleCommandResult<OrderState>; learned: LearnedAlias[] }> {
  const now = input.now ?? new Date();
  const data = parseCommandData(
    orderCommandSchemas.AcceptReview,
    {
      orderId: input.orderId, businessId: input.businessId, to: input.to ?? 'pending', source: input.source,
      ...(input.items !== undefined ? { items: input.items } : {}), ...(input.address !== undefined ? { address: input.address } : {}),
    },
    'review',
  );
  const before = await readOrder(store, input.orderId);
  const result = await handleCommand<OrderCommand, OrderState, OrderEvent>({
    store,
    streamId: orderStreamId(input.orderId),
    evolve: evolveOrder,
    initialState: initialOrderState,
    decide: decideOrder,
    command: { type: 'AcceptReview', data, metadata: { now, actor: input.actor } },
    metadata: { tenantId: input.businessId, actor: input.actor, correlationId: input.correlationId, causationId: null, occurredAt: now.toISOString() },
    ...(input.expectedRevision !== undefined ? { expectedRevision: input.expectedRevision } : {}),
  });
  let learned: LearnedAlias[] = [];
  if (data.items && before.state.kind === 'placed') {
    learned = await learnFromCorrection(store, {
      ...input, now, before: before.state.items, texts: before.state.itemTexts, after: data.items,
    });
  }
  return { result, learned };
}
