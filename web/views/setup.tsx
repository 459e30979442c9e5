// WhatsApp setup views: the account's chat list to pick groups from, reply templates with their
// live preview, and what the bot sends to the merchant's own groups. Every chat name and template
// text is rendered escaped (`safe` or an attribute).
import { num, t } from '../i18n/index.ts';
import { GROUP_TYPES, LANGUAGES, type Language } from '../../src/events/catalog.ts';
import type { ChatJson } from '../../src/whatsapp/chats.ts';
import { EDITABLE_TEMPLATES, type EditableTemplateKey } from '../../src/whatsapp/templates.ts';
import type { NotificationSettings } from '../../src/businesses/business.ts';
import { Csrf, when } from './layout.tsx';

export type ChatRow = ChatJson & { linkedGroup: { id: string; name: string; groupType: string } | null };

/** A reply template's name in the merchant's language. */
export const templateLabel = (key: EditableTemplateKey): string => t(`tpl.${key}`);

const languageName = (l: Language): string => t(`lang.${l}`);

/** The account's chats; a group not linked yet gets a one-click "link as …" form. */
export function ChatList(p: { businessId: string; chats: ChatRow[]; csrf: string; error?: string | null }): JSX.Element {
  return (
    <div id="wa-chats" class="stack">
      {p.error ? <p class="error" safe>{p.error}</p> : ''}
      {!p.error && p.chats.length === 0 ? <p class="muted">{t('setup.noChats')}</p> : ''}
      <ul class="chats">
        {p.chats.map((c) => (
          <li class="chat" data-chat-id={c.id}>
            <strong safe>{c.name}</strong>{' '}
            <span class="muted" safe>
              {`${c.isGroup ? t('setup.group') : t('setup.directChat')}${c.participants !== null ? t('setup.participants', { count: num(c.participants) }) : ''}${c.lastMessageAt ? t('setup.lastMessage', { at: when(c.lastMessageAt) }) : ''}`}
            </span>
            {c.linkedGroup ? (
              <span class={`badge g-${c.linkedGroup.groupType}`} safe>{t('setup.linked', { name: c.linkedGroup.name })}</span>
            ) : c.isGroup ? (
              <form method="post" action="/groups" class="inline link-chat">
                <Csrf token={p.csrf} />
                <input type="hidden" name="businessId" value={p.businessId} />
                <input type="hidden" name="whatsappId" value={c.id} />
                <input type="hidden" name="name" value={c.name.trim() === '' ? t('setup.whatsappGroup') : c.name.slice(0, 120)} />
                <select name="groupType" aria-label={t('setup.groupType')}>
                  {GROUP_TYPES.map((gt) => (
                    <option value={gt}>{t(`group.${gt}`)}</option>
                  ))}
                </select>
                <button type="submit">{t('setup.link')}</button>
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
      <h2>{t('setup.yourGroups')}</h2>
      <p class="muted">{t('setup.groupsHelp')}</p>
      <div class="buttons">
        <button hx-get={`/business/${p.businessId}/whatsapp/chats`} hx-target="#wa-chats" hx-swap="outerHTML" data-action="list-chats">
          {t('setup.listChats')}
        </button>
      </div>
      {p.simulator ? (
        <form hx-post="/api/simulator/groups" hx-target="#wa-chats" hx-swap="outerHTML" class="inline" id="new-sim-group">
          <Csrf token={p.csrf} />
          <input type="hidden" name="businessId" value={p.businessId} />
          <label>
            {t('setup.newSimGroup')} <input name="name" required maxlength="120" placeholder={t('setup.newSimGroupHint')} />
          </label>
          <button type="submit">{t('setup.create')}</button>
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
      <h1 safe>{t('setup.repliesTitle', { business: p.businessName })}</h1>
      <nav class="tabs">
        {LANGUAGES.map((l) => (
          <a href={`${base}?language=${l}`} class={l === p.language ? 'active' : ''}>
            {languageName(l)}
          </a>
        ))}
      </nav>
      <div class="grid2">
        <form method="post" action={base} class="card stack" id="templates-form" hx-post={`${base}/preview`} hx-trigger="input delay:300ms" hx-target="#template-preview" hx-swap="outerHTML">
          <Csrf token={p.csrf} />
          <input type="hidden" name="language" value={p.language} />
          <label>
            {t('setup.replyLanguage')}
            <select name="defaultLanguage">
              <option value="" selected={p.defaultLanguage === null}>
                {t('setup.customersLanguage')}
              </option>
              {LANGUAGES.map((l) => (
                <option value={l} selected={p.defaultLanguage === l}>
                  {t('setup.always', { language: languageName(l) })}
                </option>
              ))}
            </select>
          </label>
          {p.rows.map((r) => (
            <label>
              <span safe>{`${templateLabel(r.key)}${r.custom ? t('setup.custom') : ''}`}</span>
              <textarea name={`tpl:${r.key}`} rows="2" maxlength="1000" data-key={r.key} placeholder={r.defaultText} safe>
                {r.custom ? r.text : ''}
              </textarea>
              <span class="muted" safe>{t('setup.placeholders', { list: EDITABLE_TEMPLATES[r.key].map((x) => `{${x}}`).join(' ') })}</span>
            </label>
          ))}
          <button type="submit">{t('setup.saveReplies')}</button>
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
      <h2>{t('setup.preview')}</h2>
      <ul class="replies">
        {p.rows.map((r) => (
          <li class="reply" data-key={r.key}>
            <span class="muted" safe>{templateLabel(r.key)}</span>
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
      <h2>{t('setup.groupMessages')}</h2>
      <Csrf token={p.csrf} />
      <label class="check">
        <input type="checkbox" name="deliverySummary" value="on" checked={s.deliverySummary} /> {t('setup.deliverySummary')}
      </label>
      <label class="check">
        <input type="checkbox" name="adminAlerts" value="on" checked={s.adminAlerts} /> {t('setup.adminAlerts')}
      </label>
      <label class="check">
        <input type="checkbox" name="reviewQuestion" value="on" checked={s.reviewQuestion} /> {t('setup.reviewQuestion')}
      </label>
      <button type="submit">{t('setup.save')}</button>
    </form>
  );
}
