// Figures of the admin dashboard: platform traffic, event store size and append rate, and the
// WhatsApp bot of every business. Read from the read models and (size, rate) from es_events.
import { sql } from 'slonik';
import { z } from 'zod';
import type { Runtime } from '../runtime.ts';

const num = z.coerce.number();
const iso = z.coerce.date().transform((d) => d.toISOString());
const isoOrNull = z.coerce.date().nullable().transform((d) => (d ? d.toISOString() : null));

export interface HourCount {
  hour: string;
  orders: number;
  messages: number;
}

/** Orders placed and messages received per hour (UTC) across every business, last 24 hours. */
export async function trafficPerHour(rt: Runtime): Promise<HourCount[]> {
  const rows = await rt.pool.any(sql.type(z.object({ hour: iso, orders: num, messages: num }))`
    with hours as (
      select generate_series(date_trunc('hour', now()) - interval '23 hours', date_trunc('hour', now()), interval '1 hour') as hour
    ), o as (
      select date_trunc('hour', created_at) as hour, count(*) as n from orders
       where created_at >= date_trunc('hour', now()) - interval '23 hours' group by 1
    ), m as (
      select date_trunc('hour', received_at) as hour, count(*) as n from messages
       where received_at >= date_trunc('hour', now()) - interval '23 hours' group by 1
    )
    select h.hour, coalesce(o.n, 0) as orders, coalesce(m.n, 0) as messages
      from hours h left join o on o.hour = h.hour left join m on m.hour = h.hour
     order by h.hour`);
  return [...rows];
}

export interface EventStoreStats {
  kind: 'postgres' | 'eventstoredb';
  headPosition: string;
  /** Events stored; null when the store is EventStoreDB (not counted from here). */
  events: number | null;
  /** es_events with its indexes and TOAST; null for EventStoreDB. */
  bytes: number | null;
  appendedLastMinute: number | null;
  appendedLastHour: number | null;
}

export async function eventStoreStats(rt: Runtime, head: bigint): Promise<EventStoreStats> {
  if (rt.store.kind !== 'postgres') {
    return { kind: rt.store.kind, headPosition: head.toString(), events: null, bytes: null, appendedLastMinute: null, appendedLastHour: null };
  }
  // Event count from the stream revisions (one row per stream) rather than count(*) over every
  // event; the append rate reads only the newest positions (recorded_at grows with position).
  const r = await rt.pool.one(sql.type(z.object({ events: num, bytes: num, minute: num, hour: num }))`
    select (select coalesce(sum(revision + 1), 0) from es_streams) as events,
           pg_total_relation_size('es_events') as bytes,
           count(*) filter (where recorded_at >= now() - interval '1 minute') as minute,
           count(*) as hour
      from (select recorded_at from es_events
             where position > ${(head > 1_000_000n ? head - 1_000_000n : 0n).toString()}::bigint
               and recorded_at >= now() - interval '1 hour') recent`);
  return { kind: 'postgres', headPosition: head.toString(), events: r.events, bytes: r.bytes, appendedLastMinute: r.minute, appendedLastHour: r.hour };
}

const botRow = z.object({
  business_id: z.string(),
  name: z.string(),
  session_id: z.string().nullable(),
  transport: z.string().nullable(),
  state: z.string().nullable(),
  state_since: isoOrNull,
  last_message_at: isoOrNull,
  messages_today: num,
  orders_today: num,
  replies_today: num,
  response_time_avg: z.coerce.number().nullable(),
  uptime_seconds_today: num,
});

export interface BotStatus {
  businessId: string;
  businessName: string;
  session: { id: string; transport: string | null; state: string; since: string | null } | null;
  lastMessageAt: string | null;
  messagesToday: number;
  ordersToday: number;
  repliesToday: number;
  /** Mean MessageSent.responseMs today, in ms. */
  responseTimeAvgMs: number | null;
  /** Seconds WORKING since local midnight: closed intervals plus the one still open. */
  uptimeSecondsToday: number;
  uptimePercentageToday: number;
}

/** One row per business: its session state and today's bot figures, in the business's time zone. */
export async function botStatus(rt: Runtime): Promise<BotStatus[]> {
  const rows = await rt.pool.any(sql.type(botRow)`
    select b.id as business_id, b.name, s.id as session_id, s.transport, s.state, s.state_since,
           coalesce(s.last_message_at, (select max(received_at) from messages m where m.business_id = b.id)) as last_message_at,
           coalesce(bm.total_messages, 0) as messages_today, coalesce(bm.orders_processed, 0) as orders_today,
           coalesce(bm.replies_sent, 0) as replies_today, bm.response_time_avg,
           coalesce(bm.uptime_seconds, 0) + coalesce((
             select sum(greatest(0, extract(epoch from novi_session_alive_until(w.working_since, w.last_beat_at)
                                              - greatest(w.working_since, (date_trunc('day', now() at time zone b.timezone) at time zone b.timezone)))))
               from bot_metrics_sessions w where w.business_id = b.id), 0) as uptime_seconds_today
      from businesses b
      left join lateral (select * from whatsapp_sessions ws where ws.business_id = b.id order by ws.updated_at desc limit 1) s on true
      left join bot_metrics bm on bm.business_id = b.id and bm.day = (now() at time zone b.timezone)::date
     order by b.name, b.id`);
  return rows.map((r) => {
    const uptime = Math.max(0, Math.round(r.uptime_seconds_today));
    return {
      businessId: r.business_id,
      businessName: r.name,
      session: r.session_id ? { id: r.session_id, transport: r.transport, state: r.state ?? 'STOPPED', since: r.state_since } : null,
      lastMessageAt: r.last_message_at,
      messagesToday: r.messages_today,
      ordersToday: r.orders_today,
      repliesToday: r.replies_today,
      responseTimeAvgMs: r.response_time_avg,
      uptimeSecondsToday: uptime,
      uptimePercentageToday: Math.min(100, Math.round((uptime * 10000) / 86400) / 100),
    };
  });
}
