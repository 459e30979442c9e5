// Read model `customer_notes`: the merchant's note per customer (CustomerNoteSet; '' removes it).
import { sql } from 'slonik';
import { z } from 'zod';
import { customerRef } from '../src/customers/customer.ts';
import { jsonRows, write, type Projection } from './shared.ts';

export const customerNotesProjection: Projection = {
  name: 'customer_notes',
  eventTypes: ['CustomerNoteSet', 'CustomerErased'],
  tables: ['customer_notes'],
  async apply({ tx, t }, events) {
    // The last note of a batch per customer wins.
    const last = new Map<string, { business_id: string; customer_key: string; note: string; updated_at: string; updated_by: string }>();
    for (const e of events) {
      if (e.type === 'CustomerErased') {
        // The erased customer's note goes (a rebuild reads their notes redacted to '').
        const keys = await tx.anyFirst(sql.type(z.object({ customer_key: z.string() }))`
          select customer_key from ${t('customer_notes')} where business_id = ${e.data.businessId}`);
        const erased = [...last.keys()].filter((k) => k.startsWith(`${e.data.businessId}|`) && customerRef(e.data.businessId, k.slice(e.data.businessId.length + 1)) === e.data.customerRef);
        for (const k of erased) last.delete(k);
        const gone = keys.filter((k) => customerRef(e.data.businessId, k) === e.data.customerRef);
        if (gone.length > 0) {
          await tx.query(write`delete from ${t('customer_notes')} where business_id = ${e.data.businessId} and customer_key = any(${sql.array(gone, 'text')})`);
        }
        continue;
      }
      if (e.type !== 'CustomerNoteSet') continue;
      const d = e.data;
      last.set(`${d.businessId}|${d.customerKey}`, { business_id: d.businessId, customer_key: d.customerKey, note: d.note, updated_at: e.metadata.occurredAt, updated_by: e.metadata.actor });
    }
    const rows = [...last.values()];
    if (rows.length === 0) return;
    await tx.query(write`
      insert into ${t('customer_notes')} as n (business_id, customer_key, note, updated_at, updated_by)
      select * from jsonb_to_recordset(${jsonRows(rows)})
        as r(business_id uuid, customer_key text, note text, updated_at timestamptz, updated_by text)
      on conflict (business_id, customer_key) do update set note = excluded.note, updated_at = excluded.updated_at, updated_by = excluded.updated_by`);
    await tx.query(write`delete from ${t('customer_notes')} where note = '' and (business_id, customer_key) in
      (select * from jsonb_to_recordset(${jsonRows(rows.map((r) => ({ business_id: r.business_id, customer_key: r.customer_key })))}) as r(business_id uuid, customer_key text))`);
  },
};
