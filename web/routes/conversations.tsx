// A business's conversation settings (direct orders, reply mode, self-edit window), owner-scoped.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Runtime } from '../../src/runtime.ts';
import { businessStateCache, businessStreamId, evolveBusiness, initialBusinessState, readBusiness, type BusinessSettings } from '../../src/businesses/business.ts';
import { decideBusiness } from '../../src/businesses/commands.ts';
import { handleCommand, parseCommandData } from '../../src/shared/command-handler.ts';
import { businessCommandSchemas } from '../../src/businesses/commands.ts';
import { NotFound } from '../../src/shared/errors.ts';
import { requireUser } from '../auth/plugin.ts';
import { isHtmx, parse, sendHtml, wantsJson } from '../lib/http.ts';
import { getBusiness, userScope } from '../lib/queries.ts';
import { ConversationSettings } from '../views/conversations.tsx';

/** JSON booleans, or the form's checkbox (a hidden "off" before it, so the last value wins). */
const flag = z.preprocess((v) => {
  const last = Array.isArray(v) ? v[v.length - 1] : v;
  return last === 'on' || last === 'true' ? true : last === 'off' || last === 'false' ? false : last;
}, z.boolean());
const settingsBody = z
  .object({
    directOrders: flag.optional(),
    replyMode: z.enum(['group', 'private']).optional(),
    selfEditWindowMinutes: z.coerce.number().int().optional(),
  })
  .passthrough();

const businessIdOf = (req: FastifyRequest): string => {
  const p = z.object({ id: z.string().uuid() }).safeParse(req.params);
  if (!p.success) throw new NotFound('Business not found');
  return p.data.id;
};

export async function conversationRoutes(app: FastifyInstance, rt: Runtime): Promise<void> {
  const owned = async (req: FastifyRequest) => {
    const user = requireUser(req);
    return { user, business: await getBusiness(rt, await userScope(rt, user), businessIdOf(req)) };
  };
  const current = async (businessId: string): Promise<BusinessSettings> => {
    const s = await readBusiness(rt.store, businessId);
    if (s.kind !== 'registered') throw new NotFound('Business not found');
    return s.settings;
  };

  app.get('/business/:id/conversations', async (req, reply) => {
    const { business } = await owned(req);
    const settings = await current(business.id);
    if (wantsJson(req)) return reply.send({ settings });
    return sendHtml(reply, <ConversationSettings businessId={business.id} settings={settings} csrf={req.csrfToken} />);
  });

  const save = async (req: FastifyRequest, reply: FastifyReply) => {
    const { user, business } = await owned(req);
    const { directOrders, replyMode, selfEditWindowMinutes } = parse(settingsBody, req.body, 'conversation settings');
    const data = parseCommandData(
      businessCommandSchemas.SetBusinessSettings,
      {
        businessId: business.id, requestedBy: { userId: user.id, role: user.role },
        ...(directOrders !== undefined ? { directOrders } : {}), ...(replyMode ? { replyMode } : {}), ...(selfEditWindowMinutes !== undefined ? { selfEditWindowMinutes } : {}),
      },
      'conversation settings',
    );
    const r = await handleCommand({
      store: rt.store, evolve: evolveBusiness, initialState: initialBusinessState, decide: decideBusiness, cache: businessStateCache(rt.store),
      streamId: businessStreamId(business.id),
      command: { type: 'SetBusinessSettings', data, metadata: { now: new Date(), actor: user.id } },
      metadata: { tenantId: business.id, actor: user.id, correlationId: req.id, causationId: null, occurredAt: new Date().toISOString() },
    });
    if (r.state.kind !== 'registered') throw new NotFound('Business not found');
    if (wantsJson(req)) return reply.send({ settings: r.state.settings });
    if (!isHtmx(req)) return reply.redirect(`/business/${business.id}/whatsapp`, 303);
    return sendHtml(reply, <ConversationSettings businessId={business.id} settings={r.state.settings} csrf={req.csrfToken} saved />);
  };
  app.put('/business/:id/conversations', save);
  app.post('/business/:id/conversations', save);
}
