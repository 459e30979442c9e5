// Parked events (src/subscriptions/parking.ts): the event, its error, Retry and (confirmed) Skip.
import { num, t } from '../../i18n/index.ts';
import type { ParkedEvent } from '../../../src/subscriptions/parking.ts';
import { Csrf, when } from '../layout.tsx';

export interface ParkedRowData {
  parked: ParkedEvent;
  /** The stored event's data as JSON text (secret-looking fields removed), or null when it is gone. */
  data: string | null;
}

const rowId = (p: ParkedEvent) => `parked-${p.subscriber.replace(/[^a-z0-9]/gi, '-')}-${p.eventId}`;
const base = (p: ParkedEvent) => `/admin/parked/${encodeURIComponent(p.subscriber)}/${p.eventId}`;

export function ParkedRow(props: { row: ParkedRowData; csrf: string }): JSX.Element {
  const p = props.row.parked;
  return (
    <li id={rowId(p)} class={`card parked parked-${p.status}`} data-status={p.status}>
      <p>
        <strong safe>{p.subscriber}</strong> <span class="badge" safe>{p.status}</span>{' '}
        <span safe>{t('park.position', { type: p.eventType, position: String(p.position) })}</span>
        <a href={`/admin/events?stream=${encodeURIComponent(p.streamId)}`} safe>
          {p.streamId}
        </a>{' '}
        <span class="muted" safe>{t('park.parked', { at: when(p.parkedAt.toISOString()), attempts: num(p.attempts) })}</span>
      </p>
      <pre class="error" safe>{p.error}</pre>
      {props.row.data !== null ? (
        <details>
          <summary>{t('park.data')}</summary>
          <pre safe>{props.row.data}</pre>
        </details>
      ) : (
        ''
      )}
      {p.resolution ? <p class="muted" safe>{p.resolution}</p> : ''}
      {p.status === 'parked' ? (
        <div class="actions">
          <form method="post" action={`${base(p)}/retry`} hx-post={`${base(p)}/retry`} hx-target={`#${rowId(p)}`} hx-swap="outerHTML" class="inline">
            <Csrf token={props.csrf} />
            <button type="submit" data-action="retry">
              {t('park.retry')}
            </button>
          </form>
          <form method="post" action={`${base(p)}/skip`} hx-post={`${base(p)}/skip`} hx-target={`#${rowId(p)}`} hx-swap="outerHTML" class="inline skip">
            <Csrf token={props.csrf} />
            <label>
              {t('park.reason')} <input type="text" name="reason" required maxlength="1000" placeholder={t('park.reasonHint')} />
            </label>
            <label>
              <input type="checkbox" name="confirm" value="yes" required /> <span safe>{t('park.never', { subscriber: p.subscriber })}</span>
            </label>
            <button type="submit" class="danger" data-action="skip">
              {t('park.skip')}
            </button>
          </form>
        </div>
      ) : (
        ''
      )}
    </li>
  );
}

export function ParkedList(p: { rows: ParkedRowData[]; csrf: string; all: boolean }): JSX.Element {
  return (
    <>
      <h1>{t('park.title')}</h1>
      <p class="muted">{t('park.help', { behind: '<em>behind</em>' })}</p>
      <p>{p.all ? <a href="/admin/parked">{t('park.openOnly')}</a> : <a href="/admin/parked?all=1">{t('park.includeAll')}</a>}</p>
      {p.rows.length === 0 ? (
        <p class="empty">{t('park.nothing')}</p>
      ) : (
        <ol class="parked-list">
          {p.rows.map((row) => (
            <ParkedRow row={row} csrf={p.csrf} />
          ))}
        </ol>
      )}
    </>
  );
}
