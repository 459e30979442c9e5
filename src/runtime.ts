// What every role and CLI command stands on: config, logger, database (embedded or external,
// migrated), the slonik pool and the event store.
import { loadConfig, type Config } from './config.ts';
import { createLogger, type Logger } from './logger.ts';
import { connectDatabase, type Database } from './db/connect.ts';
import { createDbPool, type DatabasePool } from './db/pool.ts';
import { createEventStore, type EventStore } from './eventstore/index.ts';
import { withErasures } from './customers/erasure.ts';

export interface Runtime {
  config: Config;
  logger: Logger;
  database: Database;
  pool: DatabasePool;
  store: EventStore;
  close: () => Promise<void>;
}

export async function createRuntime(options: { config?: Config; logger?: Logger; poolSize?: number } = {}): Promise<Runtime> {
  const config = options.config ?? loadConfig();
  const logger = options.logger ?? createLogger(config.logLevel);
  const database = await connectDatabase(config, (m) => logger.info(m));
  const pool = await createDbPool(database.url, { maximumPoolSize: options.poolSize ?? 10 });
  // Every read redacts erased customers' personal data (src/customers/erasure.ts).
  const store = withErasures(await createEventStore({ eventStoreUrl: config.eventStoreUrl, databaseUrl: database.url }), database.url);
  let closed = false;
  return {
    config,
    logger,
    database,
    pool,
    store,
    close: async () => {
      if (closed) return;
      closed = true;
      await store.close().catch((e: unknown) => logger.warn({ err: e }, 'closing event store'));
      await pool.end().catch((e: unknown) => logger.warn({ err: e }, 'closing pool'));
    },
  };
}
