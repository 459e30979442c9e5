// Configuration is parsed once; a bad value stops start-up with a message naming the variable.
import t from 'tap';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { loadConfig, ConfigError } from '../../src/config.ts';

const dataDir = () => mkdtempSync(join(tmpdir(), 'novi-config-'));

t.test('defaults give a working local configuration', async (t) => {
  const c = loadConfig({ NOVI_DATA_DIR: dataDir() } as NodeJS.ProcessEnv);
  t.equal(c.port, 3000);
  t.equal(c.databaseUrl, undefined, 'embedded PostgreSQL when DATABASE_URL is unset');
  t.equal(c.eventStoreUrl, undefined, 'PostgreSQL-backed event store when EVENTSTORE_URL is unset');
  t.equal(c.simulator, true);
  t.equal(c.chromiumPath, '/usr/bin/chromium');
  t.same(c.whatsappAuth, { mode: 'local', backupEveryMs: 300_000, maxBytes: 200 * 1048576 }, 'LocalAuth, unless WHATSAPP_AUTH=remote');
});

t.test('a bad value names the variable', async (t) => {
  for (const [name, value] of [
    ['PORT', 'eighty'],
    ['DATABASE_URL', 'mysql://x'],
    ['EVENTSTORE_URL', 'http://x'],
    ['LOG_LEVEL', 'loud'],
    ['NOVI_SIMULATOR', 'maybe'],
    ['SESSION_SECRET', 'short'],
    ['WHATSAPP_AUTH', 'cloud'],
    ['WHATSAPP_AUTH_BACKUP_MINUTES', '0'],
  ] as const) {
    t.throws(() => loadConfig({ NOVI_DATA_DIR: dataDir(), [name]: value } as NodeJS.ProcessEnv), new RegExp(name), name);
  }
});

t.test('production requires SESSION_SECRET; elsewhere it is generated once and kept', async (t) => {
  t.throws(() => loadConfig({ NODE_ENV: 'production', NOVI_DATA_DIR: dataDir() } as NodeJS.ProcessEnv), ConfigError);
  const dir = dataDir();
  const a = loadConfig({ NOVI_DATA_DIR: dir } as NodeJS.ProcessEnv).sessionSecret;
  const b = loadConfig({ NOVI_DATA_DIR: dir } as NodeJS.ProcessEnv).sessionSecret;
  t.ok(a.length >= 32);
  t.equal(a, b, 'the same secret on the next start: signed-in users stay signed in');
});

t.test('novi start refuses a bad value before touching anything', async (t) => {
  const r = spawnSync(process.execPath, ['bin/novi.mjs', 'start'], {
    env: { ...process.env, PORT: '-1', NOVI_DATA_DIR: dataDir() },
    encoding: 'utf8',
    timeout: 60_000,
  });
  t.not(r.status, 0);
  t.match(r.stderr, /PORT/);
});
