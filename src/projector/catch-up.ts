// Waits until projections (and reactors) have processed everything up to the store's head: for tests,
// benches and `novi rebuild`'s callers.
import { sql } from 'slonik';
import { z } from 'zod';
import type { Runtime } from '../runtime.ts';

const row = z.object({ name: z.string(), position: z.coerce.bigint(), error: z.string().nullable() });

export async function waitForCatchUp(
  rt: Pick<Runtime, 'pool' | 'store'>,
  names: readonly string[],
  options: { timeoutMs?: number; head?: bigint } = {},
): Promise<void> {
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  for (;;) {
    const head = options.head ?? (await rt.store.headPosition());
    const rows = await rt.pool.any(sql.type(row)`
      select name, position, error from projection_checkpoints where name = any(${sql.array([...names], 'text')})`);
    const failed = rows.find((r) => r.error !== null);
    if (failed) throw new Error(`${failed.name} stopped: ${failed.error}`);
    if (rows.length === names.length && rows.every((r) => r.position >= head)) return;
    if (Date.now() > deadline) {
      throw new Error(`not caught up to ${head} within the timeout: ${rows.map((r) => `${r.name}@${r.position}`).join(', ')}`);
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}
