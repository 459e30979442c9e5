// The business's conversation settings: direct orders, where group replies go, the self-edit window.
import { t } from '../i18n/index.ts';
import type { BusinessSettings } from '../../src/businesses/business.ts';
import { MAX_SELF_EDIT_MINUTES, MIN_SELF_EDIT_MINUTES } from '../../src/events/catalog.ts';
import { Csrf } from './layout.tsx';

export function ConversationSettings(p: { businessId: string; settings: BusinessSettings; csrf: string; saved?: boolean }): JSX.Element {
  const s = p.settings;
  const action = `/business/${p.businessId}/conversations`;
  return (
    <form id={`conversations-${p.businessId}`} class="card stack" method="post" action={action} hx-post={action} hx-swap="outerHTML">
      <h2>{t('conv.title')}</h2>
      <Csrf token={p.csrf} />
      <input type="hidden" name="directOrders" value="off" />
      <label class="inline">
        <input type="checkbox" name="directOrders" value="on" checked={s.directOrders} /> {t('conv.direct')}
      </label>
      <label>
        {t('conv.replies')}
        <select name="replyMode">
          <option value="group" selected={s.replyMode === 'group'}>
            {t('conv.inGroup')}
          </option>
          <option value="private" selected={s.replyMode === 'private'}>
            {t('conv.private')}
          </option>
        </select>
      </label>
      <label>
        {t('conv.window')}
        <input type="number" name="selfEditWindowMinutes" min={String(MIN_SELF_EDIT_MINUTES)} max={String(MAX_SELF_EDIT_MINUTES)} value={String(s.selfEditWindowMinutes)} required />
      </label>
      <button type="submit">{t('conv.save')}</button>
      {p.saved ? <p class="ok" role="status">{t('conv.saved')}</p> : ''}
    </form>
  );
}
