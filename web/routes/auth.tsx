// Sign up, sign in, sign out. Passwords: argon2id in the credentials table. Names: reserved in
// account_names (unique index) before UserRegistered is appended, so two sign-ups racing for a
// name cannot both win. Sign-in is limited per client address (@fastify/rate-limit) and per
// account name (web/auth/throttle.ts); registration per client address.
import { t } from '../i18n/index.ts';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { sql } from 'slonik';
import { z } from 'zod';
import type { Runtime } from '../../src/runtime.ts';
import { registerAccount } from '../../src/accounts/registration.ts';
import { checkPassword, passwordHashOf } from '../../src/accounts/credentials.ts';
import { evolveUser, initialUserState, userStreamId, type UserState } from '../../src/accounts/user.ts';
import { DomainError } from '../../src/shared/errors.ts';
import { validateEvent } from '../../src/events/catalog.ts';
import { setSessionCookie, type AuthUser } from '../auth/plugin.ts';
import { signInThrottle, type SignInLockOptions } from '../auth/throttle.ts';
import { RateLimited, Unauthorized, problemOf } from '../lib/errors.ts';
import { blankToUndefined, parse, redirect, sendHtml, wantsJson } from '../lib/http.ts';
import { Csrf, Layout } from '../views/layout.tsx';

export const registerBody = z.object({
  username: z.string(),
  email: z.string(),
  password: z.string().min(8, 'must be at least 8 characters').max(200),
  phone: z.preprocess(blankToUndefined, z.string().optional()),
});
export const loginBody = z.object({ username: z.string().trim().min(1).max(200), password: z.string().min(1).max(200) });

class AccountDisabled extends DomainError {
  readonly code: string = 'ACCOUNT_DISABLED';
  readonly httpStatus: number = 403;
}

const NO_SUCH_USER = '00000000-0000-4000-8000-000000000000';

interface StoredUser {
  state: Extract<UserState, { kind: 'registered' }>;
  phone: string | null;
}

/** The user stream is the truth for sign-in: it is complete the moment register returns. */
async function readUser(rt: Runtime, userId: string): Promise<StoredUser | null> {
  let state: UserState = initialUserState();
  let phone: string | null = null;
  for (const e of await rt.store.readStream(userStreamId(userId))) {
    const valid = validateEvent(e.type, e.data, e.metadata.schemaVersion);
    if (!valid.ok) continue;
    const event = valid.event;
    if (event.type === 'UserRegistered') phone = event.data.phone;
    if (event.type === 'UserRegistered' || event.type === 'UserDeactivated' || event.type === 'UserReactivated' || event.type === 'UserRoleGranted') {
      state = evolveUser(state, event);
    }
  }
  return state.kind === 'registered' ? { state, phone } : null;
}

async function findUserId(rt: Runtime, login: string): Promise<string | null> {
  return rt.pool.maybeOneFirst(sql.type(z.object({ id: z.string() }))`
    select user_id as id from account_names where lower(username) = lower(${login}) or lower(email) = lower(${login})
    union
    select id from users where lower(username) = lower(${login}) or lower(email) = lower(${login})
    limit 1`);
}

const userJson = (u: AuthUser, phone: string | null) => ({ id: u.id, username: u.username, email: u.email, phone, role: u.role });

async function signIn(app: FastifyInstance, req: FastifyRequest, reply: FastifyReply, userId: string): Promise<void> {
  // Rotation: whatever session the browser held before is ended, the new one has a fresh id.
  if (req.authSession) {
    await app.lucia.invalidateSession(req.authSession.id);
    app.liveSockets.closeSession(req.authSession.id);
  }
  const session = await app.lucia.createSession(userId, {});
  setSessionCookie(app, reply, session.id);
}

function AuthPage(p: { mode: 'login' | 'register'; csrf: string; error?: string; values?: Record<string, string> }): JSX.Element {
  const login = p.mode === 'login';
  return (
    <Layout title={login ? t('auth.signIn') : t('auth.signUp')} user={null} csrf={p.csrf}>
      <section class="card narrow">
        <h1>{login ? t('auth.signIn') : t('auth.createAccount')}</h1>
        {p.error ? (
          <div class="flash error" role="alert" safe>
            {p.error}
          </div>
        ) : (
          ''
        )}
        <form method="post" action={login ? '/auth/login' : '/auth/register'} class="stack">
          <Csrf token={p.csrf} />
          <label>
            {login ? t('auth.usernameOrEmail') : t('auth.username')}
            <input name="username" required autocomplete="username" value={p.values?.['username'] ?? ''} />
          </label>
          {login ? (
            ''
          ) : (
            <>
              <label>
                {t('auth.email')}
                <input name="email" type="email" required autocomplete="email" value={p.values?.['email'] ?? ''} />
              </label>
              <label>
                {t('auth.phone')}
                <input name="phone" type="tel" value={p.values?.['phone'] ?? ''} />
              </label>
            </>
          )}
          <label>
            {t('auth.password')}
            <input name="password" type="password" required minlength={login ? undefined : '8'} autocomplete={login ? 'current-password' : 'new-password'} />
          </label>
          <button type="submit">{login ? t('auth.signIn') : t('auth.signUp')}</button>
        </form>
        <p>{login ? <a href="/register">{t('auth.noAccount')}</a> : <a href="/login">{t('auth.haveAccount')}</a>}</p>
      </section>
    </Layout>
  );
}

/** Browser forms show the problem above the form again; API clients get the JSON problem. */
function formFailure(req: FastifyRequest, reply: FastifyReply, mode: 'login' | 'register', error: unknown, values: Record<string, string>) {
  const p = problemOf(error);
  if (wantsJson(req) || p.status >= 500) throw error;
  return sendHtml(reply, <AuthPage mode={mode} csrf={req.csrfToken} error={p.message} values={values} />, p.status);
}

export interface AuthLimits {
  /** Sign-in attempts per client address per minute. */
  loginRateLimit: number;
  /** Registrations per client address per 15 minutes (each costs an argon2 hash). */
  registerRateLimit: number;
  signInLock?: SignInLockOptions;
}

export async function authRoutes(app: FastifyInstance, rt: Runtime, opts: AuthLimits): Promise<void> {
  const throttle = signInThrottle(rt, opts.signInLock);
  app.get('/login', async (req, reply) => {
    if (req.user) return reply.redirect('/dashboard', 303);
    return sendHtml(reply, <AuthPage mode="login" csrf={req.csrfToken} />);
  });
  app.get('/register', async (req, reply) => {
    if (req.user) return reply.redirect('/dashboard', 303);
    return sendHtml(reply, <AuthPage mode="register" csrf={req.csrfToken} />);
  });

  app.post('/auth/register', { config: { rateLimit: { max: opts.registerRateLimit, timeWindow: '15 minutes' } } }, async (req, reply) => {
    const raw = z.record(z.unknown()).safeParse(req.body);
    const values: Record<string, string> = raw.success ? { username: String(raw.data['username'] ?? ''), email: String(raw.data['email'] ?? ''), phone: String(raw.data['phone'] ?? '') } : {};
    try {
      const body = parse(registerBody, req.body, 'registration');
      const account = await registerAccount(rt, { username: body.username, email: body.email, password: body.password, phone: body.phone ?? null }, { correlationId: req.id });
      await signIn(app, req, reply, account.userId);
      const user: AuthUser = { id: account.userId, username: account.username, email: account.email, role: account.role };
      if (wantsJson(req)) return reply.code(201).send({ success: true, user: userJson(user, account.phone) });
      return redirect(req, reply, '/business');
    } catch (e) {
      return formFailure(req, reply, 'register', e, values);
    }
  });

  app.post('/auth/login', { config: { rateLimit: { max: opts.loginRateLimit, timeWindow: '1 minute' } } }, async (req, reply) => {
    const raw = z.object({ username: z.string() }).partial().safeParse(req.body);
    const values = { username: raw.success ? (raw.data.username ?? '') : '' };
    try {
      const body = parse(loginBody, req.body, 'sign-in');
      const userId = await findUserId(rt, body.username);
      // Per account (name or email alike), and per name typed when there is no such account.
      const key = userId ? `user:${userId}` : `name:${body.username.toLowerCase()}`;
      const { retryAfterMs } = await throttle.attempt(key);
      if (retryAfterMs > 0) throw new RateLimited(`Too many sign-in attempts; try again in ${Math.ceil(retryAfterMs / 1000)} s`);
      // Same answer for an unknown name and a wrong password, and the same work (the same reads
      // for an id nobody has, argon2 against a dummy hash) so the timing does not tell them apart.
      const lookupId = userId ?? NO_SUCH_USER;
      const stored = await readUser(rt, lookupId);
      const ok = await checkPassword(await passwordHashOf(rt, lookupId), body.password);
      if (!stored || !ok) throw new Unauthorized('Wrong username or password');
      await throttle.succeeded(key);
      if (!stored.state.active) throw new AccountDisabled('This account is disabled');
      await signIn(app, req, reply, stored.state.userId);
      const user: AuthUser = { id: stored.state.userId, username: stored.state.username, email: stored.state.email, role: stored.state.role };
      if (wantsJson(req)) return reply.send({ success: true, user: userJson(user, stored.phone) });
      return redirect(req, reply, user.role === 'admin' ? '/admin/dashboard' : '/dashboard');
    } catch (e) {
      return formFailure(req, reply, 'login', e, values);
    }
  });

  app.post('/auth/logout', async (req, reply) => {
    if (req.authSession) {
      await app.lucia.invalidateSession(req.authSession.id);
      // This process's sockets now; the others hear it on novi_sessions (sql/011's trigger).
      app.liveSockets.closeSession(req.authSession.id);
    }
    setSessionCookie(app, reply, null);
    if (wantsJson(req)) return reply.send({ success: true });
    return redirect(req, reply, '/login');
  });
}

