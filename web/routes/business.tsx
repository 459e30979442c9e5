// Businesses (profile, country/currency), catalogs and WhatsApp groups, scoped to their owner.
import { num, t } from '../i18n/index.ts';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Runtime } from '../../src/runtime.ts';
import { GROUP_TYPES, MAX_RIDER_PHONES } from '../../src/events/catalog.ts';
import { normalizePhone } from '../../src/parser/phone.ts';
import { businessCommandSchemas, decideBusiness, decideGroup, groupCommandSchemas, DEFAULT_CURRENCY_BY_COUNTRY } from '../../src/businesses/commands.ts';
import { WindowLimit } from '../lib/window-limit.ts';
import { businessStateCache, businessStreamId, evolveBusiness, initialBusinessState, type BusinessState } from '../../src/businesses/business.ts';
import { evolveGroup, groupStreamId, initialGroupState } from '../../src/businesses/group.ts';
import { handleCommand, parseCommandData } from '../../src/shared/command-handler.ts';
import { NotFound, ValidationError } from '../../src/shared/errors.ts';
import { newId } from '../../src/shared/ids.ts';
import { requireUser, type AuthUser } from '../auth/plugin.ts';
import { isHtmx, parse, redirect, sendHtml, wantsJson } from '../lib/http.ts';
import { waitForProjection, waitUntil } from '../lib/projection.ts';
import { getBusiness, getCatalog, getGroup, groupLinkedTo, listBusinesses, listGroups, memberRoleIn, narrow, userScope, type BusinessJson, type Scope, type GroupJson, type ProductJson } from '../lib/queries.ts';
import { Csrf, Layout } from '../views/layout.tsx';

const blank = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
export const businessFields = z.object({
  name: z.preprocess(blank, z.string().optional()),
  description: z.preprocess(blank, z.string().nullable().optional()),
  address: z.preprocess(blank, z.string().nullable().optional()),
  phone: z.preprocess(blank, z.string().nullable().optional()),
  email: z.preprocess(blank, z.string().nullable().optional()),
  country: z.preprocess((v) => (typeof v === 'string' ? (v.trim() === '' ? undefined : v.trim().toUpperCase()) : v), z.string().optional()),
  currency: z.preprocess((v) => (typeof v === 'string' ? (v.trim() === '' ? undefined : v.trim().toUpperCase()) : v), z.string().optional()),
});

export const catalogBody = z.object({
  products: z.array(z.object({ sku: z.string(), name: z.string(), price: z.coerce.number(), aliases: z.array(z.string()).optional() })),
});
const catalogForm = z.object({ catalog: z.string().max(500_000) });

export const groupBody = z.object({
  name: z.string(),
  description: z.preprocess(blank, z.string().nullable().optional()),
  groupType: z.enum(GROUP_TYPES),
  businessId: z.string().uuid(),
  whatsappId: z.preprocess(blank, z.string().nullable().optional()),
});

/** PUT /groups/:id: what is given changes; `whatsappId: null` (or an empty form field) leaves the chat unlinked. */
const groupEditBody = z.object({
  name: z.preprocess(blank, z.string().max(500).optional()),
  description: z.preprocess((v) => (v === '' ? null : v), z.string().max(4000).nullable().optional()),
  groupType: z.preprocess(blank, z.enum(GROUP_TYPES).optional()),
  whatsappId: z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? null : v), z.string().max(300).nullable().optional()),
});

/** Riders' numbers: a JSON array, or the form's textarea (one per line, or comma separated). */
export const ridersBody = z.object({
  riderPhones: z.union([
    z.array(z.string().max(40)).max(MAX_RIDER_PHONES),
    z.string().max(4000).transform((s) => s.split(/[\n,;]+/).map((x) => x.trim()).filter((x) => x !== '')),
  ]),
});

/** Each number as E.164 in the business's country, or a 400 naming the one that is not a phone. */
function riderPhonesOf(raw: readonly string[], country: string): string[] {
  if (raw.length > MAX_RIDER_PHONES) {
    throw new ValidationError(`At most ${MAX_RIDER_PHONES} rider phones per group`, [{ path: 'riderPhones', message: `at most ${MAX_RIDER_PHONES}` }]);
  }
  return raw.map((r, i) => {
    const phone = r.length <= 40 ? normalizePhone(r, country) : null;
    if (!phone) throw new ValidationError(`riderPhones: ${JSON.stringify(r.slice(0, 40))} is not a phone number`, [{ path: `riderPhones.${i}`, message: 'not a phone number' }]);
    return phone;
  });
}

const groupIdOf = (req: FastifyRequest): string => {
  const p = z.object({ id: z.string().uuid() }).safeParse(req.params);
  if (!p.success) throw new NotFound('Group not found');
  return p.data.id;
};

const businessIdOf = (req: FastifyRequest): string => {
  const p = z.object({ id: z.string().uuid() }).safeParse(req.params);
  if (!p.success) throw new NotFound('Business not found');
  return p.data.id;
};

type Registered = Extract<BusinessState, { kind: 'registered' }>;
const profileJson = (s: Registered) => {
  const p = s.profile;
  return { id: p.businessId, ownerId: p.ownerId, name: p.name, description: p.description, address: p.address, phone: p.phone, email: p.email, country: p.country, currency: p.currency };
};

/** Parses "SKU | Name | price | alias, alias" lines of the catalog editor. */
function parseCatalogText(text: string): Array<{ sku: string; name: string; price: number; aliases: string[] }> {
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((line) => {
      const [sku = '', name = '', price = '', aliases = ''] = line.split('|').map((c) => c.trim());
      return { sku, name, price: Number(price.replace(/,/g, '')), aliases: aliases.split(',').map((a) => a.trim()).filter(Boolean) };
    });
}

const catalogText = (products: ProductJson[]): string => products.map((p) => `${p.sku} | ${p.name} | ${p.price} | ${p.aliases.join(', ')}`).join('\n');

/** Who asks, for the business decides: their role in the business comes from the memberships (sql/019). */
const requester = (user: AuthUser, scope: Scope, businessId: string) => {
  const memberRole = memberRoleIn(scope, businessId);
  return { userId: user.id, role: user.role, ...(memberRole ? { memberRole } : {}) };
};

export async function businessRoutes(app: FastifyInstance, rt: Runtime): Promise<void> {
  const meta = (req: FastifyRequest, user: AuthUser, tenantId: string) => ({ tenantId, actor: user.id, correlationId: req.id, causationId: null, occurredAt: new Date().toISOString() });
  const businessCmd = { store: rt.store, evolve: evolveBusiness, initialState: initialBusinessState, decide: decideBusiness, cache: businessStateCache(rt.store) };

  async function runBusiness(req: FastifyRequest, user: AuthUser, businessId: string, command: Parameters<typeof decideBusiness>[0]) {
    const r = await handleCommand({ ...businessCmd, streamId: businessStreamId(businessId), command, metadata: meta(req, user, businessId) });
    if (r.state.kind !== 'registered') throw new NotFound(`Business ${businessId} not found`);
    if (r.nextExpectedRevision !== null) await waitForProjection(rt, { table: 'businesses', id: businessId, revision: r.nextExpectedRevision });
    return r.state;
  }

  const page = async (req: FastifyRequest, reply: FastifyReply) => {
    const user = requireUser(req);
    const scope = await userScope(rt, user, 'settings');
    const businesses = await listBusinesses(rt, scope);
    const groups = await listGroups(rt, scope);
    const catalogs = new Map<string, ProductJson[]>();
    for (const b of businesses) catalogs.set(b.id, await getCatalog(rt, b.id));
    return sendHtml(
      reply,
      <Layout title={t('biz.title')} user={user} csrf={req.csrfToken} active="/business">
        <h1>{t('biz.title')}</h1>
        <>
          {businesses.map((b) => (
            <BusinessCard business={b} groups={groups.filter((g) => g.businessId === b.id)} catalog={catalogs.get(b.id) ?? []} csrf={req.csrfToken} />
          ))}
        </>
        <details class="card" open={businesses.length === 0}>
          <summary>{t('biz.add')}</summary>
          <BusinessForm action="/business" csrf={req.csrfToken} />
        </details>
      </Layout>,
    );
  };

  app.get('/business', async (req, reply) => {
    const user = requireUser(req);
    if (wantsJson(req)) return reply.send({ businesses: await listBusinesses(rt, await userScope(rt, user, 'settings')) });
    return page(req, reply);
  });

  app.post('/business', async (req, reply) => {
    const user = requireUser(req);
    const body = parse(businessFields, req.body, 'business');
    const businessId = newId();
    const data = parseCommandData(businessCommandSchemas.RegisterBusiness, { ...body, businessId, ownerId: user.id }, 'business');
    const state = await runBusiness(req, user, businessId, { type: 'RegisterBusiness', data, metadata: { now: new Date(), actor: user.id } });
    if (wantsJson(req)) return reply.code(201).send({ success: true, business: profileJson(state) });
    return redirect(req, reply, '/business');
  });

  const update = async (req: FastifyRequest, reply: FastifyReply) => {
    const user = requireUser(req);
    const businessId = businessIdOf(req);
    const scope = await userScope(rt, user, 'settings');
    await getBusiness(rt, scope, businessId);
    const body = parse(businessFields, req.body, 'business');
    const data = parseCommandData(businessCommandSchemas.UpdateBusiness, { ...body, businessId, requestedBy: requester(user, scope, businessId) }, 'business');
    const state = await runBusiness(req, user, businessId, { type: 'UpdateBusiness', data, metadata: { now: new Date(), actor: user.id } });
    if (wantsJson(req)) return reply.send({ success: true, business: profileJson(state) });
    return redirect(req, reply, '/business');
  };
  app.put('/business/:id', update);
  app.post('/business/:id/edit', update);

  app.get('/business/:id/catalog', async (req, reply) => {
    const user = requireUser(req);
    const businessId = businessIdOf(req);
    await getBusiness(rt, await userScope(rt, user, 'settings'), businessId);
    return reply.send({ products: await getCatalog(rt, businessId) });
  });

  // Counted after the owner check and validation, so a stranger cannot use up the owner's saves.
  const catalogSaves = new WindowLimit(10, 60_000, 'catalog saves for this business');
  const setCatalog = async (req: FastifyRequest, reply: FastifyReply) => {
    const user = requireUser(req);
    const businessId = businessIdOf(req);
    const scope = await userScope(rt, user, 'settings');
    await getBusiness(rt, scope, businessId);
    const products = wantsJson(req) || !catalogForm.safeParse(req.body).success ? parse(catalogBody, req.body, 'catalog').products : parseCatalogText(parse(catalogForm, req.body, 'catalog').catalog);
    const data = parseCommandData(businessCommandSchemas.SetCatalog, { businessId, requestedBy: requester(user, scope, businessId), products }, 'catalog');
    catalogSaves.take(businessId);
    const state = await runBusiness(req, user, businessId, { type: 'SetCatalog', data, metadata: { now: new Date(), actor: user.id } });
    if (wantsJson(req)) return reply.send({ products: state.catalog });
    return redirect(req, reply, '/business');
  };
  app.put('/business/:id/catalog', setCatalog);
  app.post('/business/:id/catalog', setCatalog);

  app.get('/groups', async (req, reply) => {
    const user = requireUser(req);
    const q = parse(z.object({ businessId: z.preprocess(blank, z.string().uuid().optional()) }), req.query, 'groups query');
    const scope = narrow(await userScope(rt, user, 'settings'), q.businessId);
    const groups = await listGroups(rt, scope);
    if (wantsJson(req)) return reply.send({ groups });
    return reply.redirect('/business', 303);
  });

  app.post('/groups', async (req, reply) => {
    const user = requireUser(req);
    const body = parse(groupBody, req.body, 'group');
    const scope = await userScope(rt, user, 'settings');
    const business = await getBusiness(rt, scope, body.businessId);
    const groupId = newId();
    const data = parseCommandData(
      groupCommandSchemas.LinkGroup,
      { ...body, groupId, requestedBy: requester(user, scope, body.businessId), businessOwnerId: business.ownerId, whatsappIdLinkedTo: await groupLinkedTo(rt, body.whatsappId) },
      'group',
    );
    const r = await handleCommand({
      store: rt.store,
      streamId: groupStreamId(groupId),
      evolve: evolveGroup,
      initialState: initialGroupState,
      decide: decideGroup,
      command: { type: 'LinkGroup', data, metadata: { now: new Date(), actor: user.id } },
      metadata: meta(req, user, business.id),
      expectedRevision: 'no_stream',
    });
    await waitForProjection(rt, { table: 'groups', id: groupId });
    if (r.state.kind !== 'linked') throw new NotFound('Group not found');
    const { kind: _kind, groupId: id, ...rest } = r.state;
    if (wantsJson(req)) return reply.code(201).send({ success: true, group: { id, ...rest } });
    if (isHtmx(req)) return redirect(req, reply, '/business');
    return reply.redirect('/business', 303);
  });

  const runGroup = async (req: FastifyRequest, user: AuthUser, businessId: string, groupId: string, command: Parameters<typeof decideGroup>[0]) =>
    handleCommand({
      store: rt.store,
      streamId: groupStreamId(groupId),
      evolve: evolveGroup,
      initialState: initialGroupState,
      decide: decideGroup,
      command,
      metadata: meta(req, user, businessId),
    });

  // Rename, retype or relink (another WhatsApp chat) a group: GroupUpdated; its history stays.
  const updateGroup = async (req: FastifyRequest, reply: FastifyReply) => {
    const user = requireUser(req);
    const groupId = groupIdOf(req);
    const scope = await userScope(rt, user);
    const group = await getGroup(rt, scope, groupId); // another tenant's group is a 404
    const business = await getBusiness(rt, scope, group.businessId);
    const body = parse(groupEditBody, req.body ?? {}, 'group');
    const whatsappId = body.whatsappId === undefined ? group.whatsappId : body.whatsappId;
    const data = parseCommandData(
      groupCommandSchemas.UpdateGroup,
      {
        groupId, businessId: group.businessId, requestedBy: { userId: user.id, role: user.role }, businessOwnerId: business.ownerId,
        whatsappIdLinkedTo: await groupLinkedTo(rt, whatsappId),
        ...(body.name !== undefined ? { name: body.name } : {}),
        ...(body.description !== undefined ? { description: body.description } : {}),
        ...(body.groupType !== undefined ? { groupType: body.groupType } : {}),
        ...(body.whatsappId !== undefined ? { whatsappId: body.whatsappId } : {}),
      },
      'group',
    );
    const r = await runGroup(req, user, business.id, groupId, { type: 'UpdateGroup', data, metadata: { now: new Date(), actor: user.id } });
    if (r.state.kind !== 'linked') throw new NotFound('Group not found');
    const want = r.state;
    await waitUntil(async () => {
      const g = await getGroup(rt, scope, groupId);
      return g.name === want.name && g.groupType === want.groupType && g.whatsappId === want.whatsappId && g.description === want.description;
    });
    if (wantsJson(req)) return reply.send({ success: true, group: await getGroup(rt, scope, groupId) });
    return redirect(req, reply, '/business');
  };
  app.put('/groups/:id', updateGroup);
  app.post('/groups/:id/edit', updateGroup);

  // Unlink: GroupUnlinked. The group leaves the lists and its messages are no longer taken; its
  // orders and message log stay, and its chat can be linked to another group.
  const unlinkGroup = async (req: FastifyRequest, reply: FastifyReply) => {
    const user = requireUser(req);
    const groupId = groupIdOf(req);
    const scope = await userScope(rt, user);
    const group = await getGroup(rt, scope, groupId);
    const business = await getBusiness(rt, scope, group.businessId);
    const data = parseCommandData(
      groupCommandSchemas.UnlinkGroup,
      { groupId, businessId: group.businessId, requestedBy: { userId: user.id, role: user.role }, businessOwnerId: business.ownerId },
      'group',
    );
    await runGroup(req, user, business.id, groupId, { type: 'UnlinkGroup', data, metadata: { now: new Date(), actor: user.id } });
    await waitUntil(async () => (await getGroup(rt, scope, groupId).then(() => false, () => true)));
    if (wantsJson(req)) return reply.send({ success: true, group: { id: groupId, unlinked: true } });
    return redirect(req, reply, '/business');
  };
  app.delete('/groups/:id', unlinkGroup);
  app.post('/groups/:id/unlink', unlinkGroup);

  // The riders of a delivery group: when any are listed, status messages there count only from them.
  app.post('/groups/:id/riders', async (req, reply) => {
    const user = requireUser(req);
    const groupId = groupIdOf(req);
    const body = parse(ridersBody, req.body, 'rider phones');
    const scope = await userScope(rt, user, 'settings');
    const group = await getGroup(rt, scope, groupId); // another tenant's group is a 404
    const business = await getBusiness(rt, scope, group.businessId);
    const riderPhones = [...new Set(riderPhonesOf(body.riderPhones, business.country))];
    const data = parseCommandData(
      groupCommandSchemas.UpdateGroup,
      {
        groupId, businessId: group.businessId, requestedBy: requester(user, scope, group.businessId), businessOwnerId: business.ownerId,
        whatsappIdLinkedTo: await groupLinkedTo(rt, group.whatsappId), riderPhones,
      },
      'rider phones',
    );
    const r = await handleCommand({
      store: rt.store,
      streamId: groupStreamId(groupId),
      evolve: evolveGroup,
      initialState: initialGroupState,
      decide: decideGroup,
      command: { type: 'UpdateGroup', data, metadata: { now: new Date(), actor: user.id } },
      metadata: meta(req, user, business.id),
    });
    const wanted = JSON.stringify(riderPhones);
    await waitUntil(async () => JSON.stringify((await getGroup(rt, scope, groupId)).riderPhones) === wanted);
    if (r.state.kind !== 'linked') throw new NotFound('Group not found');
    if (wantsJson(req)) return reply.send({ success: true, group: await getGroup(rt, scope, groupId) });
    if (isHtmx(req)) return redirect(req, reply, '/business');
    return reply.redirect('/business', 303);
  });
}

/** Riders' numbers of a delivery group; empty = status messages count from anyone in the group. */
function RidersForm(p: { group: GroupJson; csrf: string }): JSX.Element {
  const g = p.group;
  return (
    <details class="riders">
      <summary safe>{g.riderPhones.length ? t('biz.riders', { phones: g.riderPhones.join(', ') }) : t('biz.ridersAnyone')}</summary>
      <form method="post" action={`/groups/${g.id}/riders`} class="stack">
        <Csrf token={p.csrf} />
        <label>
          {t('biz.ridersHelp', { max: MAX_RIDER_PHONES })}
          <textarea name="riderPhones" rows="3" placeholder="+2348031234567" safe>
            {g.riderPhones.join('\n')}
          </textarea>
        </label>
        <button type="submit">{t('biz.saveRiders')}</button>
      </form>
    </details>
  );
}

/** Rename, retype, relink (another chat id) or unlink a group. */
function GroupEditForm(p: { group: GroupJson; csrf: string }): JSX.Element {
  const g = p.group;
  return (
    <details class="group-edit">
      <summary>{t('biz.editGroup')}</summary>
      <form method="post" action={`/groups/${g.id}/edit`} class="stack">
        <Csrf token={p.csrf} />
        <div class="grid2">
          <label>
            {t('biz.name')} <input name="name" required maxlength="120" value={g.name} />
          </label>
          <label>
            {t('biz.type')}
            <select name="groupType">
              {GROUP_TYPES.map((gt) => (
                <option value={gt} selected={g.groupType === gt}>
                  {t(`group.${gt}`)}
                </option>
              ))}
            </select>
          </label>
        </div>
        <label>
          {t('biz.chatIdEmpty')} <input name="whatsappId" maxlength="300" value={g.whatsappId ?? ''} />
        </label>
        <button type="submit">{t('biz.saveGroup')}</button>
      </form>
      <form method="post" action={`/groups/${g.id}/unlink`} class="inline">
        <Csrf token={p.csrf} />
        <button type="submit" class="danger" data-action="unlink">
          {t('biz.unlink')}
        </button>
      </form>
    </details>
  );
}

function BusinessForm(p: { action: string; csrf: string; b?: BusinessJson }): JSX.Element {
  const b = p.b;
  return (
    <form method="post" action={p.action} class="stack">
      <Csrf token={p.csrf} />
      <label>
        {t('biz.name')} <input name="name" required value={b?.name ?? ''} />
      </label>
      <label>
        {t('biz.description')} <input name="description" value={b?.description ?? ''} />
      </label>
      <label>
        {t('biz.address')} <input name="address" value={b?.address ?? ''} />
      </label>
      <div class="grid2">
        <label>
          {t('biz.phone')} <input name="phone" type="tel" placeholder="+234…" value={b?.phone ?? ''} />
        </label>
        <label>
          {t('biz.email')} <input name="email" type="email" value={b?.email ?? ''} />
        </label>
      </div>
      <div class="grid2">
        <label>
          {t('biz.country')}
          <select name="country" required>
            {Object.keys(DEFAULT_CURRENCY_BY_COUNTRY).map((c) => (
              <option value={c} selected={(b?.country ?? 'NG') === c}>
                {c}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('biz.currency')} <input name="currency" maxlength="3" placeholder={t('biz.fromCountry')} value={b?.currency ?? ''} />
        </label>
      </div>
      <button type="submit">{b ? t('biz.save') : t('biz.create')}</button>
    </form>
  );
}

function BusinessCard(p: { business: BusinessJson; groups: GroupJson[]; catalog: ProductJson[]; csrf: string }): JSX.Element {
  const b = p.business;
  return (
    <section class="card stack business" id={`business-${b.id}`}>
      <div class="row">
        <h2 safe>{b.name}</h2>
        <span class="muted" safe>{`${b.country} · ${b.currency}`}</span>
        <a href={`/business/${b.id}/whatsapp`} class="button">
          {t('biz.whatsapp')}
        </a>
        <a href={`/business/${b.id}/integrations`} class="button">
          {t('biz.integrations')}
        </a>
        <a href={`/business/${b.id}/review`} class="button">
          {t('biz.review')}
        </a>
        <a href={`/business/${b.id}/templates`} class="button">
          {t('biz.templates')}
        </a>
      </div>
      <details>
        <summary>{t('biz.editProfile')}</summary>
        <BusinessForm action={`/business/${b.id}/edit`} csrf={p.csrf} b={b} />
      </details>
      <details>
        <summary safe>{t('biz.catalog', { count: num(p.catalog.length) })}</summary>
        <form method="post" action={`/business/${b.id}/catalog`} class="stack">
          <Csrf token={p.csrf} />
          <label>
            {t('biz.catalogHelp')}
            <textarea name="catalog" rows="8" placeholder="JR | Jollof Rice | 2500 | jollof, rice" safe>
              {catalogText(p.catalog)}
            </textarea>
          </label>
          <button type="submit">{t('biz.saveCatalog')}</button>
        </form>
      </details>
      <h3>{t('biz.groups')}</h3>
      <ul class="groups">
        {p.groups.map((g) => (
          <li>
            <strong safe>{g.name}</strong> <span class={`badge g-${g.groupType}`}>{t(`group.${g.groupType}`)}</span>{' '}
            <code class="muted" safe>{g.whatsappId ?? t('biz.noChat')}</code>
            {g.groupType === 'delivery' ? <RidersForm group={g} csrf={p.csrf} /> : ''}
            <GroupEditForm group={g} csrf={p.csrf} />
          </li>
        ))}
      </ul>
      <form method="post" action="/groups" class="stack">
        <Csrf token={p.csrf} />
        <input type="hidden" name="businessId" value={b.id} />
        <div class="grid2">
          <label>
            {t('biz.groupName')} <input name="name" required />
          </label>
          <label>
            {t('biz.type')}
            <select name="groupType">
              {GROUP_TYPES.map((gt) => (
                <option value={gt}>{t(`group.${gt}`)}</option>
              ))}
            </select>
          </label>
        </div>
        <label>
          {t('biz.chatIdOptional')} <input name="whatsappId" placeholder="1203630…@g.us" />
        </label>
        <button type="submit">{t('biz.addGroup')}</button>
      </form>
      <p class="muted">
        {t('biz.or')} <a href={`/business/${b.id}/whatsapp#chats`}>{t('biz.pickChat')}</a> {t('biz.onceLinked')}
      </p>
    </section>
  );
}
