// The Integrations page of a business (owner only): API keys and webhooks with their delivery log.
// Every value from outside (key names, URLs, errors) is rendered escaped.
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
        <h1 safe>{`Integrations · ${p.business.name}`}</h1>
        <a href="/docs">API documentation</a>
      </div>
      <section class="card stack" id="api-keys">
        <h2>API keys</h2>
        <p class="muted">
          A key lets a program use this business's JSON API (<code>Authorization: Bearer …</code>): orders, customers, catalog, groups and webhooks of this
          business only. Keep it secret; revoke it when it is no longer needed.
        </p>
        {p.newToken ? (
          <div class="flash secret" role="status" id="new-key">
            <p safe>{`Your new key "${p.newToken.name}". Copy it now: it is shown only once.`}</p>
            <code class="token" safe>
              {p.newToken.token}
            </code>
          </div>
        ) : (
          ''
        )}
        {p.keys.length === 0 ? (
          <p class="muted">No keys yet.</p>
        ) : (
          <table class="keys">
            <thead>
              <tr>
                <th>Name</th>
                <th>Key</th>
                <th class="hide-sm">Created</th>
                <th class="hide-sm">Last used</th>
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
                      <span class="badge s-cancelled">revoked</span>
                    ) : (
                      <form method="post" action={`${base}/api-keys/${k.id}/revoke`} class="inline">
                        <Csrf token={p.csrf} />
                        <button type="submit" class="danger">
                          Revoke
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
            Key name <input name="name" required maxlength="100" placeholder="Accounting sync" />
          </label>
          <button type="submit">Create key</button>
        </form>
      </section>

      <section class="card stack" id="webhooks">
        <h2>Webhooks</h2>
        <p class="muted">
          Novi POSTs a signed JSON message to your URL when something happens (header <code>Novi-Signature: t=…,v1=…</code>, HMAC-SHA256 of{' '}
          <code>t.body</code> with the webhook's secret). Failed deliveries are retried with growing pauses.
        </p>
        {p.newSecret ? (
          <div class="flash secret" role="status" id="new-secret">
            <p safe>{`Signing secret for ${p.newSecret.url}. Copy it now: it is shown only once.`}</p>
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
            {w.pausedUntil ? <p class="muted" safe>{`Failing: ${w.failures} failed attempts in a row; next try after ${when(w.pausedUntil)} UTC.`}</p> : ''}
            <div class="buttons">
              <form method="post" action={`${base}/webhooks/${w.id}/test`} class="inline">
                <Csrf token={p.csrf} />
                <button type="submit">Send test</button>
              </form>
              <form method="post" action={`${base}/webhooks/${w.id}/remove`} class="inline">
                <Csrf token={p.csrf} />
                <button type="submit" class="danger">
                  Remove
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
            Endpoint URL (https) <input name="url" type="url" required maxlength="2048" placeholder="https://example.com/novi-webhook" />
          </label>
          <fieldset class="events">
            <legend>Events</legend>
            {WEBHOOK_EVENTS.map((e) => (
              <label class="check">
                <input type="checkbox" name="events" value={e} checked /> <span safe>{e}</span>
              </label>
            ))}
          </fieldset>
          <button type="submit">Add webhook</button>
        </form>
      </section>
    </>
  );
}

export function DeliveryLog(p: { deliveries: DeliveryJson[] }): JSX.Element {
  if (p.deliveries.length === 0) return <p class="muted deliveries">No deliveries yet.</p>;
  return (
    <table class="deliveries">
      <thead>
        <tr>
          <th>Event</th>
          <th>Status</th>
          <th class="num">Tries</th>
          <th class="hide-sm">Created</th>
          <th>Last answer</th>
        </tr>
      </thead>
      <tbody>
        {p.deliveries.map((d) => (
          <tr class={`delivery d-${d.status}`}>
            <td safe>{d.eventType}</td>
            <td>
              <span class={`badge d-${d.status}`} safe>
                {d.status}
              </span>
              {d.nextAttemptAt && d.status === 'pending' && d.attempts > 0 ? <span class="muted" safe>{` next ${when(d.nextAttemptAt)}`}</span> : ''}
            </td>
            <td class="num">{String(d.attempts)}</td>
            <td class="hide-sm nowrap">{when(d.createdAt)}</td>
            <td safe>{d.lastStatusCode !== null ? `HTTP ${d.lastStatusCode}` : (d.lastError ?? '—')}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
