// Sign-in attempts per account name, in PostgreSQL (sign_in_throttle, sql/011) so every web
// process and a restart see the same count. Each attempt is counted before the password is
// checked (atomically, under the row's lock), so a burst of parallel guesses cannot slip past;
// a successful sign-in clears the count. After `freeAttempts` the name is locked for
// `baseLockMs`, doubling with every further attempt up to `maxLockMs`; an hour without attempts
// starts the count afresh. The key is the account's id when the name or email belongs to one,
// else the lower-cased name typed, and the answer is the same in both cases.
import { sql } from 'slonik';
import { z } from 'zod';
import type { Runtime } from '../../src/runtime.ts';

export interface SignInLockOptions {
  freeAttempts?: number;
  baseLockMs?: number;
  maxLockMs?: number;
}

export interface SignInThrottle {
  /** Counts one attempt; `retryAfterMs` > 0 when the name is locked now (the attempt is refused). */
  attempt(key: string): Promise<{ retryAfterMs: number }>;
  /** A successful sign-in: the count starts again from zero. */
  succeeded(key: string): Promise<void>;
}

const RESET_AFTER = '1 hour';

export function signInThrottle(rt: Runtime, options: SignInLockOptions = {}): SignInThrottle {
  const free = options.freeAttempts ?? 5;
  const base = options.baseLockMs ?? 30_000;
  const max = options.maxLockMs ?? 15 * 60_000;
  const row = z.object({ attempts: z.coerce.number(), locked_ms: z.coerce.number() });
  return {
    async attempt(key) {
      // Names nobody has are keys too: now and then, forget the ones an hour quiet and unlocked.
      if (Math.random() < 0.02) {
        await rt.pool.query(sql.unsafe`
          delete from sign_in_throttle
           where last_attempt_at < now() - ${RESET_AFTER}::interval and (locked_until is null or locked_until < now())`);
      }
      return rt.pool.transaction(async (tx) => {
        await tx.query(sql.unsafe`
          insert into sign_in_throttle (key, attempts, last_attempt_at) values (${key}, 0, now())
          on conflict (key) do nothing`);
        const r = await tx.one(sql.type(row)`
          select case when last_attempt_at < now() - ${RESET_AFTER}::interval then 0 else attempts end as attempts,
                 greatest(0, extract(epoch from coalesce(locked_until, now()) - now()) * 1000) as locked_ms
            from sign_in_throttle where key = ${key} for update`);
        if (r.locked_ms > 0) return { retryAfterMs: Math.ceil(r.locked_ms) };
        const attempts = r.attempts + 1;
        // The attempt that reaches the limit is still answered; the next ones wait.
        const lockMs = attempts >= free ? Math.min(max, base * 2 ** (attempts - free)) : 0;
        await tx.query(sql.unsafe`
          update sign_in_throttle
             set attempts = ${attempts}, last_attempt_at = now(),
                 locked_until = case when ${lockMs}::bigint > 0 then now() + ${lockMs}::bigint * interval '1 millisecond' end
           where key = ${key}`);
        return { retryAfterMs: 0 };
      });
    },
    async succeeded(key) {
      await rt.pool.query(sql.unsafe`delete from sign_in_throttle where key = ${key}`);
    },
  };
}
