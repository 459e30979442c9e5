// Real PostgreSQL for integration tests: one embedded server (data in .novi-test), one fresh
// database per test file, cloned from a template migrated once per set of migration files.
import { randomBytes, createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { ensureEmbeddedPostgres } from '../../src/db/embedded.ts';
import { migrate, SQL_DIR } from '../../src/db/migrate.ts';

export const TEST_DATA_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '.novi-test');

export async function testServer() {
  return ensureEmbeddedPostgres({ dataDir: TEST_DATA_DIR, port: 55432 });
}

/** The template's name changes whenever a migration file does, so a stale template is never used. */
function templateName(): string {
  const hash = createHash('sha1');
  for (const f of readdirSync(SQL_DIR).filter((f) => f.endsWith('.sql')).sort()) {
    hash.update(f).update(readFileSync(join(SQL_DIR, f)));
  }
  return `novi_tpl_${hash.digest('hex').slice(0, 12)}`;
}

/** Creates the migrated template if missing; safe when several test runs start at once. */
export async function ensureTemplate(): Promise<string> {
  const server = await testServer();
  const name = templateName();
  const admin = new pg.Client({ connectionString: server.url('postgres') });
  await admin.connect();
  try {
    await admin.query('select pg_advisory_lock(7245099)');
    const exists = await admin.query('select 1 from pg_database where datname = $1', [name]);
    if (exists.rowCount === 0) {
      const building = `${name}_build`;
      await admin.query(`drop database if exists ${building} with (force)`);
      await admin.query(`create database ${building}`);
      await migrate(server.url(building));
      await admin.query(`alter database ${building} rename to ${name}`);
    }
  } finally {
    await admin.query('select pg_advisory_unlock(7245099)').catch(() => undefined);
    await admin.end();
  }
  return name;
}

export interface TestDatabase {
  url: string;
  name: string;
  drop: () => Promise<void>;
}

/** A fresh, migrated database for one test file; `drop` removes it. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const template = await ensureTemplate();
  const server = await testServer();
  const name = `t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: server.url('postgres') });
  await admin.connect();
  try {
    // Cloning needs the template idle; retry briefly if another file is cloning it right now.
    for (let attempt = 0; ; attempt++) {
      try {
        await admin.query(`create database ${name} template ${template}`);
        break;
      } catch (e) {
        if (attempt > 50 || !String((e as Error).message).includes('being accessed')) throw e;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
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
