// SessionHeartbeat: the supervisor's periodic word that a session's child is alive and WORKING. Bot
// uptime (projections/bot-metrics.ts) closes an interval whose process died silently at the last one.
// It goes through the event log, not the lease table, so a rebuild sees the same heartbeats.
import type { EventStore } from '../eventstore/types.ts';
import { eventSchemas, makeMetadata } from '../events/catalog.ts';
import { newId } from '../shared/ids.ts';

export async function appendSessionHeartbeat(
  store: EventStore,
  s: { sessionId: string; businessId: string; transport: 'whatsapp' | 'simulator' },
): Promise<void> {
  const id = newId();
  const data = eventSchemas.SessionHeartbeat.parse({ sessionId: s.sessionId, businessId: s.businessId, transport: s.transport });
  await store.append(`session-${s.sessionId}`, [
    { id, type: 'SessionHeartbeat', data, metadata: makeMetadata({ tenantId: s.businessId, actor: 'system', correlationId: id, now: new Date(), type: 'SessionHeartbeat' }) },
  ]);
}
