// Configuration, parsed once at boot with zod. Nothing else in Novi reads process.env.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import { resolve, join } from 'node:path';
import { z } from 'zod';

const optionalString = z
  .string()
  .trim()
  .transform((v) => (v === '' ? undefined : v))
  .optional();

/** The default older compose.yaml files shipped: a server must never run with it in production. */
export const EXAMPLE_SESSION_SECRET = 'change-me-to-a-long-random-secret-of-32+chars';

const PROXY_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

function isAddressOrCidr(v: string): boolean {
  if (PROXY_NAMES.has(v)) return true;
  const [ip, bits, ...rest] = v.split('/');
  if (rest.length || !ip) return false;
  const family = isIP(ip);
  if (family === 0) return false;
  if (bits === undefined) return true;
  if (!/^\d{1,3}$/.test(bits)) return false;
  return Number(bits) <= (family === 4 ? 32 : 128);
}

/**
 * Which proxies may set X-Forwarded-For/-Proto/-Host: off (default, the socket's address is the
 * client), a hop count, or the proxies' addresses/CIDRs. "true" (trust anyone) is refused: it
 * lets every client choose its own address and walk past per-address rate limits.
 */
const trustProxy = z
  .string()
  .transform((v, ctx): false | number | string[] => {
    const value = v.trim().toLowerCase();
    if (value === 'off' || value === 'false' || value === '0') return false;
    if (/^\d+$/.test(value)) {
      const hops = Number(value);
      if (hops > 10) ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'a hop count must be at most 10' });
      return hops;
    }
    if (value === 'true' || value === 'on') {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'name the number of proxy hops (e.g. 1) or the proxies\' addresses/CIDRs, not "true"' });
      return false;
    }
    const list = value.split(',').map((x) => x.trim()).filter(Boolean);
    const bad = list.filter((x) => !isAddressOrCidr(x));
    if (bad.length || list.length === 0) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: `not a hop count, address or CIDR: ${bad.join(', ') || v}` });
      return false;
    }
    return list;
  });

/** Extra origins allowed to open the websockets and post forms (the page's own origin always is). */
const allowedOrigins = z.string().transform((v, ctx): string[] =>
  v
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean)
    .flatMap((x) => {
      try {
        const u = new URL(x);
        if ((u.protocol === 'http:' || u.protocol === 'https:') && u.origin === x.replace(/\/$/, '')) return [u.origin];
      } catch {
        // reported below
      }
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: `not an origin such as https://shop.example.com: ${x}` });
      return [];
    }),
);

const schema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  DATABASE_URL: optionalString.pipe(
    z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL').optional(),
  ),
  EVENTSTORE_URL: optionalString.pipe(
    z.string().regex(/^(esdb|esdb\+discover|kurrentdb|kurrent):\/\//, 'must be an esdb:// URL').optional(),
  ),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  NOVI_DATA_DIR: z.string().min(1).default('./.novi'),
  SESSION_SECRET: optionalString.pipe(z.string().min(32, 'must be at least 32 characters').optional()),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  CHROMIUM_PATH: z.string().min(1).default('/usr/bin/chromium'),
  WHATSAPP_SESSION_PATH: optionalString,
  /**
   * Where a session's WhatsApp Web login lives: `local` (LocalAuth, the profile on this host's disk:
   * a session taken over by another host needs a new QR) or `remote` (RemoteAuth with the login
   * state archived in PostgreSQL: any worker resumes it). Default local.
   */
  WHATSAPP_AUTH: optionalString.pipe(z.enum(['local', 'remote']).optional()),
  /** RemoteAuth: how often the login state is archived, in minutes (the library's minimum is 1). */
  WHATSAPP_AUTH_BACKUP_MINUTES: z.coerce.number().int().min(1).max(1440).default(5),
  /** RemoteAuth: the largest login archive kept, in MB (a bigger one is not saved; the last good one stays). */
  WHATSAPP_AUTH_MAX_MB: z.coerce.number().int().min(1).max(1000).default(200),
  /** Default: on, except in production (a public server should not take fake WhatsApp traffic). */
  NOVI_SIMULATOR: optionalString.pipe(z.enum(['on', 'off']).optional()),
  /**
   * Memory limit of one WhatsApp session (the child process and its Chromium, PSS summed over the
   * tree), in MB, before the supervisor restarts it. WhatsApp Web in Chromium takes a few hundred MB.
   */
  NOVI_SESSION_MEMORY_MB: z.coerce.number().int().min(32).default(1024),
  /** Database connections kept for Novi's own roles (web, worker, projector, CLI); the rest is the sessions' budget. */
  NOVI_DB_RESERVED_CONNECTIONS: z.coerce.number().int().min(4).max(10_000).default(80),
  /** Statement timeout of the web role's read-model queries, in ms; past it a request answers 503. */
  NOVI_WEB_STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(5000),
  TRUST_PROXY: optionalString.pipe(trustProxy.optional()),
  ALLOWED_ORIGINS: optionalString.pipe(allowedOrigins.optional()),
});

export interface Config {
  env: 'development' | 'production' | 'test';
  databaseUrl: string | undefined;
  eventStoreUrl: string | undefined;
  port: number;
  host: string;
  dataDir: string;
  sessionSecret: string;
  logLevel: string;
  chromiumPath: string;
  whatsappSessionPath: string;
  whatsappAuth: { mode: 'local' | 'remote'; backupEveryMs: number; maxBytes: number };
  simulator: boolean;
  sessionMemoryMb: number;
  dbReservedConnections: number;
  webStatementTimeoutMs: number;
  /** Fastify's trustProxy: false, a hop count or the proxies' addresses/CIDRs. */
  trustProxy: false | number | string[];
  /** Origins besides the page's own that may open /ws and post forms. */
  allowedOrigins: string[];
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Parses the environment; throws ConfigError naming every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}\nSee .env.example for every variable.`);
  }
  const v = parsed.data;
  const dataDir = resolve(v.NOVI_DATA_DIR);
  if (v.NODE_ENV === 'production' && !v.SESSION_SECRET) {
    throw new ConfigError('Invalid configuration:\n  SESSION_SECRET: required when NODE_ENV=production');
  }
  if (v.NODE_ENV === 'production' && v.SESSION_SECRET === EXAMPLE_SESSION_SECRET) {
    throw new ConfigError('Invalid configuration:\n  SESSION_SECRET: is the example value from compose.yaml/.env.example; set your own (e.g. openssl rand -hex 32)');
  }
  return {
    env: v.NODE_ENV,
    databaseUrl: v.DATABASE_URL,
    eventStoreUrl: v.EVENTSTORE_URL,
    port: v.PORT,
    host: v.HOST,
    dataDir,
    sessionSecret: v.SESSION_SECRET ?? developmentSecret(dataDir),
    logLevel: v.LOG_LEVEL,
    chromiumPath: v.CHROMIUM_PATH,
    whatsappSessionPath: resolve(v.WHATSAPP_SESSION_PATH ?? join(dataDir, 'whatsapp')),
    whatsappAuth: { mode: v.WHATSAPP_AUTH ?? 'local', backupEveryMs: v.WHATSAPP_AUTH_BACKUP_MINUTES * 60_000, maxBytes: v.WHATSAPP_AUTH_MAX_MB * 1048576 },
    simulator: (v.NOVI_SIMULATOR ?? (v.NODE_ENV === 'production' ? 'off' : 'on')) === 'on',
    sessionMemoryMb: v.NOVI_SESSION_MEMORY_MB,
    dbReservedConnections: v.NOVI_DB_RESERVED_CONNECTIONS,
    webStatementTimeoutMs: v.NOVI_WEB_STATEMENT_TIMEOUT_MS,
    trustProxy: v.TRUST_PROXY ?? false,
    allowedOrigins: v.ALLOWED_ORIGINS ?? [],
  };
}

// Outside production the secret is generated once and kept in the data dir, so sessions survive restarts.
function developmentSecret(dataDir: string): string {
  const file = join(dataDir, 'session-secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(32).toString('hex');
  writeFileSync(file, secret + '\n', { mode: 0o600 });
  return secret;
}
