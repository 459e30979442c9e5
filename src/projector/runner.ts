// One projection on the shared subscription runner: its batches are applied in one transaction with
// the checkpoint (under the batch lock the rebuild's swap takes too); an event it cannot apply is
// parked, and the later events of that event's stream wait behind it.
import type { Runtime } from '../runtime.ts';
import type { Projection, ProjectedEvent } from '../../projections/index.ts';
import { applyBatch, liveTables, notifyUpdates, validateRecorded } from './batch.ts';
import { SubscriptionRunner, type Subscriber, type SubscriptionOptions } from '../subscriptions/runner.ts';
import type { Waker } from '../subscriptions/wake.ts';

export { ensureCheckpoint } from '../subscriptions/runner.ts';

export interface RunnerOptions extends SubscriptionOptions {
  batchSize?: number;
}

export function projectionSubscriber(projection: Projection, batchSize = 500): Subscriber<ProjectedEvent> {
  return {
    name: projection.name,
    eventTypes: projection.eventTypes,
    ordering: 'stream',
    mode: 'transaction',
    batchSize,
    batchLock: true,
    prepare: validateRecorded,
    handle: async (events, tx) => {
      const payloads = await applyBatch(tx!, projection, events, liveTables);
      await notifyUpdates(tx!, payloads);
    },
  };
}

export class ProjectionRunner extends SubscriptionRunner<ProjectedEvent> {
  constructor(
    rt: Runtime,
    readonly projection: Projection,
    waker: Waker,
    options: RunnerOptions = {},
  ) {
    super(rt, projectionSubscriber(projection, options.batchSize), waker, options);
  }
}
