// Review queue settings and learned aliases of a business (issue 11 §3, §4): the auto-accept
// threshold, hold or ask, and the customer wordings learned from corrections (with forget).
import { num, t } from '../i18n/index.ts';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Runtime } from '../../src/runtime.ts';
import { learnedAlias } from '../../src/events/catalog.ts';
import { businessCommandSchemas, decideBusiness, type BusinessCommand } from '../../src/businesses/commands.ts';
import { businessStateCache, businessStreamId, DEFAULT_REVIEW_SETTINGS, evolveBusiness, initialBusinessState, readBusiness, type LearnedAlias, type ReviewSettings } from '../../src/businesses/business.ts';
import { MAX_LEARNED_ALIASES } from '../../src/businesses/aliases.ts';
import { handleCommand, parseCommandData } from '../../src/shared/command-handler.ts';
import { NotFound } from '../../src/shared/errors.ts';
import { requireUser, type AuthUser } from '../auth/plugin.ts';
import { isHtmx, parse, redirect, sendHtml, wantsJson } from '../lib/http.ts';
import { getBusiness, getCatalog, userScope, type BusinessJson, type ProductJson } from '../lib/queries.ts';
import { Csrf, Layout } from '../views/layout.tsx';

const businessIdOf = (req: FastifyRequest): string => {
  const p = z.object({ id: z.string().uuid() }).safeParse(req.params);
  if (!p.success) throw new NotFound('Business not found');
  return p.data.id;
};

const settingsBody = z.object({
  autoAcceptThreshold: z.coerce.number().min(0.5).max(1),
  reviewMode: z.enum(['hold', 'ask']),
});
const forgetBody = z.object({ alias: learnedAlias });

interface ReviewPageData {
  business: BusinessJson;
  settings: ReviewSettings;
  aliases: LearnedAlias[];
  catalog: ProductJson[];
}

function ReviewSettingsPage(p: ReviewPageData & { csrf: string }): JSX.Element {
  const names = new Map(p.catalog.map((c) => [c.sku.toUpperCase(), c.name]));
  return (
    <section class="card stack" id="review-settings">
      <h1 safe>{t('rs.heading', { business: p.business.name })}</h1>
      <form method="post" action={`/business/${p.business.id}/review-settings`} class="stack">
        <Csrf token={p.csrf} />
        <label>
          {t('rs.threshold')}
          <input name="autoAcceptThreshold" type="number" min="0.5" max="1" step="0.01" value={String(p.settings.autoAcceptThreshold)} required />
        </label>
        <label>
          {t('rs.below')}
          <select name="reviewMode">
            <option value="hold" selected={p.settings.reviewMode === 'hold'}>{t('rs.hold')}</option>
            <option value="ask" selected={p.settings.reviewMode === 'ask'} safe>{t('rs.ask')}</option>
          </select>
        </label>
        <button type="submit">{t('rs.save')}</button>
      </form>
      <h2 safe>{t('rs.aliases', { count: num(p.aliases.length), max: num(MAX_LEARNED_ALIASES) })}</h2>
      <p class="muted">{t('rs.aliasHelp')}</p>
      {p.aliases.length ? (
        <ul class="alias-list">
          {p.aliases.map((a) => (
            <li data-alias={a.alias}>
              <span safe>{`“${a.alias}” → ${names.get(a.sku.toUpperCase()) ?? t('rs.gone')} (${a.sku})`}</span>
              <form method="post" action={`/business/${p.business.id}/aliases/forget`} class="inline">
                <Csrf token={p.csrf} />
                <input type="hidden" name="alias" value={a.alias} />
                <button type="submit" class="danger">{t('rs.forget')}</button>
              </form>
            </li>
          ))}
        </ul>
      ) : (
        <p class="muted">{t('rs.nothing')}</p>
      )}
    </section>
  );
}

export async function reviewRoutes(app: FastifyInstance, rt: Runtime): Promise<void> {
  /** The business, if the user may see it (404 otherwise), and its review state from its stream. */
  async function load(req: FastifyRequest, user: AuthUser): Promise<ReviewPageData> {
    const businessId = businessIdOf(req);
    const business = await getBusiness(rt, await userScope(rt, user), businessId);
    const state = await readBusiness(rt.store, businessId);
    if (state.kind !== 'registered') throw new NotFound(`Business ${businessId} not found`);
    return { business, settings: state.review ?? DEFAULT_REVIEW_SETTINGS, aliases: state.learnedAliases ?? [], catalog: await getCatalog(rt, businessId) };
  }

  async function run(req: FastifyRequest, user: AuthUser, businessId: string, command: BusinessCommand) {
    await handleCommand({
      store: rt.store, evolve: evolveBusiness, initialState: initialBusinessState, decide: decideBusiness, cache: businessStateCache(rt.store),
      streamId: businessStreamId(businessId), command,
      metadata: { tenantId: businessId, actor: user.id, correlationId: req.id, causationId: null, occurredAt: new Date().toISOString() },
    });
  }

  const answer = async (req: FastifyRequest, reply: FastifyReply, user: AuthUser) => {
    const d = await load(req, user);
    if (wantsJson(req) && !isHtmx(req)) return reply.send({ settings: d.settings, aliases: d.aliases });
    return redirect(req, reply, `/business/${d.business.id}/review`);
  };

  app.get('/business/:id/review', async (req, reply) => {
    const user = requireUser(req);
    const d = await load(req, user);
    if (wantsJson(req)) return reply.send({ settings: d.settings, aliases: d.aliases });
    return sendHtml(
      reply,
      <Layout title={t('rs.title')} user={user} csrf={req.csrfToken} active="/business">
        <p>
          <a href="/business">← Businesses</a>
        </p>
        <ReviewSettingsPage {...d} csrf={req.csrfToken} />
      </Layout>,
    );
  });

  const saveSettings = async (req: FastifyRequest, reply: FastifyReply) => {
    const user = requireUser(req);
    const { business } = await load(req, user);
    const body = parse(settingsBody, req.body ?? {}, 'review settings');
    const data = parseCommandData(businessCommandSchemas.SetReviewSettings, { businessId: business.id, requestedBy: { userId: user.id, role: user.role }, ...body }, 'review settings');
    await run(req, user, business.id, { type: 'SetReviewSettings', data, metadata: { now: new Date(), actor: user.id } });
    return answer(req, reply, user);
  };
  app.put('/business/:id/review-settings', saveSettings);
  app.post('/business/:id/review-settings', saveSettings);

  const forget = async (req: FastifyRequest, reply: FastifyReply) => {
    const user = requireUser(req);
    const { business } = await load(req, user);
    const body = parse(forgetBody, req.method === 'DELETE' ? req.query : (req.body ?? {}), 'forget alias');
    const data = parseCommandData(businessCommandSchemas.ForgetAlias, { businessId: business.id, requestedBy: { userId: user.id, role: user.role }, alias: body.alias }, 'forget alias');
    await run(req, user, business.id, { type: 'ForgetAlias', data, metadata: { now: new Date(), actor: user.id } });
    return answer(req, reply, user);
  };
  app.post('/business/:id/aliases/forget', forget);
  app.delete('/business/:id/aliases', forget);
}
