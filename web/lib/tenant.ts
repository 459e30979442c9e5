// Row-level security as a second wall (sql/007_rls.sql): runs merchant reads as the NOLOGIN role
// novi_tenant, which sees only rows of the given businesses, whatever the query's own filter says.
import { sql, type DatabasePool, type DatabaseTransactionConnection } from 'slonik';
import { z } from 'zod';

const uuid = z.string().uuid();

/**
 * Runs `fn` in a transaction as novi_tenant restricted to `businessIds` (none: nothing visible).
 * With `userId` (every web request names its user, sql/019) the database narrows them further to the
 * businesses where that user is owner or staff at this moment: a member removed a moment ago sees
 * nothing even if the caller's list is stale. `role: 'rider'` reads as novi_rider instead: only the
 * orders assigned to that user in businesses where they are a rider now.
 */
export async function withTenant<T>(
  pool: DatabasePool,
  businessIds: readonly string[],
  fn: (tx: DatabaseTransactionConnection) => Promise<T>,
  opts: { userId?: string | undefined; role?: 'tenant' | 'rider' } = {},
): Promise<T> {
  const ids = businessIds.filter((id) => uuid.safeParse(id).success).join(',');
  const userId = opts.userId !== undefined && uuid.safeParse(opts.userId).success ? opts.userId : '';
  return pool.transaction(async (tx) => {
    // A rider's reads have their own role and policy (sql/023): merchants' queries keep a single policy.
    await tx.query(opts.role === 'rider' ? sql.type(z.object({}))`set local role novi_rider` : sql.type(z.object({}))`set local role novi_tenant`);
    await tx.query(sql.type(z.object({ v: z.string().nullable() }))`select set_config('novi.business_ids', ${ids}, true) as v`);
    if (userId) await tx.query(sql.type(z.object({ v: z.string().nullable() }))`select set_config('novi.user_id', ${userId}, true) as v`);
    return fn(tx);
  });
}
