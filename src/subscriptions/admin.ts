// What an admin does with a parked event: run it again (after a fix or an upcaster), or skip it
// with a reason that is itself recorded as an event (ParkedEventSkipped on parking-<subscriber>).
import type { Runtime } from '../runtime.ts';
import { EVENT_SCHEMA_VERSION, validateEvent } from '../events/catalog.ts';
import { eventId } from '../shared/ids.ts';
import { IllegalState, NotFound, ValidationError } from '../shared/errors.ts';
import { getParked, markSkipped, requestRetry, type ParkedEvent } from './parking.ts';

export const parkingStreamId = (subscriber: string): string => `parking-${subscriber}`;

async function openParked(rt: Pick<Runtime, 'pool'>, subscriber: string, id: string): Promise<ParkedEvent> {
  const p = await getParked(rt.pool, subscriber, id);
  if (!p) throw new NotFound(`No parked event ${id} for ${subscriber}`);
  return p;
}

/** The subscriber's leader runs it again within a moment (and what waits behind it, in order). */
export async function retryParked(rt: Pick<Runtime, 'pool'>, subscriber: string, id: string): Promise<ParkedEvent> {
  const p = await openParked(rt, subscriber, id);
  if (p.status !== 'parked') throw new IllegalState(`This event is ${p.status}; only a parked event can be retried`);
  await requestRetry(rt.pool, subscriber, id);
  return { ...p, status: 'retry' };
}

export async function skipParked(
  rt: Pick<Runtime, 'pool' | 'store'>,
  input: { subscriber: string; eventId: string; reason: string; by: string; correlationId: string },
): Promise<ParkedEvent> {
  const p = await openParked(rt, input.subscriber, input.eventId);
  if (p.status !== 'parked') throw new IllegalState(`This event is ${p.status}; only a parked event can be skipped`);
  const data = {
    subscriber: p.subscriber,
    eventId: p.eventId,
    position: p.position.toString(),
    streamId: p.streamId,
    eventType: p.eventType,
    error: p.error.slice(0, 4000),
    reason: input.reason.trim(),
    by: input.by,
  };
  const v = validateEvent('ParkedEventSkipped', data);
  if (!v.ok) throw new ValidationError(`Invalid skip: ${v.error}`);
  // The record first: a skip that is not in the log never happened.
  await rt.store.append(
    parkingStreamId(p.subscriber),
    [
      {
        id: eventId('ParkedEventSkipped', `${p.subscriber}:${p.eventId}:${p.attempts}`),
        type: 'ParkedEventSkipped',
        data: v.event.data,
        metadata: {
          tenantId: p.tenantId,
          actor: input.by,
          correlationId: input.correlationId,
          causationId: p.eventId,
          occurredAt: new Date().toISOString(),
          schemaVersion: EVENT_SCHEMA_VERSION.ParkedEventSkipped,
        },
      },
    ],
    { expectedRevision: 'any' },
  );
  await rt.pool.transaction((tx) => markSkipped(tx, p, data.reason));
  return { ...p, status: 'skipped' };
}
