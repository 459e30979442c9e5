// Read-your-writes for pages: after a command, wait until the projection shows it.
import { sql } from 'slonik';
import { z } from 'zod';
import type { Runtime } from '../../src/runtime.ts';

/**
 * Polls `caughtUp` every 15 ms for up to `timeoutMs`. Returns whether it caught up; a late
 * projection only means the answer is built from the command's own state or the page shows
 * the older row for a moment.
 */
export async function waitUntil(caughtUp: () => Promise<boolean>, timeoutMs = 2000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await caughtUp()) return true;
    if (Date.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 15));
  }
}

/**
 * Waits for the read-model row of a stream to reach the revision a command produced. We
 * check the row itself rather than projection checkpoints: a projection that filters event
 * types may never move its checkpoint to the head, and the row is what the page reads.
 */
export async function waitForProjection(
  rt: Runtime,
  target: { table: 'orders' | 'businesses'; id: string; revision: bigint } | { table: 'groups' | 'users'; id: string },
  timeoutMs = 2000,
): Promise<boolean> {
  const revision = z.object({ revision: z.coerce.bigint() });
  const exists = z.object({ ok: z.number() });
  return waitUntil(async () => {
    switch (target.table) {
      case 'orders':
      case 'businesses': {
        const r = await rt.pool.maybeOne(sql.type(revision)`select revision from ${sql.identifier([target.table])} where id = ${target.id}`);
        return r !== null && r.revision >= target.revision;
      }
      case 'groups':
      case 'users': {
        const r = await rt.pool.maybeOne(sql.type(exists)`select 1 as ok from ${sql.identifier([target.table])} where id = ${target.id}`);
        return r !== null;
      }
    }
  }, timeoutMs);
}
