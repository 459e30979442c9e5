// The unit of projection work: validate stored events, apply them to (possibly renamed) tables.
import { sql, type CommonQueryMethods } from 'slonik';
import type { RecordedEvent } from '../eventstore/types.ts';
import { validateEvent } from '../events/catalog.ts';
import type { Projection, ProjectedEvent, Touched } from '../../projections/index.ts';
import { write } from '../../projections/shared.ts';

export type Validated = { ok: true; event: ProjectedEvent } | { ok: false; error: string };

export function validateRecorded(e: RecordedEvent): Validated {
  const v = validateEvent(e.type, e.data, e.metadata?.schemaVersion);
  if (!v.ok) return { ok: false, error: `${e.type} at ${e.streamId}@${e.revision} (position ${e.position}) fails its schema: ${v.error}` };
  return {
    ok: true,
    event: { ...v.event, id: e.id, streamId: e.streamId, revision: e.revision, position: e.position, metadata: e.metadata, recordedAt: e.recordedAt } as ProjectedEvent,
  };
}

/** Logical table → physical table: identity for the live projector, `<table>_rebuild` for a rebuild. */
export type TableMap = (table: string) => string;
export const liveTables: TableMap = (t) => t;
export const rebuildTables: TableMap = (t) => `${t}_rebuild`;

/** Applies events inside `tx`; returns the coalesced NOTIFY payloads. */
export async function applyBatch(tx: CommonQueryMethods, projection: Projection, events: readonly ProjectedEvent[], tables: TableMap): Promise<string[]> {
  const payloads = new Map<string, string>();
  await projection.apply(
    {
      tx,
      t: (table) => sql.identifier([tables(table)]),
      touch: (u: Touched) => {
        const json = JSON.stringify(u);
        payloads.set(json, json);
      },
    },
    events,
  );
  return [...payloads.values()];
}

/** Sent inside the batch's transaction: PostgreSQL delivers it exactly when (and only if) the batch commits. */
export async function notifyUpdates(tx: CommonQueryMethods, payloads: readonly string[]): Promise<void> {
  if (payloads.length === 0) return;
  await tx.query(write`select pg_notify('novi_updates', p) from unnest(${sql.array([...payloads], 'text')}) as p`);
}

export { isTransient } from '../subscriptions/transient.ts';
