// Read model `whatsapp_sessions`: each business's WhatsApp connection as the dashboard shows it.
import { sql } from 'slonik';
import { write, type Projection } from './shared.ts';

type State = 'STOPPED' | 'STARTING' | 'SCAN_QR_CODE' | 'WORKING' | 'FAILED';

export const sessionsProjection: Projection = {
  name: 'sessions',
  eventTypes: ['SessionStarted', 'QrIssued', 'SessionReady', 'SessionDisconnected', 'SessionFailed', 'SessionStopped', 'MessageReceived'],
  tables: ['whatsapp_sessions'],
  async apply({ tx, t, touch }, events) {
    // Message traffic only moves last_message_at: one statement per batch, latest per session.
    const lastMessage = new Map<string, string>();
    for (const e of events) {
      if (e.type === 'MessageReceived') {
        const prev = lastMessage.get(e.data.sessionId);
        if (!prev || prev < e.metadata.occurredAt) lastMessage.set(e.data.sessionId, e.metadata.occurredAt);
        continue;
      }
      let state: State;
      let qr: string | null = null;
      let attempts: number | null = null;
      let phone: string | null | undefined;
      switch (e.type) {
        case 'SessionStarted':
          state = 'STARTING';
          attempts = 0;
          break;
        case 'QrIssued':
          state = 'SCAN_QR_CODE';
          qr = e.data.qr;
          attempts = e.data.attempt;
          break;
        case 'SessionReady':
          state = 'WORKING';
          phone = e.data.phone;
          break;
        // The supervisor reconnects a dropped session: it is starting again until Ready, Failed or Stopped.
        case 'SessionDisconnected':
          state = 'STARTING';
          break;
        case 'SessionFailed':
          state = 'FAILED';
          break;
        case 'SessionStopped':
          state = 'STOPPED';
          break;
        default:
          continue;
      }
      const d = e.data;
      const at = e.metadata.occurredAt;
      await tx.query(write`
        insert into ${t('whatsapp_sessions')} as s (id, business_id, transport, state, qr, qr_attempts, phone, last_seen_at, state_since, updated_at)
        values (${d.sessionId}, ${d.businessId}, ${d.transport}, ${state}, ${qr}, ${attempts ?? 0}, ${phone ?? null}, ${at}, ${at}, ${at})
        on conflict (id) do update set
          business_id = excluded.business_id, transport = excluded.transport, state = excluded.state, qr = excluded.qr,
          qr_attempts = ${attempts === null ? sql.fragment`s.qr_attempts` : sql.fragment`excluded.qr_attempts`},
          phone = ${phone === undefined ? sql.fragment`s.phone` : sql.fragment`excluded.phone`},
          last_seen_at = excluded.last_seen_at,
          state_since = case when s.state = excluded.state then s.state_since else excluded.state_since end,
          updated_at = excluded.updated_at`);
      touch({ type: 'session', businessId: d.businessId, event: e.type });
    }
    if (lastMessage.size > 0) {
      const rows = [...lastMessage].map(([id, at]) => ({ id, at }));
      await tx.query(write`
        update ${t('whatsapp_sessions')} s set last_message_at = greatest(s.last_message_at, r.at)
          from jsonb_to_recordset(${sql.jsonb(rows)}) as r(id uuid, at timestamptz) where s.id = r.id`);
    }
  },
};
