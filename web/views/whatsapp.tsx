// WhatsApp linking (session state, QR) and the simulator's "Try it" panel.
import { t } from '../i18n/index.ts';
import QRCode from 'qrcode';
import type { SessionInfo } from '../lib/control.ts';
import type { BusinessJson, GroupJson, MessageRow } from '../lib/queries.ts';
import { Csrf, when } from './layout.tsx';

export async function SessionPanel(p: { business: BusinessJson; session: SessionInfo | null; csrf: string; simulator: boolean; oob?: boolean }): Promise<string> {
  const s = p.session;
  const state = s?.state ?? 'STOPPED';
  const qr = s?.qr && state === 'SCAN_QR_CODE' ? await QRCode.toDataURL(s.qr, { margin: 1, width: 264 }) : null;
  const running = state !== 'STOPPED' && state !== 'FAILED';
  const base = `/business/${p.business.id}/whatsapp`;
  return (
    <div
      id={`wa-session-${p.business.id}`}
      class="card stack"
      hx-get={`${base}/panel`}
      hx-trigger="every 5s"
      hx-swap="outerHTML"
      {...(p.oob ? { 'hx-swap-oob': 'true' } : {})}
    >
      <h2>{t('wa.session')}</h2>
      <p>
        {t('wa.state')} <span class={`badge w-${state}`} data-state={state} safe>{state}</span>
        {s?.transport ? <span class="muted" safe>{t('wa.via', { transport: s.transport })}</span> : ''}
      </p>
      {state === 'FAILED' && s?.reason ? <p class="error" data-reason safe>{s.reason}</p> : ''}
      {state === 'WORKING' ? <p class="ok" safe>{s?.phone ? t('wa.connectedAs', { phone: s.phone }) : t('wa.connected')}</p> : ''}
      {qr ? (
        <figure class="qr">
          <img src={qr} alt={t('wa.qrAlt')} width="264" height="264" />
          <figcaption>{t('wa.qrHelp')}</figcaption>
        </figure>
      ) : (
        ''
      )}
      {s?.lastSeenAt ? <p class="muted" safe>{t('wa.lastSeen', { at: when(s.lastSeenAt) })}</p> : ''}
      <div class="buttons">
        {running ? (
          <button hx-delete={base} hx-target={`#wa-session-${p.business.id}`} hx-swap="outerHTML" class="danger" hx-confirm={t('wa.logoutConfirm')}>
            {t('wa.logout')}
          </button>
        ) : (
          <>
            <button hx-post={base} hx-vals='{"transport":"whatsapp"}' hx-target={`#wa-session-${p.business.id}`} hx-swap="outerHTML">
              {t('wa.link')}
            </button>
            {p.simulator ? (
              <button hx-post={base} hx-vals='{"transport":"simulator"}' hx-target={`#wa-session-${p.business.id}`} hx-swap="outerHTML" data-action="start-simulator">
                {t('wa.simulator')}
              </button>
            ) : (
              ''
            )}
          </>
        )}
      </div>
    </div>
  );
}

export function SimulatorFeed(p: {
  businessId: string;
  messages: MessageRow[];
  replies: Array<{ to: string; text: string; sentAt: string; inReplyTo: string | null; group: string }>;
  oob?: boolean;
}): JSX.Element {
  return (
    <div
      id={`sim-feed-${p.businessId}`}
      class="feed"
      hx-get={`/business/${p.businessId}/simulator/feed`}
      hx-trigger="every 3s"
      hx-swap="outerHTML"
      {...(p.oob ? { 'hx-swap-oob': 'true' } : {})}
    >
      <h3>{t('wa.messages')}</h3>
      <ul class="messages">
        {p.messages.map((m) => (
          <li>
            <strong safe>{m.sender_name ?? t('wa.someone')}</strong>: <span class="text" safe>{m.text}</span>{' '}
            {m.order_id ? (
              <a href={`/orders/${m.order_id}`} class="badge s-confirmed" safe>
                {m.outcome === 'status' ? t('wa.outcomeStatus') : t('wa.outcomeOrder')}
              </a>
            ) : (
              <span class="muted" safe>{m.outcome ?? t('wa.processing')}</span>
            )}
            {m.outcome_reason ? (
              <span class={`muted outcome-reason${m.outcome === 'ignored' ? ' ignored' : ''}`} safe>{` — ${m.outcome_reason}`}</span>
            ) : (
              ''
            )}
          </li>
        ))}
      </ul>
      <h3>{t('wa.replies')}</h3>
      <ul class="replies">
        {p.replies.map((r) => (
          <li class="reply">
            <span class="muted" safe>{`${when(r.sentAt)} → ${r.to} · ${r.group}`}</span>
            <pre class="message" safe>{r.text}</pre>
          </li>
        ))}
      </ul>
    </div>
  );
}

export function TryIt(p: { business: BusinessJson; groups: GroupJson[]; csrf: string; feed: JSX.Element; directOrders: boolean }): JSX.Element {
  return (
    <section class="card stack" id="try-it">
      <h2>{t('wa.tryIt')}</h2>
      <p class="muted">{t('wa.tryHelp')}</p>
      {p.groups.length === 0 && !p.directOrders ? (
        <p>
          {t('wa.addGroupFirst')} <a href="/business">{t('biz.title')}</a> {t('wa.addGroupTail')}
        </p>
      ) : (
        <form hx-post="/api/simulator/messages" hx-target={`#sim-feed-${p.business.id}`} hx-swap="outerHTML" class="stack" id="try-it-form">
          <Csrf token={p.csrf} />
          <input type="hidden" name="businessId" value={p.business.id} />
          <label>
            {t('wa.chat')}
            <select name="groupId">
              {p.groups.map((g) => (
                <option value={g.id} safe>
                  {`${g.name} (${t(`group.${g.groupType}`)})`}
                </option>
              ))}
              {p.directOrders ? (
                <option value="direct" data-direct>
                  {t('wa.direct')}
                </option>
              ) : (
                ''
              )}
            </select>
          </label>
          <div class="grid2">
            <label>
              {t('wa.customerName')} <input name="fromName" value="Bisi Adeyemi" required />
            </label>
            <label>
              {t('wa.customerPhone')} <input name="fromPhone" value="+2348035550101" required />
            </label>
          </div>
          <label>
            {t('wa.message')} <textarea name="text" rows="3" required placeholder="2 jollof rice to 14 Admiralty Way, Lekki"></textarea>
          </label>
          <button type="submit">{t('wa.send')}</button>
        </form>
      )}
      {p.feed}
    </section>
  );
}
