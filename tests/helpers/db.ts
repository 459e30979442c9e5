// Real PostgreSQL for integration tests: one embedded server per test run (started by
// tests/setup.ts), one fresh database per test file, cloned from a migrated template.
import { randomBytes } from 'node:crypto';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { ensureEmbeddedPostgres } from '../../src/db/embedded.ts';

export const TEST_DATA_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '.novi-test');
export const TEMPLATE_DB = 'novi_template';

export async function testServer() {
  return ensureEmbeddedPostgres({ dataDir: TEST_DATA_DIR, port: 55432 });
}

export interface TestDatabase {
  url: string;
  name: string;
  drop: () => Promise<void>;
}

/** A fresh, migrated database for one test file; `drop` removes it. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const server = await testServer();
  const name = `t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: server.url('postgres') });
  await admin.connect();
  try {
    await admin.query(`create database ${name} template ${TEMPLATE_DB}`);
  } finally {
    await admin.end();
  }
  return {
    url: server.url(name),
    name,
    drop: async () => {
      const c = new pg.Client({ connectionString: server.url('postgres') });
      await c.connect();
      try {
        await c.query(`drop database if exists ${name} with (force)`);
      } finally {
        await c.end();
      }
    },
  };
}
