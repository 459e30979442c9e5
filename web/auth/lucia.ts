// lucia v3 over slonik: sessions live in auth_sessions (sql/005_auth.sql); the user behind a
// session comes from the users read model, or from account_names while the projection lags.
import { Lucia, TimeSpan, type Adapter, type DatabaseSession, type DatabaseUser } from 'lucia';
import { sql } from 'slonik';
import { z } from 'zod';
import type { Runtime } from '../../src/runtime.ts';
import { LANGUAGES, type Language, type UserRole } from '../../src/events/catalog.ts';

export interface SessionUser {
  username: string;
  email: string;
  role: UserRole;
  /** The UI language the user chose (null: the browser's), and the country of their first business. */
  language: Language | null;
  country: string | null;
}

declare module 'lucia' {
  interface Register {
    Lucia: NoviLucia;
    DatabaseUserAttributes: SessionUser;
    UserId: string;
  }
}

const sessionRow = z.object({
  id: z.string(),
  user_id: z.string(),
  expires_at: z.coerce.date(),
  username: z.string().nullable(),
  email: z.string().nullable(),
  role: z.enum(['merchant', 'admin']),
  active: z.boolean(),
  language: z.enum(LANGUAGES).nullable(),
  country: z.string().nullable(),
});

const plainSession = z.object({ id: z.string(), user_id: z.string(), expires_at: z.coerce.date() });

const toSession = (r: z.infer<typeof plainSession>): DatabaseSession => ({ id: r.id, userId: r.user_id, expiresAt: r.expires_at, attributes: {} });

export function createAdapter(rt: Runtime): Adapter {
  return {
    async getSessionAndUser(sessionId): Promise<[DatabaseSession | null, DatabaseUser | null]> {
      const row = await rt.pool.maybeOne(sql.type(sessionRow)`
        select s.id, s.user_id, s.expires_at,
               coalesce(u.username, a.username) as username, coalesce(u.email, a.email) as email,
               coalesce(u.role, 'merchant') as role, coalesce(u.active, true) as active, u.language,
               (select b.country from memberships m join businesses b on b.id = m.business_id
                 where m.user_id = s.user_id order by m.founder desc, m.joined_at limit 1) as country
          from auth_sessions s
          left join users u on u.id = s.user_id
          left join account_names a on a.user_id = s.user_id
         where s.id = ${sessionId}`);
      if (!row || row.username === null || row.email === null) return [null, null];
      if (!row.active) {
        // A deactivated user's sessions end at once, whichever request notices first.
        await rt.pool.query(sql.unsafe`delete from auth_sessions where user_id = ${row.user_id}`);
        return [null, null];
      }
      return [toSession(row), { id: row.user_id, attributes: { username: row.username, email: row.email, role: row.role, language: row.language, country: row.country } }];
    },
    async getUserSessions(userId) {
      const rows = await rt.pool.any(sql.type(plainSession)`select id, user_id, expires_at from auth_sessions where user_id = ${userId}`);
      return rows.map(toSession);
    },
    async setSession(session) {
      await rt.pool.query(sql.unsafe`
        insert into auth_sessions (id, user_id, expires_at)
        values (${session.id}, ${session.userId}, ${session.expiresAt.toISOString()})`);
    },
    async updateSessionExpiration(sessionId, expiresAt) {
      await rt.pool.query(sql.unsafe`update auth_sessions set expires_at = ${expiresAt.toISOString()} where id = ${sessionId}`);
    },
    async deleteSession(sessionId) {
      await rt.pool.query(sql.unsafe`delete from auth_sessions where id = ${sessionId}`);
    },
    async deleteUserSessions(userId) {
      await rt.pool.query(sql.unsafe`delete from auth_sessions where user_id = ${userId}`);
    },
    async deleteExpiredSessions() {
      await rt.pool.query(sql.unsafe`delete from auth_sessions where expires_at <= now()`);
    },
  };
}

export function createLucia(rt: Runtime) {
  return new Lucia(createAdapter(rt), {
    sessionExpiresIn: new TimeSpan(30, 'd'),
    sessionCookie: { name: 'novi_session', attributes: { secure: rt.config.env === 'production', sameSite: 'lax' } },
    getUserAttributes: (a) => ({ username: a.username, email: a.email, role: a.role, language: a.language, country: a.country }),
  });
}

export type NoviLucia = ReturnType<typeof createLucia>;
