// Every projection the projector runs, by name.
import type { Projection } from './shared.ts';
import { usersProjection } from './users.ts';
import { businessesProjection } from './businesses.ts';
import { ordersProjection } from './orders.ts';
import { customersProjection } from './customers.ts';
import { customerNotesProjection } from './customer-notes.ts';
import { dashboardProjection } from './dashboard.ts';
import { botMetricsProjection } from './bot-metrics.ts';
import { messagesProjection } from './messages.ts';
import { sessionsProjection } from './sessions.ts';
import { membersProjection } from './members.ts';

export type { Projection, ProjectedEvent, Touched } from './shared.ts';

export const projections: readonly Projection[] = [
  usersProjection,
  businessesProjection,
  ordersProjection,
  customersProjection,
  customerNotesProjection,
  dashboardProjection,
  botMetricsProjection,
  messagesProjection,
  sessionsProjection,
  membersProjection,
];

export function projectionByName(name: string): Projection | undefined {
  return projections.find((p) => p.name === name);
}
