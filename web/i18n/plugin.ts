// The request's language: `req.i18n` (lang, Intl locale, t) resolved after sign-in from the user's
// setting (UserLanguageSet), else Accept-Language, else the business's country, else English.
// Every route handler runs inside it (AsyncLocalStorage), so views read it with `t()`.
import type { FastifyInstance } from 'fastify';
import { makeI18n, resolveLanguage, store, type I18n } from './index.ts';

declare module 'fastify' {
  interface FastifyRequest {
    i18n: I18n;
  }
}

const ENGLISH = makeI18n('en');

/** Wraps every route added from now on so its handler runs in the request's language. Call before the routes. */
export function i18nRouteScope(app: FastifyInstance): void {
  app.decorateRequest('i18n', null as unknown as I18n);
  app.addHook('onRoute', (route) => {
    if ((route as { websocket?: boolean }).websocket) return;
    const handler = route.handler as (this: unknown, req: { i18n: I18n | null }, reply: unknown) => unknown;
    route.handler = function (this: unknown, req, reply) {
      return store.run((req as { i18n: I18n | null }).i18n ?? ENGLISH, () => handler.call(this, req as { i18n: I18n | null }, reply));
    } as typeof route.handler;
  });
}

/** Resolves `req.i18n`. Register after the sign-in hooks (it reads req.user). */
export function i18nResolver(app: FastifyInstance): void {
  app.addHook('onRequest', async (req) => {
    const user = req.user;
    const header = req.headers['accept-language'];
    const lang = resolveLanguage({ userLanguage: user?.language ?? null, acceptLanguage: typeof header === 'string' ? header : undefined, country: user?.country ?? null });
    req.i18n = makeI18n(lang, user?.country ?? null);
  });
}
