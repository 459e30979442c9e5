// WhatsApp session of a business (start/state/stop) and the simulator API, tenant-checked here
// before anything reaches the session control.
import { t } from '../i18n/index.ts';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Runtime } from '../../src/runtime.ts';
import { NotFound } from '../../src/shared/errors.ts';
import { requireUser, type AuthUser } from '../auth/plugin.ts';
import { control } from '../lib/control.ts';
import { isHtmx, parse, sendHtml, wantsJson } from '../lib/http.ts';
import { getBusiness, getGroup, listBusinesses, listGroups, narrow, recentMessages, userScope, type BusinessJson } from '../lib/queries.ts';
import { Layout } from '../views/layout.tsx';
import { SessionPanel, SimulatorFeed, TryIt } from '../views/whatsapp.tsx';
import { ConversationSettings } from '../views/conversations.tsx';
import { DEFAULT_BUSINESS_SETTINGS, readBusiness } from '../../src/businesses/business.ts';
import { ChatsSection } from '../views/setup.tsx';

export const transportBody = z.object({ transport: z.enum(['whatsapp', 'simulator']).default('whatsapp') });
const simulatorFrom = z.object({ name: z.string().trim().min(1).max(200), phone: z.string().trim().min(3).max(32) });
export const simulatorBody = z.preprocess(
  (v) => {
    // The Try-it form posts flat fields; its "Direct chat" choice is a direct message to the business.
    if (typeof v !== 'object' || v === null || 'from' in v) return v;
    const f = Object.fromEntries(Object.entries(v));
    const from = { name: f['fromName'], phone: f['fromPhone'] };
    return f['groupId'] === 'direct' ? { businessId: f['businessId'], text: f['text'], from } : { groupId: f['groupId'], text: f['text'], from };
  },
  z.union([
    z.object({ groupId: z.string().uuid(), from: simulatorFrom, text: z.string().min(1).max(10_000), id: z.string().min(1).max(200).optional(), replyTo: z.string().min(1).max(200).optional() }),
    // No groupId: a direct (1:1) message from `from.phone` to the business's number.
    z.object({ groupId: z.undefined(), businessId: z.string().uuid(), from: simulatorFrom, text: z.string().min(1).max(10_000), id: z.string().min(1).max(200).optional() }),
  ]),
);

/** `+234…`, or the same with the `+` lost to a query string's space, or without it. */
const phoneParam = z
  .string()
  .max(40)
  .transform((p) => p.replace(/[\s().-]/g, ''))
  .transform((p) => (p.startsWith('+') ? p : `+${p}`));
const outboxQuery = z.union([
  z.object({ groupId: z.string().uuid() }),
  z.object({ groupId: z.undefined(), businessId: z.string().uuid(), phone: phoneParam }),
]);

const businessIdOf = (req: FastifyRequest): string => {
  const p = z.object({ id: z.string().uuid() }).safeParse(req.params);
  if (!p.success) throw new NotFound('Business not found');
  return p.data.id;
};

/** Bot replies of every group of a business, newest first. */
export async function simulatorFeed(rt: Runtime, businessId: string, oob = false): Promise<JSX.Element> {
  const groups = await listGroups(rt, { all: false, businessIds: [businessId] });
  const messages = await recentMessages(rt, businessId, 15);
  const replies: Array<{ to: string; text: string; sentAt: string; inReplyTo: string | null; group: string }> = [];
  if (rt.config.simulator && groups.length) {
    const c = await control().catch(() => null);
    if (c) {
      for (const g of groups) {
        const out = await c.readSimulatorOutbox(rt, g.id).catch(() => []);
        for (const m of out) replies.push({ ...m, group: g.name });
      }
    }
  }
  if (rt.config.simulator) {
    const c = await control().catch(() => null);
    const direct = c ? await c.readSimulatorDirectOutbox(rt, businessId, null).catch(() => []) : [];
    for (const m of direct) replies.push({ ...m, group: `direct chat ${m.chatId.replace(/@.*$/, '')}` });
  }
  replies.sort((a, b) => b.sentAt.localeCompare(a.sentAt));
  return <SimulatorFeed businessId={businessId} messages={messages} replies={replies.slice(0, 15)} oob={oob} />;
}

export async function sessionPanel(rt: Runtime, business: BusinessJson, csrf: string, oob = false): Promise<string> {
  const c = await control().catch(() => null);
  const session = c ? await c.getSession(rt, business.id) : null;
  return SessionPanel({ business, session, csrf, simulator: rt.config.simulator, oob });
}

export async function whatsappRoutes(app: FastifyInstance, rt: Runtime): Promise<void> {
  const owned = async (req: FastifyRequest): Promise<{ user: AuthUser; business: BusinessJson }> => {
    const user = requireUser(req);
    return { user, business: await getBusiness(rt, await userScope(rt, user, 'settings'), businessIdOf(req)) };
  };

  app.get('/whatsapp', async (req, reply) => {
    const user = requireUser(req);
    const businesses = await listBusinesses(rt, await userScope(rt, user, 'settings'));
    const first = businesses[0];
    if (businesses.length === 1 && first) return reply.redirect(`/business/${first.id}/whatsapp`, 303);
    return sendHtml(
      reply,
      <Layout title="WhatsApp" user={user} csrf={req.csrfToken} active="/whatsapp">
        <h1>WhatsApp</h1>
        {businesses.length === 0 ? (
          <p class="card">
            <a href="/business">{t('wa.createFirst')}</a> {t('wa.createFirstTail')}
          </p>
        ) : (
          <ul class="card">
            {businesses.map((b) => (
              <li>
                <a href={`/business/${b.id}/whatsapp`} safe>
                  {b.name}
                </a>
              </li>
            ))}
          </ul>
        )}
      </Layout>,
    );
  });

  const sessionJson = async (businessId: string) => {
    const s = await (await control()).getSession(rt, businessId);
    return s ? { id: s.id, state: s.state, qr: s.qr, phone: s.phone, lastSeenAt: s.lastSeenAt, transport: s.transport } : { id: null, state: 'STOPPED', qr: null, phone: null, lastSeenAt: null };
  };

  app.get('/business/:id/whatsapp', async (req, reply) => {
    const { user, business } = await owned(req);
    if (wantsJson(req)) return reply.send({ session: await sessionJson(business.id) });
    const groups = await listGroups(rt, { all: false, businessIds: [business.id] });
    const state = await readBusiness(rt.store, business.id);
    const settings = state.kind === 'registered' ? state.settings : DEFAULT_BUSINESS_SETTINGS;
    return sendHtml(
      reply,
      <Layout title={`WhatsApp · ${business.name}`} user={user} csrf={req.csrfToken} active="/whatsapp">
        <h1 safe>{`WhatsApp · ${business.name}`}</h1>
        <div class="grid2">
          <div class="stack">
            {await sessionPanel(rt, business, req.csrfToken)}
            <ConversationSettings businessId={business.id} settings={settings} csrf={req.csrfToken} />
          </div>
          {rt.config.simulator ? (
            <TryIt business={business} groups={groups} csrf={req.csrfToken} feed={await simulatorFeed(rt, business.id)} directOrders={settings.directOrders} />
          ) : (
            ''
          )}
        </div>
        <ChatsSection businessId={business.id} csrf={req.csrfToken} simulator={rt.config.simulator} />
      </Layout>,
    );
  });

  app.get('/business/:id/whatsapp/panel', async (req, reply) => {
    const { business } = await owned(req);
    return sendHtml(reply, await sessionPanel(rt, business, req.csrfToken));
  });

  app.get('/business/:id/simulator/feed', async (req, reply) => {
    const { business } = await owned(req);
    return sendHtml(reply, await simulatorFeed(rt, business.id));
  });

  app.post('/business/:id/whatsapp', async (req, reply) => {
    const { user, business } = await owned(req);
    const body = parse(transportBody, req.body ?? {}, 'session start');
    if (body.transport === 'simulator' && !rt.config.simulator) throw new NotFound('The simulator is turned off on this server');
    const session = await (await control()).startSession(rt, { businessId: business.id, transport: body.transport, actor: user.id });
    if (wantsJson(req)) return reply.code(202).send({ session: { id: session.id, state: session.state } });
    return answerPanel(req, reply, business);
  });

  app.delete('/business/:id/whatsapp', async (req, reply) => {
    const { user, business } = await owned(req);
    await (await control()).stopSession(rt, { businessId: business.id, actor: user.id });
    if (wantsJson(req)) return reply.send({ success: true });
    return answerPanel(req, reply, business);
  });

  const answerPanel = async (req: FastifyRequest, reply: FastifyReply, business: BusinessJson) => {
    if (!isHtmx(req)) return reply.redirect(`/business/${business.id}/whatsapp`, 303);
    return sendHtml(reply, await sessionPanel(rt, business, req.csrfToken), 202);
  };

  app.post('/api/simulator/messages', async (req, reply) => {
    if (!rt.config.simulator) throw new NotFound('Not found');
    const user = requireUser(req);
    const body = parse(simulatorBody, req.body, 'simulator message');
    if (body.groupId === undefined) {
      const business = await getBusiness(rt, await userScope(rt, user, 'settings'), body.businessId);
      const result = await (await control()).postSimulatorDirectMessage(rt, { businessId: business.id, from: body.from, text: body.text, ...(body.id ? { id: body.id } : {}) });
      if (wantsJson(req)) return reply.code(202).send({ success: true, messageId: result.messageId });
      return sendHtml(reply, await simulatorFeed(rt, business.id), 202);
    }
    const group = await getGroup(rt, await userScope(rt, user, 'settings'), body.groupId);
    const result = await (await control()).postSimulatorMessage(rt, { groupId: group.id, from: body.from, text: body.text, ...(body.id ? { id: body.id } : {}), ...(body.replyTo ? { replyTo: body.replyTo } : {}) });
    if (wantsJson(req)) return reply.code(202).send({ success: true, messageId: result.messageId });
    return sendHtml(reply, await simulatorFeed(rt, group.businessId), 202);
  });

  app.get('/api/simulator/outbox', async (req, reply) => {
    if (!rt.config.simulator) throw new NotFound('Not found');
    const user = requireUser(req);
    const q = parse(outboxQuery, req.query, 'outbox query');
    if (q.groupId === undefined) {
      const business = await getBusiness(rt, narrow(await userScope(rt, user, 'settings'), undefined), q.businessId);
      const messages = await (await control()).readSimulatorDirectOutbox(rt, business.id, q.phone);
      return reply.send({ messages: messages.map(({ chatId: _chat, ...m }) => m) });
    }
    const group = await getGroup(rt, narrow(await userScope(rt, user, 'settings'), undefined), q.groupId);
    return reply.send({ messages: await (await control()).readSimulatorOutbox(rt, group.id) });
  });
}
