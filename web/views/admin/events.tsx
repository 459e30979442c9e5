// The event timeline: one entry per stored event with its actor, correlation and causation as
// links, and its data as escaped, pretty JSON (never markup, whatever a customer typed).
import { t } from '../../i18n/index.ts';
import type { TimelineEvent, EventFilters } from '../../../src/admin/timeline.ts';

const q = (params: Record<string, string>): string => `/admin/events?${new URLSearchParams(params).toString()}`;

function dataField(e: TimelineEvent, key: string): string | null {
  const d = e.data;
  if (typeof d !== 'object' || d === null) return null;
  const v = (d as Record<string, unknown>)[key];
  return typeof v === 'string' ? v : null;
}

/** The links that let an admin follow the story from one event to the next. */
function Related(p: { e: TimelineEvent }): JSX.Element {
  const e = p.e;
  const links: JSX.Element[] = [];
  const orderId = e.stream.startsWith('order-') ? e.stream.slice('order-'.length) : dataField(e, 'orderId');
  if (orderId) links.push(<a href={`/admin/orders/${encodeURIComponent(orderId)}/timeline`} class="order-timeline">{t('ev.orderTimeline')}</a>);
  const sessionId = e.stream.startsWith('session-') ? e.stream.slice('session-'.length) : dataField(e, 'sessionId');
  if (sessionId) links.push(<a href={`/admin/sessions/${encodeURIComponent(sessionId)}/timeline`}>{t('ev.sessionTimeline')}</a>);
  if (e.metadata.tenantId) links.push(<a href={`/admin/businesses/${encodeURIComponent(e.metadata.tenantId)}/timeline`}>{t('ev.businessTimeline')}</a>);
  return <span class="related">{links}</span>;
}

export function EventItem(p: { e: TimelineEvent }): JSX.Element {
  const e = p.e;
  const m = e.metadata;
  return (
    <li class="event card" id={`e-${e.id}`} data-type={e.type}>
      <div class="row">
        <strong class="event-type" safe>{e.type}</strong>
        <span class="muted" safe>{`#${e.position} · ${m.occurredAt ?? e.recordedAt}`}</span>
      </div>
      <dl>
        <dt>{t('ev.stream')}</dt>
        <dd>
          <a href={q({ stream: e.stream })} safe>{e.stream}</a> <span class="muted" safe>{`rev ${e.revision}`}</span>
        </dd>
        <dt>{t('ev.actor')}</dt>
        <dd>{m.actor ? <a href={q({ actor: m.actor })} safe>{m.actor}</a> : '—'}</dd>
        <dt>{t('ev.correlation')}</dt>
        <dd>
          {m.correlationId ? (
            <a href={q({ correlationId: m.correlationId })} class="correlation" safe>
              {m.correlationId}
            </a>
          ) : (
            '—'
          )}
        </dd>
        <dt>{t('ev.causation')}</dt>
        <dd>
          {m.causationId ? (
            <a href={q({ id: m.causationId })} class="causation" safe>
              {m.causationId}
            </a>
          ) : (
            '—'
          )}
        </dd>
        <dt>{t('ev.eventId')}</dt>
        <dd>
          <a href={q({ id: e.id })} safe>{e.id}</a>
        </dd>
        <dt>{t('ev.recorded')}</dt>
        <dd safe>{e.recordedAt}</dd>
      </dl>
      <Related e={e} />
      <details open>
        <summary>{t('ev.data')}</summary>
        <pre class="event-data" safe>{JSON.stringify(e.data, null, 2)}</pre>
      </details>
    </li>
  );
}

export function EventList(p: { events: TimelineEvent[]; next?: string | null; query?: Record<string, string> }): JSX.Element {
  return (
    <div id="events-results">
      {p.events.length === 0 ? <p class="muted">{t('ev.none')}</p> : ''}
      <ol class="events">
        {p.events.map((e) => (
          <EventItem e={e} />
        ))}
      </ol>
      {p.next ? (
        <nav class="pager">
          <a href={q({ ...(p.query ?? {}), before: p.next })} class="older" rel="next">
            {t('ev.older')}
          </a>
        </nav>
      ) : (
        ''
      )}
    </div>
  );
}

/** The filters of GET /admin/events, as a plain GET form (the URL is the state). */
export function EventFiltersForm(p: { f: Partial<EventFilters>; action?: string }): JSX.Element {
  const v = (x: string | bigint | number | undefined) => (x === undefined ? '' : String(x));
  return (
    <form class="filters events-filters" method="get" action={p.action ?? '/admin/events'}>
      <label>
        {t('ev.stream')} <input name="stream" value={v(p.f.stream)} placeholder="order-…, chat-…, session-…, user-…" />
      </label>
      <label>
        {t('ev.type')} <input name="type" value={v(p.f.type)} placeholder="OrderPlaced,StatusChanged" />
      </label>
      <label>
        {t('ev.tenant')} <input name="tenantId" value={v(p.f.tenantId)} />
      </label>
      <label>
        {t('ev.correlationId')} <input name="correlationId" value={v(p.f.correlationId)} />
      </label>
      <label>
        {t('ev.from')} <input name="from" value={v(p.f.from)} placeholder={t('ev.timeHint')} />
      </label>
      <label>
        {t('ev.to')} <input name="to" value={v(p.f.to)} placeholder={t('ev.timeHint')} />
      </label>
      <label>
        Per page <input name="limit" type="number" min="1" max="200" value={v(p.f.limit)} />
      </label>
      <button type="submit">{t('ev.filter')}</button>
    </form>
  );
}
