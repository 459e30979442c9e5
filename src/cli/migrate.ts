// `novi migrate`: applies migrations to DATABASE_URL or the embedded database.
import { loadConfig } from '../config.ts';
import { connectDatabase } from '../db/connect.ts';

export async function runMigrate(): Promise<number> {
  const config = loadConfig();
  const db = await connectDatabase(config, (m) => process.stderr.write(m + '\n'));
  await db.release();
  process.stdout.write('migrations are up to date\n');
  return 0;
}
