// Integrations of a business: API keys (owner only, signed in: a key never makes keys) and
// webhooks with their delivery log and "send test" (the owner, or that business's own API key).
import { t } from '../i18n/index.ts';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Runtime } from '../../src/runtime.ts';
import { Forbidden, NotFound } from '../../src/shared/errors.ts';
import { WEBHOOK_EVENTS } from '../../src/integrations/aggregates.ts';
import { createApiKey, listApiKeys, revokeApiKey } from '../../src/integrations/api-keys.ts';
import { addWebhook, enqueueTest, getWebhook, listDeliveries, listWebhooks, removeWebhook } from '../../src/integrations/webhooks.ts';
import { requireUser, type AuthUser } from '../auth/plugin.ts';
import { isHtmx, parse, redirect, sendHtml, wantsJson } from '../lib/http.ts';
import { getBusiness, userScope, type BusinessJson } from '../lib/queries.ts';
import { Layout } from '../views/layout.tsx';
import { DeliveryLog, IntegrationsPage, type IntegrationsProps } from '../views/integrations.tsx';

const uuid = z.string().uuid();
const many = (v: unknown) => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

export const apiKeyBody = z.object({ name: z.string().trim().min(1, 'give the key a name').max(100) });
export const webhookBody = z.object({
  url: z.string().trim().min(1).max(2048),
  events: z.preprocess(many, z.array(z.enum(WEBHOOK_EVENTS)).min(1, 'pick at least one event').max(WEBHOOK_EVENTS.length)),
});
export const deliveriesQuery = z.object({ limit: z.coerce.number().int().min(1).max(200).default(50) });

/** Ids that cannot exist are ids that are not there: 404, like another tenant's. */
function idsOf(params: unknown, names: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  const p = (params ?? {}) as Record<string, unknown>;
  for (const n of names) {
    const v = uuid.safeParse(p[n]);
    if (!v.success) throw new NotFound('Not found');
    out[n] = v.data;
  }
  return out;
}

export async function integrationRoutes(app: FastifyInstance, rt: Runtime): Promise<void> {
  /** The business, if the user may see it (else 404) and owns it (else 403): staff and admins do not manage integrations. */
  async function owned(req: FastifyRequest, opts: { keysAllowed: boolean }): Promise<{ user: AuthUser; business: BusinessJson }> {
    const user = requireUser(req);
    const { id } = idsOf(req.params, ['id']);
    const business = await getBusiness(rt, await userScope(rt, user), id!);
    if (user.apiKey && !opts.keysAllowed) throw new Forbidden('API keys are managed by the business owner, signed in; a key cannot make or revoke keys');
    if (business.ownerId !== user.id) throw new Forbidden("Only the business's owner manages its integrations");
    return { user, business };
  }
  const who = (req: FastifyRequest, user: AuthUser) => ({ userId: user.id, correlationId: req.id });

  async function page(req: FastifyRequest, reply: FastifyReply, user: AuthUser, business: BusinessJson, extra: Partial<IntegrationsProps> = {}, status = 200) {
    const keys = await listApiKeys(rt, business.id);
    const hooks = await listWebhooks(rt, business.id);
    const webhooks = [];
    for (const w of hooks) webhooks.push({ webhook: w, deliveries: await listDeliveries(rt, business.id, w.id, 20) });
    // The page may carry a key or secret shown once: never cached, never kept in history.
    reply.header('cache-control', 'no-store');
    return sendHtml(
      reply,
      <Layout title={t('int.heading', { business: business.name })} user={user} csrf={req.csrfToken} active="/business">
        <IntegrationsPage business={business} keys={keys} webhooks={webhooks} csrf={req.csrfToken} newToken={extra.newToken} newSecret={extra.newSecret} />
      </Layout>,
      status,
    );
  }

  app.get('/business/:id/integrations', async (req, reply) => {
    const { user, business } = await owned(req, { keysAllowed: false });
    return page(req, reply, user, business);
  });

  // ── API keys ──
  app.get('/business/:id/api-keys', async (req, reply) => {
    const { user, business } = await owned(req, { keysAllowed: false });
    if (wantsJson(req)) return reply.send({ apiKeys: await listApiKeys(rt, business.id) });
    return page(req, reply, user, business);
  });

  app.post('/business/:id/api-keys', async (req, reply) => {
    const { user, business } = await owned(req, { keysAllowed: false });
    const body = parse(apiKeyBody, req.body, 'API key');
    const { key, token } = await createApiKey(rt, { businessId: business.id, name: body.name }, who(req, user));
    reply.header('cache-control', 'no-store');
    if (wantsJson(req)) return reply.code(201).send({ success: true, apiKey: key, token });
    // The token is shown on this answer only (no redirect: it must not end up in a URL or history).
    return page(req, reply, user, business, { newToken: { name: key.name, token } }, 201);
  });

  const revoke = async (req: FastifyRequest, reply: FastifyReply) => {
    const { user, business } = await owned(req, { keysAllowed: false });
    const { keyId } = idsOf(req.params, ['id', 'keyId']);
    const key = await revokeApiKey(rt, business.id, keyId!, who(req, user));
    if (wantsJson(req)) return reply.send({ success: true, apiKey: key });
    return redirect(req, reply, `/business/${business.id}/integrations#api-keys`);
  };
  app.delete('/business/:id/api-keys/:keyId', revoke);
  app.post('/business/:id/api-keys/:keyId/revoke', revoke);

  // ── webhooks ──
  app.get('/business/:id/webhooks', async (req, reply) => {
    const { user, business } = await owned(req, { keysAllowed: true });
    if (wantsJson(req)) return reply.send({ webhooks: await listWebhooks(rt, business.id) });
    return page(req, reply, user, business);
  });

  app.post('/business/:id/webhooks', async (req, reply) => {
    const { user, business } = await owned(req, { keysAllowed: true });
    const body = parse(webhookBody, req.body, 'webhook');
    const { webhook, secret } = await addWebhook(rt, { businessId: business.id, url: body.url, events: body.events }, who(req, user));
    reply.header('cache-control', 'no-store');
    if (wantsJson(req)) return reply.code(201).send({ success: true, webhook, secret });
    return page(req, reply, user, business, { newSecret: { url: webhook.url, secret } }, 201);
  });

  const remove = async (req: FastifyRequest, reply: FastifyReply) => {
    const { user, business } = await owned(req, { keysAllowed: true });
    const { webhookId } = idsOf(req.params, ['id', 'webhookId']);
    await removeWebhook(rt, business.id, webhookId!, who(req, user));
    if (wantsJson(req)) return reply.send({ success: true });
    return redirect(req, reply, `/business/${business.id}/integrations#webhooks`);
  };
  app.delete('/business/:id/webhooks/:webhookId', remove);
  app.post('/business/:id/webhooks/:webhookId/remove', remove);

  app.get('/business/:id/webhooks/:webhookId/deliveries', async (req, reply) => {
    const { business } = await owned(req, { keysAllowed: true });
    const { webhookId } = idsOf(req.params, ['id', 'webhookId']);
    const q = parse(deliveriesQuery, req.query, 'deliveries query');
    await getWebhook(rt, business.id, webhookId!);
    const deliveries = await listDeliveries(rt, business.id, webhookId!, wantsJson(req) ? q.limit : 20);
    if (wantsJson(req)) return reply.send({ deliveries });
    if (isHtmx(req)) return sendHtml(reply, <DeliveryLog deliveries={deliveries} />);
    return reply.redirect(`/business/${business.id}/integrations#webhook-${webhookId}`, 303);
  });

  app.post('/business/:id/webhooks/:webhookId/test', async (req, reply) => {
    const { business } = await owned(req, { keysAllowed: true });
    const { webhookId } = idsOf(req.params, ['id', 'webhookId']);
    const delivery = await enqueueTest(rt, business.id, webhookId!);
    if (wantsJson(req)) return reply.code(202).send({ success: true, delivery });
    return redirect(req, reply, `/business/${business.id}/integrations#webhook-${webhookId}`);
  });
}
