// Who is asking (lucia session cookie), and the guards of mutating requests: same-origin
// check on every browser request, and a CSRF token on forms and htmx requests.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Session } from 'lucia';
import { z } from 'zod';
import type { Runtime } from '../../src/runtime.ts';
import type { Language, UserRole } from '../../src/events/catalog.ts';
import { Forbidden } from '../../src/shared/errors.ts';
import { Unauthorized } from '../lib/errors.ts';
import { createLucia, type NoviLucia } from './lucia.ts';

export interface AuthUser {
  id: string;
  username: string;
  email: string;
  role: UserRole;
  /** The UI language the user chose (UserLanguageSet), and their first business's country (web/i18n). */
  language?: Language | null;
  country?: string | null;
  /** Set when the request carries a business's API key (web/auth/api-keys.ts): only that business, never admin. */
  apiKey?: { id: string; businessId: string };
}

declare module 'fastify' {
  interface FastifyRequest {
    user: AuthUser | null;
    authSession: Session | null;
    /** The CSRF token for forms and htmx requests rendered in this response. */
    csrfToken: string;
  }
  interface FastifyInstance {
    lucia: NoviLucia;
  }
}

export const CSRF_COOKIE = 'novi_csrf';
const csrfField = z.object({ _csrf: z.string().optional() });
const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export function requireUser(req: FastifyRequest): AuthUser {
  if (!req.user) throw new Unauthorized('Sign in first');
  return req.user;
}

function csrfFor(secret: string, nonce: string): string {
  return createHmac('sha256', secret).update(`csrf:${nonce}`).digest('base64url');
}

function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * A request without Origin (not from a browser page) passes; one with Origin must name this
 * server (its Host, or the X-Forwarded-Host a trusted proxy set: `req.host`) or one of
 * ALLOWED_ORIGINS. Used for mutating requests and for websocket upgrades.
 */
export function originAllowed(req: FastifyRequest, allowed: readonly string[]): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  if (allowed.includes(url.origin)) return true;
  // Normalised like the Origin (a default port such as :80 disappears).
  const own = [req.headers.host, req.host].flatMap((h) => {
    if (!h) return [];
    try {
      return [new URL(`${url.protocol}//${h}`).host];
    } catch {
      return [];
    }
  });
  return own.includes(url.host);
}

export function setSessionCookie(app: FastifyInstance, reply: FastifyReply, sessionId: string | null): void {
  const cookie = sessionId === null ? app.lucia.createBlankSessionCookie() : app.lucia.createSessionCookie(sessionId);
  reply.setCookie(cookie.name, cookie.value, {
    path: cookie.attributes.path ?? '/',
    httpOnly: true,
    sameSite: 'lax',
    secure: cookie.attributes.secure ?? false,
    ...(cookie.attributes.maxAge !== undefined ? { maxAge: cookie.attributes.maxAge } : {}),
  });
}

export async function authPlugin(app: FastifyInstance, rt: Runtime): Promise<void> {
  app.decorate('lucia', createLucia(rt));
  app.decorateRequest('user', null);
  app.decorateRequest('authSession', null);
  app.decorateRequest('csrfToken', '');
  const secure = rt.config.env === 'production';

  app.addHook('onRequest', async (req, reply) => {
    // Double-submit, signed: the cookie holds a random nonce, pages carry HMAC(secret, nonce).
    // A cross-site page can neither read the cookie nor compute the token.
    let nonce = req.cookies[CSRF_COOKIE];
    if (!nonce || !/^[A-Za-z0-9_-]{20,64}$/.test(nonce)) {
      nonce = randomBytes(24).toString('base64url');
      reply.setCookie(CSRF_COOKIE, nonce, { path: '/', httpOnly: true, sameSite: 'lax', secure });
      req.cookies[CSRF_COOKIE] = nonce;
    }
    req.csrfToken = csrfFor(rt.config.sessionSecret, nonce);

    const sessionId = req.cookies[app.lucia.sessionCookieName];
    if (sessionId) {
      const { session, user } = await app.lucia.validateSession(sessionId);
      if (session && user) {
        req.user = { id: user.id, username: user.username, email: user.email, role: user.role, language: user.language, country: user.country };
        req.authSession = session;
        if (session.fresh) setSessionCookie(app, reply, session.id);
      } else {
        setSessionCookie(app, reply, null);
      }
    }
  });

  app.addHook('preHandler', async (req) => {
    if (!MUTATING.has(req.method)) return;
    // A bearer key is not ambient (a browser never adds it by itself): no CSRF to guard against.
    if (req.user?.apiKey) return;
    if (!originAllowed(req, rt.config.allowedOrigins)) throw new Forbidden('Cross-origin request refused');
    if (req.headers['sec-fetch-site'] === 'cross-site') throw new Forbidden('Cross-site request refused');
    // JSON bodies cannot be sent cross-origin without CORS (which Novi never grants), so API
    // clients need no token; forms and htmx requests must carry it.
    const type = String(req.headers['content-type'] ?? '');
    const needsToken = req.headers['hx-request'] === 'true' || (type !== '' && !type.startsWith('application/json'));
    if (!needsToken) return;
    const fromBody = csrfField.safeParse(req.body);
    const given = req.headers['x-csrf-token'] ?? (fromBody.success ? fromBody.data._csrf : undefined);
    if (typeof given !== 'string' || !sameToken(given, req.csrfToken)) {
      throw new Forbidden('The form expired or did not come from Novi (CSRF token missing or wrong); reload the page and try again');
    }
  });
}
