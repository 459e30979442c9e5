// WhatsApp setup views: the account's chat list to pick groups from, reply templates with their
// live preview, and what the bot sends to the merchant's own groups. Every chat name and template
// text is rendered escaped (`safe` or an attribute).
import { GROUP_TYPES, LANGUAGES, type Language } from '../../src/events/catalog.ts';
import type { ChatJson } from '../../src/whatsapp/chats.ts';
import { EDITABLE_TEMPLATES, type EditableTemplateKey } from '../../src/whatsapp/templates.ts';
import type { NotificationSettings } from '../../src/businesses/business.ts';
import { Csrf, when } from './layout.tsx';

export type ChatRow = ChatJson & { linkedGroup: { id: string; name: string; groupType: string } | null };

export const TEMPLATE_LABELS: Record<EditableTemplateKey, string> = {
  'order.confirmation': 'Order confirmation',
  'order.missing.address': 'Missing details: address',
  'order.missing.phone': 'Missing details: phone',
  'order.question.items': 'Missing details: items not recognised',
  'order.status.confirmed': 'Status: confirmed',
  'order.status.processing': 'Status: processing',
  'order.status.out_for_delivery': 'Status: out for delivery',
  'order.status.delivered': 'Status: delivered',
  'order.status.cancelled': 'Status: cancelled',
  'order.review': 'Review question (after delivery)',
};

const LANGUAGE_NAMES: Record<Language, string> = { en: 'English', es: 'Español', pt: 'Português' };

/** The account's chats; a group not linked yet gets a one-click "link as …" form. */
export function ChatList(p: { businessId: string; chats: ChatRow[]; csrf: string; error?: string | null }): JSX.Element {
  return (
    <div id="wa-chats" class="stack">
      {p.error ? <p class="error" safe>{p.error}</p> : ''}
      {!p.error && p.chats.length === 0 ? <p class="muted">No chats yet. Add the shop's number to a WhatsApp group, then list again.</p> : ''}
      <ul class="chats">
        {p.chats.map((c) => (
          <li class="chat" data-chat-id={c.id}>
            <strong safe>{c.name}</strong>{' '}
            <span class="muted" safe>
              {`${c.isGroup ? 'group' : 'direct chat'}${c.participants !== null ? ` · ${c.participants} participants` : ''}${c.lastMessageAt ? ` · last message ${when(c.lastMessageAt)}` : ''}`}
            </span>
            {c.linkedGroup ? (
              <span class={`badge g-${c.linkedGroup.groupType}`} safe>{`linked: ${c.linkedGroup.name}`}</span>
            ) : c.isGroup ? (
              <form method="post" action="/groups" class="inline link-chat">
                <Csrf token={p.csrf} />
                <input type="hidden" name="businessId" value={p.businessId} />
                <input type="hidden" name="whatsappId" value={c.id} />
                <input type="hidden" name="name" value={c.name.trim() === '' ? 'WhatsApp group' : c.name.slice(0, 120)} />
                <select name="groupType" aria-label="Group type">
                  {GROUP_TYPES.map((t) => (
                    <option value={t}>{t}</option>
                  ))}
                </select>
                <button type="submit">Link this group</button>
              </form>
            ) : (
              ''
            )}
          </li>
        ))}
      </ul>
    </div>
  );
}

/** On the WhatsApp page: list the account's chats; in the simulator, create a simulated group. */
export function ChatsSection(p: { businessId: string; csrf: string; simulator: boolean }): JSX.Element {
  return (
    <section class="card stack" id="chats">
      <h2>Your WhatsApp groups</h2>
      <p class="muted">Once WhatsApp is connected, pick the groups Novi reads instead of typing their ids.</p>
      <div class="buttons">
        <button hx-get={`/business/${p.businessId}/whatsapp/chats`} hx-target="#wa-chats" hx-swap="outerHTML" data-action="list-chats">
          List my WhatsApp chats
        </button>
      </div>
      {p.simulator ? (
        <form hx-post="/api/simulator/groups" hx-target="#wa-chats" hx-swap="outerHTML" class="inline" id="new-sim-group">
          <Csrf token={p.csrf} />
          <input type="hidden" name="businessId" value={p.businessId} />
          <label>
            New simulated group <input name="name" required maxlength="120" placeholder="Lagos buyers" />
          </label>
          <button type="submit">Create</button>
        </form>
      ) : (
        ''
      )}
      <div id="wa-chats"></div>
    </section>
  );
}

export interface TemplateRow {
  key: EditableTemplateKey;
  text: string;
  defaultText: string;
  custom: boolean;
}

/** One language's templates: a textarea per reply, previewed live as the merchant types. */
export function TemplatesPage(p: {
  businessId: string;
  businessName: string;
  language: Language;
  defaultLanguage: Language | null;
  rows: TemplateRow[];
  preview: JSX.Element;
  notifications: NotificationSettings;
  csrf: string;
}): JSX.Element {
  const base = `/business/${p.businessId}/templates`;
  return (
    <>
      <h1 safe>{`Replies · ${p.businessName}`}</h1>
      <nav class="tabs">
        {LANGUAGES.map((l) => (
          <a href={`${base}?language=${l}`} class={l === p.language ? 'active' : ''}>
            {LANGUAGE_NAMES[l]}
          </a>
        ))}
      </nav>
      <div class="grid2">
        <form method="post" action={base} class="card stack" id="templates-form" hx-post={`${base}/preview`} hx-trigger="input delay:300ms" hx-target="#template-preview" hx-swap="outerHTML">
          <Csrf token={p.csrf} />
          <input type="hidden" name="language" value={p.language} />
          <label>
            Reply language
            <select name="defaultLanguage">
              <option value="" selected={p.defaultLanguage === null}>
                the customer's (guessed from their message)
              </option>
              {LANGUAGES.map((l) => (
                <option value={l} selected={p.defaultLanguage === l}>
                  {`always ${LANGUAGE_NAMES[l]}`}
                </option>
              ))}
            </select>
          </label>
          {p.rows.map((r) => (
            <label>
              <span safe>{`${TEMPLATE_LABELS[r.key]}${r.custom ? ' (custom)' : ''}`}</span>
              <textarea name={`tpl:${r.key}`} rows="2" maxlength="1000" data-key={r.key} placeholder={r.defaultText} safe>
                {r.custom ? r.text : ''}
              </textarea>
              <span class="muted" safe>{`Placeholders: ${EDITABLE_TEMPLATES[r.key].map((x) => `{${x}}`).join(' ')} · empty = the default`}</span>
            </label>
          ))}
          <button type="submit">Save replies</button>
        </form>
        {p.preview}
      </div>
      <NotificationsForm businessId={p.businessId} settings={p.notifications} csrf={p.csrf} />
    </>
  );
}

export function TemplatePreview(p: { rows: Array<{ key: EditableTemplateKey; text: string; error: string | null }> }): JSX.Element {
  return (
    <section class="card stack" id="template-preview">
      <h2>Preview</h2>
      <ul class="replies">
        {p.rows.map((r) => (
          <li class="reply" data-key={r.key}>
            <span class="muted" safe>{TEMPLATE_LABELS[r.key]}</span>
            {r.error ? <p class="error" safe>{r.error}</p> : <pre class="message" safe>{r.text}</pre>}
          </li>
        ))}
      </ul>
    </section>
  );
}

/** What the bot sends besides answers to customers. */
export function NotificationsForm(p: { businessId: string; settings: NotificationSettings; csrf: string }): JSX.Element {
  const s = p.settings;
  return (
    <form method="post" action={`/business/${p.businessId}/notifications`} class="card stack" id="notifications-form">
      <h2>Messages to your groups</h2>
      <Csrf token={p.csrf} />
      <label class="check">
        <input type="checkbox" name="deliverySummary" value="on" checked={s.deliverySummary} /> Send each confirmed order's summary (number, items,
        address, customer phone) to the delivery groups; a rider replying to it moves the order
      </label>
      <label class="check">
        <input type="checkbox" name="adminAlerts" value="on" checked={s.adminAlerts} /> Announce each new order in the admin groups
      </label>
      <label class="check">
        <input type="checkbox" name="reviewQuestion" value="on" checked={s.reviewQuestion} /> Ask the customer for a review after delivery
      </label>
      <button type="submit">Save</button>
    </form>
  );
}
