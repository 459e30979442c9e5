// Production settings: the example secret of compose.yaml/.env.example is refused, the simulator
// is off unless asked for, proxy headers are trusted only as TRUST_PROXY says, and compose.yaml
// publishes no database on every interface.
import t from 'tap';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { ConfigError, EXAMPLE_SESSION_SECRET, loadConfig } from '../../src/config.ts';

const dataDir = () => mkdtempSync(join(tmpdir(), 'novi-config-'));
const prod = (env: Record<string, string> = {}) =>
  loadConfig({ NODE_ENV: 'production', NOVI_DATA_DIR: dataDir(), SESSION_SECRET: 'a-real-secret-a-real-secret-a-real-secret', ...env } as NodeJS.ProcessEnv);

t.test('production refuses the example SESSION_SECRET', async (t) => {
  t.throws(() => prod({ SESSION_SECRET: EXAMPLE_SESSION_SECRET }), ConfigError);
  t.throws(() => prod({ SESSION_SECRET: EXAMPLE_SESSION_SECRET }), /SESSION_SECRET: is the example value/);
  t.equal(prod().sessionSecret, 'a-real-secret-a-real-secret-a-real-secret');
});

t.test('novi start in production with the example secret stops before touching anything', async (t) => {
  const r = spawnSync(process.execPath, ['bin/novi.mjs', 'start'], {
    env: { ...process.env, NODE_ENV: 'production', SESSION_SECRET: EXAMPLE_SESSION_SECRET, NOVI_DATA_DIR: dataDir() },
    encoding: 'utf8',
    timeout: 60_000,
  });
  t.not(r.status, 0);
  t.match(r.stderr, /SESSION_SECRET/);
});

t.test('the simulator is off by default in production, on elsewhere, and NOVI_SIMULATOR decides', async (t) => {
  t.equal(prod().simulator, false);
  t.equal(prod({ NOVI_SIMULATOR: 'on' }).simulator, true);
  t.equal(loadConfig({ NOVI_DATA_DIR: dataDir() } as NodeJS.ProcessEnv).simulator, true);
  t.equal(prod({ NOVI_SIMULATOR: '' }).simulator, false, 'left empty as in .env.example');
});

t.test('TRUST_PROXY: off by default, a hop count, or addresses/CIDRs; never "trust everyone"', async (t) => {
  const c = (v?: string) => loadConfig({ NOVI_DATA_DIR: dataDir(), ...(v === undefined ? {} : { TRUST_PROXY: v }) } as NodeJS.ProcessEnv).trustProxy;
  t.equal(c(), false);
  t.equal(c(''), false);
  t.equal(c('off'), false);
  t.equal(c('1'), 1);
  t.same(c('10.0.0.1, 10.1.0.0/16,loopback,::1'), ['10.0.0.1', '10.1.0.0/16', 'loopback', '::1']);
  for (const bad of ['true', 'yes', '10.0.0.0/33', 'proxy.example.com', '99']) t.throws(() => c(bad), /TRUST_PROXY/, bad);
});

t.test('ALLOWED_ORIGINS takes origins only', async (t) => {
  const c = (v: string) => loadConfig({ NOVI_DATA_DIR: dataDir(), ALLOWED_ORIGINS: v } as NodeJS.ProcessEnv).allowedOrigins;
  t.same(c('https://shop.example.com, http://localhost:3000'), ['https://shop.example.com', 'http://localhost:3000']);
  t.throws(() => c('shop.example.com'), /ALLOWED_ORIGINS/);
  t.throws(() => c('https://shop.example.com/path'), /ALLOWED_ORIGINS/);
});

t.test('compose.yaml: production, databases not on every interface, no secret default', async (t) => {
  const compose = readFileSync('compose.yaml', 'utf8');
  t.match(compose, /NODE_ENV: \$\{NODE_ENV:-production\}/, 'NODE_ENV=production by default');
  t.notMatch(compose, /SESSION_SECRET: \$\{SESSION_SECRET:-/, 'no default SESSION_SECRET');
  t.match(compose, /SESSION_SECRET: \$\{SESSION_SECRET:\?/, 'compose stops when SESSION_SECRET is unset');
  t.notMatch(compose, /"5432:5432"|"2113:2113"|- 5432:5432|- 2113:2113/, 'PostgreSQL and EventStoreDB not published on all interfaces');
  for (const m of compose.matchAll(/ports: \[([^\]]*)\]/g)) {
    for (const p of (m[1] ?? '').split(',')) {
      const port = p.trim().replace(/"/g, '');
      if (/(^|:)(5432|2113)$/.test(port)) t.match(port, /^127\.0\.0\.1:/, `${port} bound to loopback`);
    }
  }
});

t.test('.env.example documents the new variables and loads as it is', async (t) => {
  const example = readFileSync('.env.example', 'utf8');
  const env = Object.fromEntries(
    example
      .split('\n')
      .filter((l) => /^[A-Z_]+=/.test(l))
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );
  for (const name of ['TRUST_PROXY', 'ALLOWED_ORIGINS', 'NOVI_SIMULATOR']) t.ok(name in env, `${name} in .env.example`);
  const readme = readFileSync('README.md', 'utf8');
  for (const name of ['TRUST_PROXY', 'ALLOWED_ORIGINS']) t.match(readme, new RegExp('`' + name + '`'), `${name} in README`);
  const c = loadConfig({ ...env, NOVI_DATA_DIR: dataDir() } as NodeJS.ProcessEnv);
  t.equal(c.trustProxy, false);
  t.same(c.allowedOrigins, []);
});
