// Resolves where Novi's data lives: DATABASE_URL, or the embedded server under NOVI_DATA_DIR
// (found running, or started here), with migrations applied.
import type { Config } from '../config.ts';
import { ensureEmbeddedPostgres, type EmbeddedServer } from './embedded.ts';
import { migrate } from './migrate.ts';

export interface Database {
  url: string;
  embedded: EmbeddedServer | undefined;
  /** Stops the embedded server if this process started it and nobody else owns it. */
  release: () => Promise<void>;
}

export async function connectDatabase(config: Config, log: (m: string) => void = () => undefined): Promise<Database> {
  if (config.databaseUrl) {
    await migrate(config.databaseUrl, log);
    return { url: config.databaseUrl, embedded: undefined, release: async () => undefined };
  }
  const embedded = await ensureEmbeddedPostgres({ dataDir: config.dataDir, log });
  const url = embedded.url('novi');
  await migrate(url, log);
  return {
    url,
    embedded,
    release: async () => {
      if (embedded.owned) await embedded.stop();
    },
  };
}
