// POST /account/language: the signed-in user's web UI language (event UserLanguageSet on the user
// stream, projected to users.language, read with the session on every request). JSON answers
// {language}; a form (the account menu) is sent back to the page it came from.
import type { FastifyInstance } from 'fastify';
import { sql } from 'slonik';
import { z } from 'zod';
import type { Runtime } from '../../src/runtime.ts';
import { language } from '../../src/events/catalog.ts';
import { handleCommand } from '../../src/shared/command-handler.ts';
import { decideAccount } from '../../src/accounts/commands.ts';
import { evolveUser, initialUserState, userStreamId, type UserEvent, type UserState } from '../../src/accounts/user.ts';
import { newId } from '../../src/shared/ids.ts';
import { Forbidden, NotFound } from '../../src/shared/errors.ts';
import { requireUser } from '../auth/plugin.ts';
import { isHtmx, parse, wantsJson } from '../lib/http.ts';
import { waitUntil } from '../lib/projection.ts';

const body = z.object({ language, _csrf: z.string().max(200).optional() });

/** Back to the page the form was on, if it is one of ours (a path, never another site). */
function backTo(referer: string | undefined, host: string | undefined): string {
  if (!referer || !host) return '/dashboard';
  try {
    const u = new URL(referer);
    if (u.host !== host || !u.pathname.startsWith('/') || u.pathname.startsWith('//')) return '/dashboard';
    return `${u.pathname}${u.search}`.slice(0, 2000);
  } catch {
    return '/dashboard';
  }
}

export async function accountRoutes(app: FastifyInstance, rt: Runtime): Promise<void> {
  app.post('/account/language', async (req, reply) => {
    const user = requireUser(req);
    if (user.apiKey) throw new Forbidden('An API key has no account settings; sign in instead');
    const input = parse(body, req.body, 'language');
    const now = new Date();
    await handleCommand<null, UserState, UserEvent>({
      store: rt.store,
      streamId: userStreamId(user.id),
      evolve: evolveUser,
      initialState: initialUserState,
      decide: (_none, state) => {
        if (state.kind !== 'registered') throw new NotFound('User not found');
        return decideAccount({ type: 'SetLanguage', data: { userId: user.id, language: input.language }, metadata: { now, actor: user.id } }, state);
      },
      command: null,
      metadata: { tenantId: null, actor: user.id, correlationId: newId(), causationId: null, occurredAt: now.toISOString() },
    });
    // The next page reads the setting with the session: wait for the users row to show it.
    await waitUntil(async () => {
      const v = await rt.pool.maybeOneFirst(sql.type(z.object({ language: z.string().nullable() }))`select language from users where id = ${user.id}`);
      return v === input.language;
    });
    if (wantsJson(req)) return reply.send({ language: input.language });
    const to = backTo(req.headers.referer, req.headers.host);
    if (isHtmx(req)) return reply.header('HX-Redirect', to).code(204).send();
    return reply.redirect(to, 303);
  });
}
