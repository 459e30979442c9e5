// WhatsApp linking (session state, QR) and the simulator's "Try it" panel.
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
      <h2>WhatsApp session</h2>
      <p>
        State: <span class={`badge w-${state}`} data-state={state} safe>{state}</span>
        {s?.transport ? <span class="muted" safe>{` via ${s.transport}`}</span> : ''}
      </p>
      {state === 'FAILED' && s?.reason ? <p class="error" data-reason safe>{s.reason}</p> : ''}
      {state === 'WORKING' ? <p class="ok" safe>{`Connected${s?.phone ? ` as ${s.phone}` : ''}. Messages in your linked groups become orders.`}</p> : ''}
      {qr ? (
        <figure class="qr">
          <img src={qr} alt="WhatsApp QR code" width="264" height="264" />
          <figcaption>Open WhatsApp → Linked devices → Link a device, and scan this code.</figcaption>
        </figure>
      ) : (
        ''
      )}
      {s?.lastSeenAt ? <p class="muted" safe>{`Last seen ${when(s.lastSeenAt)}`}</p> : ''}
      <div class="buttons">
        {running ? (
          <button hx-delete={base} hx-target={`#wa-session-${p.business.id}`} hx-swap="outerHTML" class="danger" hx-confirm="Log out of WhatsApp?">
            Log out
          </button>
        ) : (
          <>
            <button hx-post={base} hx-vals='{"transport":"whatsapp"}' hx-target={`#wa-session-${p.business.id}`} hx-swap="outerHTML">
              Link WhatsApp
            </button>
            {p.simulator ? (
              <button hx-post={base} hx-vals='{"transport":"simulator"}' hx-target={`#wa-session-${p.business.id}`} hx-swap="outerHTML" data-action="start-simulator">
                Start simulator
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
      <h3>Messages</h3>
      <ul class="messages">
        {p.messages.map((m) => (
          <li>
            <strong safe>{m.sender_name ?? 'someone'}</strong>: <span class="text" safe>{m.text}</span>{' '}
            {m.order_id ? (
              <a href={`/orders/${m.order_id}`} class="badge s-confirmed" safe>
                {m.outcome === 'status' ? 'status' : 'order'}
              </a>
            ) : (
              <span class="muted" safe>{m.outcome ?? 'processing…'}</span>
            )}
            {m.outcome_reason ? (
              <span class={`muted outcome-reason${m.outcome === 'ignored' ? ' ignored' : ''}`} safe>{` — ${m.outcome_reason}`}</span>
            ) : (
              ''
            )}
          </li>
        ))}
      </ul>
      <h3>Bot replies</h3>
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
      <h2>Try it</h2>
      <p class="muted">Write a message as a customer in one of your groups, or in a direct chat with your number; the simulator delivers it like WhatsApp would.</p>
      {p.groups.length === 0 && !p.directOrders ? (
        <p>
          Add a sales group on the <a href="/business">Businesses</a> page first, or turn on direct orders.
        </p>
      ) : (
        <form hx-post="/api/simulator/messages" hx-target={`#sim-feed-${p.business.id}`} hx-swap="outerHTML" class="stack" id="try-it-form">
          <Csrf token={p.csrf} />
          <input type="hidden" name="businessId" value={p.business.id} />
          <label>
            Chat
            <select name="groupId">
              {p.groups.map((g) => (
                <option value={g.id} safe>
                  {`${g.name} (${g.groupType})`}
                </option>
              ))}
              {p.directOrders ? (
                <option value="direct" data-direct>
                  Direct chat (customer → your number)
                </option>
              ) : (
                ''
              )}
            </select>
          </label>
          <div class="grid2">
            <label>
              Customer name <input name="fromName" value="Bisi Adeyemi" required />
            </label>
            <label>
              Customer phone <input name="fromPhone" value="+2348035550101" required />
            </label>
          </div>
          <label>
            Message <textarea name="text" rows="3" required placeholder="2 jollof rice to 14 Admiralty Way, Lekki"></textarea>
          </label>
          <button type="submit">Send as customer</button>
        </form>
      )}
      {p.feed}
    </section>
  );
}
