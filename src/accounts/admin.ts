// What an admin does with accounts: list and search them, and switch one off or on
// (UserDeactivated / UserReactivated with the admin as actor; a deactivated user's sign-in
// sessions are deleted in the same request).
import { sql } from 'slonik';
import { z } from 'zod';
import type { Runtime } from '../runtime.ts';
import { userRole } from '../events/catalog.ts';
import { handleCommand } from '../shared/command-handler.ts';
import { NotFound } from '../shared/errors.ts';
import { decideAccount } from './commands.ts';
import { evolveUser, initialUserState, userStreamId, type UserEvent, type UserState } from './user.ts';

const userRow = z.object({
  id: z.string(),
  username: z.string(),
  email: z.string(),
  phone: z.string().nullable(),
  role: userRole,
  active: z.boolean(),
  businesses: z.coerce.number(),
  created_at: z.coerce.date().transform((d) => d.toISOString()),
  updated_at: z.coerce.date().transform((d) => d.toISOString()),
});

export interface AdminUserJson {
  id: string;
  username: string;
  email: string;
  phone: string | null;
  role: 'merchant' | 'admin';
  active: boolean;
  businesses: number;
  createdAt: string;
  updatedAt: string;
}

const toJson = (r: z.infer<typeof userRow>): AdminUserJson => ({
  id: r.id,
  username: r.username,
  email: r.email,
  phone: r.phone,
  role: r.role,
  active: r.active,
  businesses: r.businesses,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

/** Users (read model), newest first; `q` matches username or email, case-insensitive. */
export async function listUsers(rt: Runtime, opts: { q?: string | undefined; role?: 'merchant' | 'admin' | undefined; limit?: number } = {}): Promise<AdminUserJson[]> {
  const like = opts.q ? `%${opts.q.toLowerCase().replace(/[\\%_]/g, (c) => '\\' + c)}%` : null;
  const rows = await rt.pool.any(sql.type(userRow)`
    select u.id, u.username, u.email, u.phone, u.role, u.active, u.created_at, u.updated_at,
           (select count(*) from businesses b where b.owner_id = u.id) as businesses
      from users u
     where (${like}::text is null or lower(u.username) like ${like} or lower(u.email) like ${like})
       and (${opts.role ?? null}::text is null or u.role = ${opts.role ?? null})
     order by u.created_at desc, u.username
     limit ${opts.limit ?? 500}`);
  return rows.map(toJson);
}

export async function getUser(rt: Runtime, id: string): Promise<AdminUserJson | null> {
  const row = await rt.pool.maybeOne(sql.type(userRow)`
    select u.id, u.username, u.email, u.phone, u.role, u.active, u.created_at, u.updated_at,
           (select count(*) from businesses b where b.owner_id = u.id) as businesses
      from users u where u.id = ${id}`);
  return row ? toJson(row) : null;
}

export type RegisteredUser = Extract<UserState, { kind: 'registered' }>;

/**
 * Deactivates an active user or reactivates a deactivated one, deciding on the stream's state
 * as read inside the command (so two admins clicking at once cannot both flip it the same way
 * unnoticed: the second sees the new state and flips it back, or gets a conflict). The domain
 * refuses an admin deactivating themself (403).
 */
export async function toggleUser(
  rt: Runtime,
  input: { userId: string; adminId: string; correlationId: string; now?: Date },
): Promise<{ user: RegisteredUser; event: 'UserDeactivated' | 'UserReactivated' }> {
  const now = input.now ?? new Date();
  const result = await handleCommand<null, UserState, UserEvent>({
    store: rt.store,
    streamId: userStreamId(input.userId),
    evolve: evolveUser,
    initialState: initialUserState,
    decide: (_none, state) => {
      if (state.kind !== 'registered') throw new NotFound(`User ${input.userId} not found`);
      const data = { userId: input.userId, by: input.adminId };
      const metadata = { now, actor: input.adminId };
      return decideAccount(state.active ? { type: 'DeactivateUser', data, metadata } : { type: 'ReactivateUser', data, metadata }, state);
    },
    command: null,
    metadata: { tenantId: null, actor: input.adminId, correlationId: input.correlationId, causationId: null, occurredAt: now.toISOString() },
  });
  if (result.state.kind !== 'registered') throw new NotFound(`User ${input.userId} not found`);
  // The session adapter also refuses sessions of inactive users, but it reads the users read
  // model, which may lag: deleting the sessions here ends them at once.
  if (!result.state.active) await rt.pool.query(sql.unsafe`delete from auth_sessions where user_id = ${input.userId}`);
  return { user: result.state, event: result.state.active ? 'UserReactivated' : 'UserDeactivated' };
}
