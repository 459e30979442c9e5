// The Integrations page of a business (owner only): API keys and webhooks with their delivery log.
// Every value from outside (key names, URLs, errors) is rendered escaped.
import { num, t, type MessageKey } from '../i18n/index.ts';
import { Csrf, when } from './layout.tsx';
import type { BusinessJson } from '../lib/queries.ts';
import type { ApiKeyJson } from '../../src/integrations/api-keys.ts';
import type { DeliveryJson, WebhookJson } from '../../src/integrations/webhooks.ts';
import { WEBHOOK_EVENTS } from '../../src/integrations/aggregates.ts';

export interface IntegrationsProps {
  business: BusinessJson;
  keys: ApiKeyJson[];
  webhooks: Array<{ webhook: WebhookJson; deliveries: DeliveryJson[] }>;
  csrf: string;
  /** Shown once, right after creation. */
  newToken?: { name: string; token: string } | undefined;
  newSecret?: { url: string; secret: string } | undefined;
}

export function IntegrationsPage(p: IntegrationsProps): JSX.Element {
  const base = `/business/${p.business.id}`;
  return (
    <>
      <div class="row">
        <h1 safe>{t('int.heading', { business: p.business.name })}</h1>
        <a href="/docs">{t('int.docs')}</a>
      </div>
      <section class="card stack" id="api-keys">
        <h2>{t('int.keys')}</h2>
        <p class="muted">{t('int.keysHelp', { header: '<code>Authorization: Bearer …</code>' })}</p>
        {p.newToken ? (
          <div class="flash secret" role="status" id="new-key">
            <p safe>{t('int.newKey', { name: p.newToken.name })}</p>
            <code class="token" safe>
              {p.newToken.token}
            </code>
          </div>
        ) : (
          ''
        )}
        {p.keys.length === 0 ? (
          <p class="muted">{t('int.noKeys')}</p>
        ) : (
          <table class="keys">
            <thead>
              <tr>
                <th>{t('int.name')}</th>
                <th>{t('int.key')}</th>
                <th class="hide-sm">{t('int.created')}</th>
                <th class="hide-sm">{t('int.lastUsed')}</th>
                <th></th>
              </tr>
            </thead>
            <tbody>
              {p.keys.map((k) => (
                <tr id={`key-${k.id}`}>
                  <td safe>{k.name}</td>
                  <td>
                    <code safe>{`${k.prefix}…`}</code>
                  </td>
                  <td class="hide-sm nowrap">{when(k.createdAt)}</td>
                  <td class="hide-sm nowrap">{k.lastUsedAt ? when(k.lastUsedAt) : '—'}</td>
                  <td>
                    {k.revokedAt ? (
                      <span class="badge s-cancelled">{t('int.revoked')}</span>
                    ) : (
                      <form method="post" action={`${base}/api-keys/${k.id}/revoke`} class="inline">
                        <Csrf token={p.csrf} />
                        <button type="submit" class="danger">
                          {t('int.revoke')}
                        </button>
                      </form>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <form method="post" action={`${base}/api-keys`} class="stack">
          <Csrf token={p.csrf} />
          <label>
            {t('int.keyName')} <input name="name" required maxlength="100" placeholder={t('int.keyNameHint')} />
          </label>
          <button type="submit">{t('int.createKey')}</button>
        </form>
      </section>

      <section class="card stack" id="webhooks">
        <h2>{t('int.webhooks')}</h2>
        <p class="muted">{t('int.webhooksHelp', { header: '<code>Novi-Signature: t=…,v1=…</code>', body: '<code>t.body</code>' })}</p>
        {p.newSecret ? (
          <div class="flash secret" role="status" id="new-secret">
            <p safe>{t('int.newSecret', { url: p.newSecret.url })}</p>
            <code class="token" safe>
              {p.newSecret.secret}
            </code>
          </div>
        ) : (
          ''
        )}
        {p.webhooks.map(({ webhook: w, deliveries }) => (
          <div class="webhook stack" id={`webhook-${w.id}`}>
            <div class="row">
              <code class="url" safe>
                {w.url}
              </code>
              <span class="muted" safe>
                {w.events.join(', ')}
              </span>
            </div>
            {w.pausedUntil ? <p class="muted" safe>{t('int.failing', { failures: num(w.failures), at: when(w.pausedUntil) })}</p> : ''}
            <div class="buttons">
              <form method="post" action={`${base}/webhooks/${w.id}/test`} class="inline">
                <Csrf token={p.csrf} />
                <button type="submit">{t('int.sendTest')}</button>
              </form>
              <form method="post" action={`${base}/webhooks/${w.id}/remove`} class="inline">
                <Csrf token={p.csrf} />
                <button type="submit" class="danger">
                  {t('int.remove')}
                </button>
              </form>
            </div>
            <div hx-get={`${base}/webhooks/${w.id}/deliveries`} hx-trigger="every 3s" hx-swap="innerHTML">
              <DeliveryLog deliveries={deliveries} />
            </div>
          </div>
        ))}
        <form method="post" action={`${base}/webhooks`} class="stack">
          <Csrf token={p.csrf} />
          <label>
            {t('int.url')} <input name="url" type="url" required maxlength="2048" placeholder="https://example.com/novi-webhook" />
          </label>
          <fieldset class="events">
            <legend>{t('int.events')}</legend>
            {WEBHOOK_EVENTS.map((e) => (
              <label class="check">
                <input type="checkbox" name="events" value={e} checked /> <span safe>{e}</span>
              </label>
            ))}
          </fieldset>
          <button type="submit">{t('int.addWebhook')}</button>
        </form>
      </section>
    </>
  );
}

const DELIVERY_STATUSES = new Set(['pending', 'sending', 'delivered', 'failed']);
const deliveryStatus = (s: string): string => (DELIVERY_STATUSES.has(s) ? t(`dstatus.${s}` as MessageKey) : s);

export function DeliveryLog(p: { deliveries: DeliveryJson[] }): JSX.Element {
  if (p.deliveries.length === 0) return <p class="muted deliveries">{t('int.noDeliveries')}</p>;
  return (
    <table class="deliveries">
      <thead>
        <tr>
          <th>{t('int.event')}</th>
          <th>{t('int.status')}</th>
          <th class="num">{t('int.tries')}</th>
          <th class="hide-sm">{t('int.created')}</th>
          <th>{t('int.lastAnswer')}</th>
        </tr>
      </thead>
      <tbody>
        {p.deliveries.map((d) => (
          <tr class={`delivery d-${d.status}`}>
            <td safe>{d.eventType}</td>
            <td>
              <span class={`badge d-${d.status}`} safe>
                {deliveryStatus(d.status)}
              </span>
              {d.nextAttemptAt && d.status === 'pending' && d.attempts > 0 ? <span class="muted" safe>{t('int.next', { at: when(d.nextAttemptAt) })}</span> : ''}
            </td>
            <td class="num">{num(d.attempts)}</td>
            <td class="hide-sm nowrap">{when(d.createdAt)}</td>
            <td safe>{d.lastStatusCode !== null ? `HTTP ${d.lastStatusCode}` : (d.lastError ?? '—')}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
