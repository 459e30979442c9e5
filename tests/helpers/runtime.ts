// A Runtime on a fresh migrated test database (tests/helpers/db.ts), for integration tests of any role.
import { pino } from 'pino';
import { loadConfig } from '../../src/config.ts';
import { createDbPool } from '../../src/db/pool.ts';
import { PostgresEventStore } from '../../src/eventstore/postgres.ts';
import type { Runtime } from '../../src/runtime.ts';
import { withErasures } from '../../src/customers/erasure.ts';
import { createTestDatabase, type TestDatabase } from './db.ts';

export interface TestRuntime extends Runtime {
  db: TestDatabase;
}

/**
 * `close()` ends the pool and the store and drops the database. Pass `logLevel` to see logs
 * (silent by default), `poolSize` for the slonik pool.
 */
export async function createTestRuntime(options: { logLevel?: string; poolSize?: number; keepDatabase?: boolean } = {}): Promise<TestRuntime> {
  const db = await createTestDatabase();
  const url = db.url;
  const pool = await createDbPool(url, { maximumPoolSize: options.poolSize ?? 10 });
  const store = withErasures(new PostgresEventStore(url, { pollIntervalMs: 200 }), url);
  const logger = pino({ level: options.logLevel ?? 'silent' });
  const config = loadConfig({ DATABASE_URL: url, NODE_ENV: 'test', SESSION_SECRET: 'test-secret-test-secret-test-secret-0000' } as NodeJS.ProcessEnv);
  let closed = false;
  return {
    db,
    config,
    logger,
    pool,
    store,
    database: { url, embedded: undefined, release: async () => undefined },
    close: async () => {
      if (closed) return;
      closed = true;
      await store.close().catch(() => undefined);
      await pool.end().catch(() => undefined);
      if (!options.keepDatabase) await db.drop().catch(() => undefined);
    },
  };
}
