// Read model `bot_metrics`: the WhatsApp bot's activity per business and local day.
//
// total_messages counts MessageReceived, orders_processed OrderPlaced, replies_sent MessageSent;
// response_time_avg is the exact mean of MessageSent.responseMs. uptime counts closed WORKING
// intervals (SessionReady until SessionDisconnected/Failed/Stopped, which the live session says
// itself), split over local days (a DST day is counted as 24 h). A SessionStarted for a session still
// WORKING means its process died without a word: that interval closes at its last SessionHeartbeat
// (the supervisor's, at most one per 5 min), not at the restart. The interval still open is kept in
// bot_metrics_sessions (working_since, last_beat_at) and counted at read time by analytics.bot_metrics
// (up to now while heartbeats are fresh, else up to the last one; sql/014), so the table never depends
// on when the projection ran and a rebuild gives the same rows. uptime_percentage = uptime_seconds / 86 400.
import { sql } from 'slonik';
import { z } from 'zod';
import { jsonRows, localDayHour, timezoneForCountry, write, type Projection } from './shared.ts';

interface Delta { business_id: string; day: string; messages: number; orders: number; replies: number; rsum: number; rcount: number; uptime: number }

const tzRow = z.object({ business_id: z.string(), timezone: z.string() });
const sessionRow = z.object({ session_id: z.string(), business_id: z.string(), working_since: z.coerce.date(), last_beat_at: z.coerce.date().nullable() });

/** Seconds of [from, to) per local day in a zone. */
export function splitByLocalDay(from: Date, to: Date, timezone: string): Array<{ day: string; seconds: number }> {
  const out: Array<{ day: string; seconds: number }> = [];
  let cursor = from.getTime();
  const end = to.getTime();
  while (cursor < end) {
    const at = new Date(cursor);
    const { day } = localDayHour(at, timezone);
    const parts = new Intl.DateTimeFormat('en-GB', { timeZone: timezone, hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' }).formatToParts(at);
    const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
    const sinceMidnight = (get('hour') * 3600 + get('minute') * 60 + get('second')) * 1000 + (cursor % 1000);
    const next = Math.min(end, cursor + 86_400_000 - sinceMidnight);
    out.push({ day, seconds: Math.round((next - cursor) / 1000) });
    cursor = next;
  }
  return out;
}

export const botMetricsProjection: Projection = {
  name: 'bot_metrics',
  eventTypes: ['BusinessRegistered', 'BusinessUpdated', 'MessageReceived', 'OrderPlaced', 'MessageSent',
    'SessionStarted', 'SessionReady', 'SessionHeartbeat', 'SessionDisconnected', 'SessionFailed', 'SessionStopped'],
  tables: ['bot_metrics', 'bot_metrics_tz', 'bot_metrics_sessions'],
  async apply({ tx, t, touch }, events) {
    const businessIds = [...new Set(events.map((e) => (e.data as { businessId: string }).businessId))];
    const tz = new Map<string, string>();
    for (const r of await tx.any(sql.type(tzRow)`
      select business_id, timezone from ${t('bot_metrics_tz')} where business_id = any(${sql.array(businessIds, 'uuid')})`)) {
      tz.set(r.business_id, r.timezone);
    }
    const sessionIds = [...new Set(events.flatMap((e) => (e.type.startsWith('Session') ? [(e.data as { sessionId: string }).sessionId] : [])))];
    const working = new Map<string, { business_id: string; since: Date; lastBeat: Date | null } | null>();
    if (sessionIds.length > 0) {
      for (const r of await tx.any(sql.type(sessionRow)`
        select session_id, business_id, working_since, last_beat_at from ${t('bot_metrics_sessions')} where session_id = any(${sql.array(sessionIds, 'uuid')})`)) {
        working.set(r.session_id, { business_id: r.business_id, since: r.working_since, lastBeat: r.last_beat_at });
      }
    }
    const sessionsDirty = new Set<string>();
    const tzDirty = new Set<string>();
    const deltas = new Map<string, Delta>();
    const touched = new Map<string, string>();
    const delta = (b: string, at: string | Date): Delta => dayDelta(b, localDayHour(at, tz.get(b) ?? 'UTC').day);
    function dayDelta(b: string, day: string): Delta {
      const key = `${b}|${day}`;
      let d = deltas.get(key);
      if (!d) deltas.set(key, (d = { business_id: b, day, messages: 0, orders: 0, replies: 0, rsum: 0, rcount: 0, uptime: 0 }));
      return d;
    }

    for (const e of events) {
      const at = e.metadata.occurredAt;
      switch (e.type) {
        case 'BusinessRegistered':
        case 'BusinessUpdated': {
          const zone = timezoneForCountry(e.data.country);
          if (tz.get(e.data.businessId) !== zone) {
            tz.set(e.data.businessId, zone);
            tzDirty.add(e.data.businessId);
          }
          continue;
        }
        case 'MessageReceived':
          delta(e.data.businessId, at).messages += 1;
          break;
        case 'OrderPlaced':
          delta(e.data.businessId, e.data.placedAt).orders += 1;
          break;
        case 'MessageSent': {
          const d = delta(e.data.businessId, e.data.sentAt);
          d.replies += 1;
          if (e.data.responseMs !== null) {
            d.rsum += e.data.responseMs;
            d.rcount += 1;
          }
          break;
        }
        case 'SessionReady': {
          if (!working.get(e.data.sessionId)) {
            working.set(e.data.sessionId, { business_id: e.data.businessId, since: new Date(at), lastBeat: null });
            sessionsDirty.add(e.data.sessionId);
          }
          break;
        }
        case 'SessionHeartbeat': {
          const w = working.get(e.data.sessionId);
          if (!w) continue;
          const beat = new Date(at);
          if (!w.lastBeat || beat > w.lastBeat) w.lastBeat = beat;
          sessionsDirty.add(e.data.sessionId);
          continue;
        }
        case 'SessionStarted':
        case 'SessionDisconnected':
        case 'SessionFailed':
        case 'SessionStopped': {
          const w = working.get(e.data.sessionId);
          if (!w) continue;
          // Started again while WORKING: the process died silently; it was last known alive at its last heartbeat.
          const end = e.type === 'SessionStarted' ? (w.lastBeat ?? w.since) : new Date(at);
          for (const part of splitByLocalDay(w.since, end, tz.get(w.business_id) ?? 'UTC')) {
            dayDelta(w.business_id, part.day).uptime += part.seconds;
          }
          working.set(e.data.sessionId, null);
          sessionsDirty.add(e.data.sessionId);
          break;
        }
        default:
          continue;
      }
      touched.set((e.data as { businessId: string }).businessId, e.type);
    }

    if (tzDirty.size > 0) {
      const rows = [...tzDirty].map((b) => ({ business_id: b, timezone: tz.get(b) }));
      await tx.query(write`
        insert into ${t('bot_metrics_tz')} (business_id, timezone)
        select * from jsonb_to_recordset(${jsonRows(rows)}) as r(business_id uuid, timezone text)
        on conflict (business_id) do update set timezone = excluded.timezone`);
    }
    if (sessionsDirty.size > 0) {
      const open = [...sessionsDirty].flatMap((id) => {
        const w = working.get(id);
        return w ? [{ session_id: id, business_id: w.business_id, working_since: w.since.toISOString(), last_beat_at: w.lastBeat?.toISOString() ?? null }] : [];
      });
      await tx.query(write`delete from ${t('bot_metrics_sessions')} where session_id = any(${sql.array([...sessionsDirty], 'uuid')})`);
      if (open.length > 0) {
        await tx.query(write`
          insert into ${t('bot_metrics_sessions')} (session_id, business_id, working_since, last_beat_at)
          select * from jsonb_to_recordset(${sql.jsonb(open)}) as r(session_id uuid, business_id uuid, working_since timestamptz, last_beat_at timestamptz)`);
      }
    }
    const rows = [...deltas.values()].filter((d) => d.messages || d.orders || d.replies || d.rcount || d.uptime);
    if (rows.length > 0) {
      await tx.query(write`
        insert into ${t('bot_metrics')} as m (business_id, day, total_messages, orders_processed, replies_sent,
          response_time_sum, response_time_count, response_time_avg, uptime_seconds, uptime_percentage)
        select r.business_id, r.day, r.messages, r.orders, r.replies, r.rsum, r.rcount,
               case when r.rcount > 0 then round(r.rsum::numeric / r.rcount, 1) end,
               r.uptime, least(100, round(r.uptime * 100 / 86400.0, 2))
          from jsonb_to_recordset(${jsonRows(rows)})
            as r(business_id uuid, day date, messages int, orders int, replies int, rsum bigint, rcount int, uptime int)
        on conflict (business_id, day) do update set
          total_messages = m.total_messages + excluded.total_messages,
          orders_processed = m.orders_processed + excluded.orders_processed,
          replies_sent = m.replies_sent + excluded.replies_sent,
          response_time_sum = m.response_time_sum + excluded.response_time_sum,
          response_time_count = m.response_time_count + excluded.response_time_count,
          response_time_avg = case when m.response_time_count + excluded.response_time_count > 0
            then round((m.response_time_sum + excluded.response_time_sum)::numeric / (m.response_time_count + excluded.response_time_count), 1) end,
          uptime_seconds = m.uptime_seconds + excluded.uptime_seconds,
          uptime_percentage = least(100, round((m.uptime_seconds + excluded.uptime_seconds) * 100 / 86400.0, 2))`);
    }
    for (const [b, event] of touched) touch({ type: 'metrics', businessId: b, event });
  },
};
