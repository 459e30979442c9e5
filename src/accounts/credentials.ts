// Password hashes: the credentials table (sql/011), written by the command side in the
// registration flow (and by whatever changes a password), read by sign-in. Never an event,
// never a projection: a hash in the immutable log could never be taken back.
import { hash, verify } from '@node-rs/argon2';
import { sql } from 'slonik';
import { z } from 'zod';
import type { Runtime } from '../runtime.ts';
import { userStreamId } from './user.ts';

// argon2id with the OWASP minimum parameters (19 MiB, 2 passes).
export const ARGON = { memoryCost: 19456, timeCost: 2, parallelism: 1, algorithm: 2 } as const;

export const hashPassword = (password: string): Promise<string> => hash(password, ARGON);

// Verified when there is no account, so an unknown name costs the same time as a wrong password.
const DUMMY_HASH = '$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$2Jm4y0qjTn6C9Dq9ZtUqcAjm1pV6yw4qPXbCq0F0sYw';

export async function saveCredential(rt: Runtime, userId: string, passwordHash: string): Promise<void> {
  await rt.pool.query(sql.unsafe`
    insert into credentials (user_id, password_hash) values (${userId}, ${passwordHash})
    on conflict (user_id) do update set password_hash = excluded.password_hash, updated_at = now()`);
}

export async function deleteCredential(rt: Runtime, userId: string): Promise<void> {
  await rt.pool.query(sql.unsafe`delete from credentials where user_id = ${userId}`);
}

/**
 * The stored hash of a user. With EventStoreDB (whose events sql/011 cannot rewrite) a user
 * registered before the credentials table may still have the hash only in their v1
 * UserRegistered event: it is copied here on first sign-in.
 */
export async function passwordHashOf(rt: Runtime, userId: string): Promise<string | null> {
  const stored = await rt.pool.maybeOneFirst(sql.type(z.object({ password_hash: z.string() }))`
    select password_hash from credentials where user_id = ${userId}`);
  if (stored) return stored;
  const legacy = (await rt.store.readStream(userStreamId(userId), { maxCount: 1 })).find((e) => e.type === 'UserRegistered');
  const old = legacy ? (legacy.data as { passwordHash?: unknown }).passwordHash : undefined;
  if (typeof old !== 'string' || old === '') return null;
  await rt.pool.query(sql.unsafe`insert into credentials (user_id, password_hash) values (${userId}, ${old}) on conflict (user_id) do nothing`);
  return old;
}

/** Runs argon2 whether or not there is a hash to check against (same cost either way). */
export async function checkPassword(passwordHash: string | null, password: string): Promise<boolean> {
  const ok = await verify(passwordHash ?? DUMMY_HASH, password).catch(() => false);
  return passwordHash !== null && ok;
}
