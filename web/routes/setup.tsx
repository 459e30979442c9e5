// WhatsApp setup without typing ids (issue 14): the linked account's chat list, simulated groups,
// reply templates with a live preview, and the bot's messages to the merchant's own groups. Every
// route checks that the signed-in user owns the business first (another tenant's id is a 404).
import { t } from '../i18n/index.ts';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Runtime } from '../../src/runtime.ts';
import { LANGUAGES, language as languageSchema, type Language } from '../../src/events/catalog.ts';
import { businessCommandSchemas, decideBusiness } from '../../src/businesses/commands.ts';
import { businessStateCache, businessStreamId, evolveBusiness, initialBusinessState, NOTIFICATIONS_OFF, readBusiness } from '../../src/businesses/business.ts';
import { handleCommand, parseCommandData } from '../../src/shared/command-handler.ts';
import { IllegalState, NotFound, ValidationError } from '../../src/shared/errors.ts';
import { createSimulatedGroup, requestChatList } from '../../src/whatsapp/chats.ts';
import { simulatorChatId } from '../../src/whatsapp/transport.ts';
import {
  DEFAULT_TEMPLATES,
  EDITABLE_TEMPLATE_KEYS,
  EDITABLE_TEMPLATES,
  isEditableTemplate,
  languageForCountry,
  MAX_TEMPLATE_LENGTH,
  render,
  sampleVars,
  unknownPlaceholders,
  type EditableTemplateKey,
  type TemplateOverride,
} from '../../src/whatsapp/templates.ts';
import { requireUser, type AuthUser } from '../auth/plugin.ts';
import { parse, redirect, sendHtml, wantsJson } from '../lib/http.ts';
import { getBusiness, listGroups, userScope, type BusinessJson } from '../lib/queries.ts';
import { Layout } from '../views/layout.tsx';
import { ChatList, TemplatePreview, TemplatesPage, type ChatRow } from '../views/setup.tsx';

const businessIdOf = (req: FastifyRequest): string => {
  const p = z.object({ id: z.string().uuid() }).safeParse(req.params);
  if (!p.success) throw new NotFound('Business not found');
  return p.data.id;
};

const templateEntry = z.object({ language: languageSchema, key: z.string().min(1).max(100), text: z.string().max(MAX_TEMPLATE_LENGTH * 4) });
/** JSON: the whole set of overrides (what is left out uses the default). */
const templatesJson = z.object({
  defaultLanguage: languageSchema.nullable().optional(),
  templates: z.array(templateEntry).max(LANGUAGES.length * EDITABLE_TEMPLATE_KEYS.length * 2),
});
/** The form: one language's texts (`tpl:<key>`), empty = the default. */
const templatesForm = z
  .object({
    language: languageSchema,
    defaultLanguage: z.preprocess((v) => (v === '' ? null : v), languageSchema.nullable().optional()),
  })
  .passthrough();
const languageQuery = z.object({ language: z.preprocess((v) => (v === '' ? undefined : v), languageSchema.optional()) });

const notificationsBody = z.object({
  deliverySummary: z.union([z.boolean(), z.literal('on')]).optional(),
  adminAlerts: z.union([z.boolean(), z.literal('on')]).optional(),
  reviewQuestion: z.union([z.boolean(), z.literal('on')]).optional(),
});
const simulatedGroupBody = z.object({ businessId: z.string().uuid(), name: z.string().max(500) });

/**
 * Checks each entry where it enters: a known reply, only its own placeholders, at most
 * MAX_TEMPLATE_LENGTH characters. A 400 names the entry and the offending placeholder.
 */
function checkTemplates(entries: ReadonlyArray<{ language: Language; key: string; text: string }>, pathOf: (i: number) => string): TemplateOverride[] {
  const out: TemplateOverride[] = [];
  entries.forEach((t, i) => {
    if (!isEditableTemplate(t.key)) {
      throw new ValidationError(`${pathOf(i)}: unknown template "${t.key.slice(0, 100)}"; known: ${EDITABLE_TEMPLATE_KEYS.join(', ')}`, [{ path: `${pathOf(i)}.key`, message: 'unknown template' }]);
    }
    const text = t.text.trim();
    if (text.length > MAX_TEMPLATE_LENGTH) {
      throw new ValidationError(`${t.key} (${t.language}): at most ${MAX_TEMPLATE_LENGTH} characters (this one has ${text.length})`, [{ path: `${pathOf(i)}.text`, message: `at most ${MAX_TEMPLATE_LENGTH} characters` }]);
    }
    const unknown = unknownPlaceholders(t.key, text);
    if (unknown.length > 0) {
      const allowed = EDITABLE_TEMPLATES[t.key].map((x) => `{${x}}`).join(', ');
      throw new ValidationError(`${t.key} (${t.language}): unknown placeholder ${unknown.join(', ')}; this reply can use ${allowed}`, [{ path: `${pathOf(i)}.text`, message: `unknown placeholder ${unknown.join(', ')}` }]);
    }
    // Empty, or the default itself: no override, so a later change of the default reaches this business.
    if (text === '' || text === DEFAULT_TEMPLATES[t.language][t.key]) return;
    out.push({ language: t.language, key: t.key, text });
  });
  return out;
}

export async function setupRoutes(app: FastifyInstance, rt: Runtime): Promise<void> {
  const owned = async (req: FastifyRequest): Promise<{ user: AuthUser; business: BusinessJson }> => {
    const user = requireUser(req);
    return { user, business: await getBusiness(rt, await userScope(rt, user), businessIdOf(req)) };
  };

  const registered = async (businessId: string) => {
    const state = await readBusiness(rt.store, businessId);
    if (state.kind !== 'registered') throw new NotFound(`Business ${businessId} not found`);
    return state;
  };

  const runBusiness = async (req: FastifyRequest, user: AuthUser, businessId: string, command: Parameters<typeof decideBusiness>[0]) =>
    handleCommand({
      store: rt.store,
      evolve: evolveBusiness,
      initialState: initialBusinessState,
      decide: decideBusiness,
      cache: businessStateCache(rt.store),
      streamId: businessStreamId(businessId),
      command,
      metadata: { tenantId: businessId, actor: user.id, correlationId: req.id, causationId: null, occurredAt: new Date().toISOString() },
    });

  // ── the account's chats ───────────────────────────────────────────────────────────
  const chatRows = async (business: BusinessJson): Promise<ChatRow[]> => {
    const chats = await requestChatList(rt.pool, business.id);
    const groups = await listGroups(rt, { all: false, businessIds: [business.id] });
    // A group with no chat linked is the simulator's `sim-<groupId>@g.us` chat.
    const byChat = new Map(groups.map((g) => [g.whatsappId ?? simulatorChatId(g.id), g]));
    return chats.map((c) => {
      const g = byChat.get(c.id);
      return { ...c, linkedGroup: g ? { id: g.id, name: g.name, groupType: g.groupType } : null };
    });
  };

  app.get('/business/:id/whatsapp/chats', async (req, reply) => {
    const { business } = await owned(req);
    if (wantsJson(req)) return reply.send({ chats: await chatRows(business) });
    try {
      return sendHtml(reply, <ChatList businessId={business.id} chats={await chatRows(business)} csrf={req.csrfToken} />);
    } catch (e) {
      // The fragment says why (not linked yet, no answer) where the list would be.
      if (!(e instanceof IllegalState)) throw e;
      return sendHtml(reply, <ChatList businessId={business.id} chats={[]} csrf={req.csrfToken} error={e.message} />);
    }
  });

  app.post('/api/simulator/groups', async (req, reply) => {
    if (!rt.config.simulator) throw new NotFound('Not found');
    const user = requireUser(req);
    const body = parse(simulatedGroupBody, req.body, 'simulated group');
    const business = await getBusiness(rt, await userScope(rt, user), body.businessId);
    const group = await createSimulatedGroup(rt.pool, business.id, body.name);
    if (wantsJson(req)) return reply.code(201).send({ success: true, chat: { id: group.id, name: group.name, isGroup: true } });
    try {
      return sendHtml(reply, <ChatList businessId={business.id} chats={await chatRows(business)} csrf={req.csrfToken} />, 201);
    } catch (e) {
      if (!(e instanceof IllegalState)) throw e;
      return sendHtml(reply, <ChatList businessId={business.id} chats={[]} csrf={req.csrfToken} error={e.message} />, 201);
    }
  });

  // ── reply templates ──────────────────────────────────────────────────────────────
  const templatesJsonOf = (state: Awaited<ReturnType<typeof registered>>) => ({
    defaultLanguage: state.defaultLanguage,
    templates: LANGUAGES.flatMap((l) =>
      EDITABLE_TEMPLATE_KEYS.map((key) => {
        const custom = state.templates.find((t) => t.language === l && t.key === key);
        return { language: l, key, text: custom?.text ?? DEFAULT_TEMPLATES[l][key], default: DEFAULT_TEMPLATES[l][key], custom: custom !== undefined, placeholders: [...EDITABLE_TEMPLATES[key]] };
      }),
    ),
  });

  const previewRows = (lang: Language, currency: string, texts: Partial<Record<EditableTemplateKey, string>>) => {
    const vars = sampleVars(lang, currency);
    return EDITABLE_TEMPLATE_KEYS.map((key) => {
      const text = (texts[key] ?? '').trim();
      const unknown = text === '' ? [] : unknownPlaceholders(key, text);
      if (text.length > MAX_TEMPLATE_LENGTH) return { key, text: '', error: `At most ${MAX_TEMPLATE_LENGTH} characters` };
      if (unknown.length) return { key, text: '', error: `Unknown placeholder ${unknown.join(', ')}; use ${EDITABLE_TEMPLATES[key].map((x) => `{${x}}`).join(' ')}` };
      return { key, text: render(lang, key, vars, text === '' ? [] : [{ language: lang, key, text }]), error: null };
    });
  };

  /** `tpl:<key>` fields of the form, bounded before anything reads them. */
  const formTexts = (body: Record<string, unknown>): Partial<Record<EditableTemplateKey, string>> => {
    const texts: Partial<Record<EditableTemplateKey, string>> = {};
    for (const key of EDITABLE_TEMPLATE_KEYS) {
      const v = body[`tpl:${key}`];
      if (typeof v === 'string') texts[key] = v.slice(0, MAX_TEMPLATE_LENGTH * 4);
    }
    return texts;
  };

  app.get('/business/:id/templates', async (req, reply) => {
    const { user, business } = await owned(req);
    const state = await registered(business.id);
    if (wantsJson(req)) return reply.send(templatesJsonOf(state));
    const q = parse(languageQuery, req.query, 'templates query');
    const lang = q.language ?? state.defaultLanguage ?? languageForCountry(business.country);
    const texts: Partial<Record<EditableTemplateKey, string>> = {};
    for (const t of state.templates) if (t.language === lang && isEditableTemplate(t.key)) texts[t.key] = t.text;
    return sendHtml(
      reply,
      <Layout title={t('setup.repliesTitle', { business: business.name })} user={user} csrf={req.csrfToken} active="/business">
        <TemplatesPage
          businessId={business.id}
          businessName={business.name}
          language={lang}
          defaultLanguage={state.defaultLanguage}
          rows={EDITABLE_TEMPLATE_KEYS.map((key) => ({ key, text: texts[key] ?? DEFAULT_TEMPLATES[lang][key], defaultText: DEFAULT_TEMPLATES[lang][key], custom: texts[key] !== undefined }))}
          preview={<TemplatePreview rows={previewRows(lang, business.currency, texts)} />}
          notifications={state.notifications ?? NOTIFICATIONS_OFF}
          csrf={req.csrfToken}
        />
      </Layout>,
    );
  });

  app.post('/business/:id/templates/preview', async (req, reply) => {
    const { business } = await owned(req);
    const body = parse(templatesForm, req.body, 'templates');
    return sendHtml(reply, <TemplatePreview rows={previewRows(body.language, business.currency, formTexts(body))} />);
  });

  const saveTemplates = async (req: FastifyRequest, reply: FastifyReply) => {
    const { user, business } = await owned(req);
    const state = await registered(business.id);
    let templates: TemplateOverride[];
    let defaultLanguage: Language | null;
    let formLanguage: Language | null = null;
    if (wantsJson(req)) {
      const body = parse(templatesJson, req.body, 'templates');
      templates = checkTemplates(body.templates, (i) => `templates.${i}`);
      defaultLanguage = body.defaultLanguage === undefined ? state.defaultLanguage : body.defaultLanguage;
    } else {
      // The form edits one language: the other languages' overrides stay as they are.
      const body = parse(templatesForm, req.body, 'templates');
      formLanguage = body.language;
      const texts = formTexts(body);
      const mine = checkTemplates(
        EDITABLE_TEMPLATE_KEYS.map((key) => ({ language: body.language, key, text: texts[key] ?? '' })),
        (i) => `tpl:${EDITABLE_TEMPLATE_KEYS[i]}`,
      );
      templates = [...state.templates.filter((t) => t.language !== body.language), ...mine];
      defaultLanguage = body.defaultLanguage === undefined ? state.defaultLanguage : body.defaultLanguage;
    }
    const data = parseCommandData(
      businessCommandSchemas.SetReplyTemplates,
      { businessId: business.id, requestedBy: { userId: user.id, role: user.role }, defaultLanguage, templates },
      'templates',
    );
    const r = await runBusiness(req, user, business.id, { type: 'SetReplyTemplates', data, metadata: { now: new Date(), actor: user.id } });
    if (r.state.kind !== 'registered') throw new NotFound('Business not found');
    if (wantsJson(req)) return reply.send({ success: true, ...templatesJsonOf(r.state) });
    return redirect(req, reply, `/business/${business.id}/templates?language=${formLanguage ?? 'en'}&saved=1`);
  };
  app.put('/business/:id/templates', saveTemplates);
  app.post('/business/:id/templates', saveTemplates);

  // ── messages to the merchant's own groups ─────────────────────────────────────────
  app.get('/business/:id/notifications', async (req, reply) => {
    const { business } = await owned(req);
    const state = await registered(business.id);
    if (wantsJson(req)) return reply.send({ notifications: state.notifications ?? NOTIFICATIONS_OFF });
    return reply.redirect(`/business/${business.id}/templates#notifications-form`, 303);
  });

  const saveNotifications = async (req: FastifyRequest, reply: FastifyReply) => {
    const { user, business } = await owned(req);
    const body = parse(notificationsBody, req.body ?? {}, 'notifications');
    const on = (v: boolean | 'on' | undefined) => v === true || v === 'on';
    const data = parseCommandData(
      businessCommandSchemas.SetNotificationSettings,
      { businessId: business.id, requestedBy: { userId: user.id, role: user.role }, deliverySummary: on(body.deliverySummary), adminAlerts: on(body.adminAlerts), reviewQuestion: on(body.reviewQuestion) },
      'notifications',
    );
    const r = await runBusiness(req, user, business.id, { type: 'SetNotificationSettings', data, metadata: { now: new Date(), actor: user.id } });
    if (r.state.kind !== 'registered') throw new NotFound('Business not found');
    if (wantsJson(req)) return reply.send({ success: true, notifications: r.state.notifications ?? NOTIFICATIONS_OFF });
    return redirect(req, reply, `/business/${business.id}/templates#notifications-form`);
  };
  app.put('/business/:id/notifications', saveNotifications);
  app.post('/business/:id/notifications', saveNotifications);
}
