// One active instance per projection or reactor across processes: a session-level advisory lock held
// on a dedicated connection. Others stand by and retry; losing the connection loses the lock.
import pg from 'pg';

export const LOCK_LEADER = 7245100;
export const LOCK_BATCH = 7245101;
export const LOCK_REBUILD = 7245102;

export interface Leadership {
  /** False once the lock's connection is gone: stop writing and stand by again. */
  readonly held: () => boolean;
  release: () => Promise<void>;
}

export async function tryLead(url: string, space: number, name: string): Promise<Leadership | undefined> {
  const client = new pg.Client({ connectionString: url, application_name: `novi lock ${name}` });
  let alive = true;
  client.on('error', () => {
    alive = false;
  });
  client.on('end', () => {
    alive = false;
  });
  try {
    await client.connect();
    const { rows } = await client.query<{ ok: boolean }>('select pg_try_advisory_lock($1, hashtext($2)) as ok', [space, name]);
    if (rows[0]?.ok) {
      return {
        held: () => alive,
        release: async () => {
          await client.query('select pg_advisory_unlock($1, hashtext($2))', [space, name]).catch(() => undefined);
          await client.end().catch(() => undefined);
        },
      };
    }
  } catch {
    // fall through: not leading
  }
  await client.end().catch(() => undefined);
  return undefined;
}
