// Staff commands from the web: read the members (or delivery) stream, decide, append.
import type { EventStore } from '../eventstore/types.ts';
import { handleCommand, type HandleCommandResult } from '../shared/command-handler.ts';
import { decideDelivery, decideStaff, deliveryStreamId, evolveDelivery, initialDeliveryState, type AssignRider, type DeliveryEvent, type DeliveryState, type StaffCommand } from './commands.ts';
import { evolveMembers, initialMembersState, membersStreamId, type MembersEvent, type MembersState } from './members.ts';

export interface CommandContext {
  actor: string;
  correlationId: string;
  now?: Date;
}

const meta = (businessId: string, ctx: CommandContext, now: Date) => ({ tenantId: businessId, actor: ctx.actor, correlationId: ctx.correlationId, causationId: null, occurredAt: now.toISOString() });

export async function runStaffCommand(
  store: EventStore,
  businessId: string,
  command: Omit<StaffCommand, 'metadata'>,
  ctx: CommandContext,
): Promise<HandleCommandResult<MembersState>> {
  const now = ctx.now ?? new Date();
  return handleCommand<StaffCommand, MembersState, MembersEvent>({
    store,
    streamId: membersStreamId(businessId),
    evolve: evolveMembers,
    initialState: initialMembersState,
    decide: decideStaff,
    command: { ...command, metadata: { now, actor: ctx.actor } } as StaffCommand,
    metadata: meta(businessId, ctx, now),
  });
}

export async function assignRider(store: EventStore, data: AssignRider['data'], ctx: CommandContext): Promise<HandleCommandResult<DeliveryState>> {
  const now = ctx.now ?? new Date();
  return handleCommand<AssignRider, DeliveryState, DeliveryEvent>({
    store,
    streamId: deliveryStreamId(data.orderId),
    evolve: evolveDelivery,
    initialState: initialDeliveryState,
    decide: decideDelivery,
    command: { type: 'AssignRider', data, metadata: { now, actor: ctx.actor } },
    metadata: meta(data.businessId, ctx, now),
  });
}
