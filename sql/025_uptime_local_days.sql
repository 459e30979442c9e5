-- The open uptime interval was split over local days at the wrong instants (sql/014): the day came
-- from generate_series as a timestamptz (midnight UTC), and `that at time zone tz` turned it into a
-- local wall time read back as UTC, so every day boundary moved by the zone's offset twice. A Lagos
-- bot that worked from 00:15 to 00:45 local counted 0 s (tests/pipeline/uptime.int.test.ts failed
-- when run between 23:00 and 01:00 UTC). Boundaries are now local midnight of the local date.
create or replace view analytics.bot_metrics as
with open_parts as (
  select s.business_id,
         d.day,
         extract(epoch from least(u.until, (d.day + 1)::timestamp at time zone u.tz)
                          - greatest(s.working_since, d.day::timestamp at time zone u.tz)) as seconds
    from public.bot_metrics_sessions s
    left join public.bot_metrics_tz z on z.business_id = s.business_id
    cross join lateral (select public.novi_session_alive_until(s.working_since, s.last_beat_at) as until,
                               coalesce(z.timezone, 'UTC') as tz) u
    cross join lateral (select g::date as day
                          from generate_series((s.working_since at time zone u.tz)::date::timestamp, (u.until at time zone u.tz)::date::timestamp, interval '1 day') as g) d
   where u.until > s.working_since
), open_days as (
  select business_id, day, round(sum(seconds))::int as seconds from open_parts where seconds > 0 group by business_id, day
)
select coalesce(m.business_id, o.business_id) as business_id,
       coalesce(m.day, o.day) as day,
       coalesce(m.total_messages, 0) as total_messages,
       coalesce(m.orders_processed, 0) as orders_processed,
       coalesce(m.replies_sent, 0) as replies_sent,
       m.response_time_avg as response_time_avg_ms,
       coalesce(m.uptime_seconds, 0) + coalesce(o.seconds, 0) as uptime_seconds,
       least(100, round((coalesce(m.uptime_seconds, 0) + coalesce(o.seconds, 0)) * 100 / 86400.0, 2)) as uptime_percentage
  from public.bot_metrics m
  full join open_days o on o.business_id = m.business_id and o.day = m.day;
comment on view analytics.bot_metrics is 'WhatsApp bot activity per business and local day; uptime includes the interval still open (up to now, or the last heartbeat of a silent process).';
grant select on analytics.bot_metrics to novi_analyst;
