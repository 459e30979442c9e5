// `Authorization: Bearer novi_…`: a business's API key stands for that business's owner, limited
// to that one business (userScope), never an admin, always answered in JSON. An unknown or revoked
// key is a 401 at once (looked up on every request, no cache). Limits: requests per key per minute,
// and failed keys per client address (like the sign-in limits).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Runtime } from '../../src/runtime.ts';
import { Forbidden } from '../../src/shared/errors.ts';
import { authenticateApiKey } from '../../src/integrations/api-keys.ts';
import { RateLimited, Unauthorized } from '../lib/errors.ts';
import { WindowLimit } from '../lib/window-limit.ts';

export interface ApiKeyAuthOptions {
  /** Requests per key per minute (per web process). */
  perKeyPerMinute: number;
  /** Requests with an unknown or revoked key per client address per minute. */
  failuresPerMinute: number;
}

/** Paths a key never opens: the admin area, sign-in and sessions, live sockets. */
const CLOSED = [/^\/admin(\/|$)/, /^\/auth\//, /^\/ws(\/|\?|$)/];

export function apiKeyAuth(app: FastifyInstance, rt: Runtime, options: ApiKeyAuthOptions): void {
  const perKey = new WindowLimit(options.perKeyPerMinute, 60_000, 'requests with this API key');
  const failures = new Map<string, number[]>();
  const failedRecently = (ip: string, now: number): number => {
    const recent = (failures.get(ip) ?? []).filter((t) => t > now - 60_000);
    failures.set(ip, recent);
    return recent.length;
  };

  app.addHook('onRequest', async (req: FastifyRequest) => {
    const header = req.headers.authorization;
    if (header === undefined) return;
    // Whatever the client asked for, a key gets JSON (and no htmx fragments).
    req.headers.accept = 'application/json';
    delete req.headers['hx-request'];
    // The key decides who asks, not a session cookie that came along.
    req.user = null;
    req.authSession = null;
    const m = /^Bearer ([A-Za-z0-9_-]{1,200})$/.exec(header.trim());
    if (!m) throw new Unauthorized('Authorization must be "Bearer <API key>"');
    const path = req.url.split('?')[0] ?? '';
    if (CLOSED.some((r) => r.test(path))) throw new Forbidden('API keys cannot be used here; sign in instead');
    const now = Date.now();
    if (failedRecently(req.ip, now) >= options.failuresPerMinute) {
      throw new RateLimited(`Too many requests with unknown API keys from your address; try again in a minute`);
    }
    const principal = await authenticateApiKey(rt, m[1]!);
    if (!principal || !principal.owner.active) {
      failures.get(req.ip)!.push(now);
      if (failures.size > 10_000) for (const [k, v] of failures) if ((v.at(-1) ?? 0) <= now - 60_000) failures.delete(k);
      throw new Unauthorized('The API key is not valid or was revoked');
    }
    perKey.take(principal.keyId, now);
    req.user = {
      id: principal.owner.id,
      username: principal.owner.username,
      email: principal.owner.email,
      role: 'merchant',
      apiKey: { id: principal.keyId, businessId: principal.businessId },
    };
    // Creating another business is outside one business's key.
    if (req.method === 'POST' && path === '/business') throw new Forbidden('An API key acts for its own business only; sign in to create a business');
  });
}
