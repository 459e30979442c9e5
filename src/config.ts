// Configuration, parsed once at boot with zod. Nothing else in Novi reads process.env.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { resolve, join } from 'node:path';
import { z } from 'zod';

const optionalString = z
  .string()
  .trim()
  .transform((v) => (v === '' ? undefined : v))
  .optional();

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
  NOVI_SIMULATOR: z.enum(['on', 'off']).default('on'),
  /** Memory limit of one WhatsApp session child process, in MB, before the supervisor restarts it. */
  NOVI_SESSION_MEMORY_MB: z.coerce.number().int().min(32).default(400),
  /** Database connections kept for Novi's own roles (web, worker, projector, CLI); the rest is the sessions' budget. */
  NOVI_DB_RESERVED_CONNECTIONS: z.coerce.number().int().min(4).max(10_000).default(80),
  /** Statement timeout of the web role's read-model queries, in ms; past it a request answers 503. */
  NOVI_WEB_STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(5000),
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
  simulator: boolean;
  sessionMemoryMb: number;
  dbReservedConnections: number;
  webStatementTimeoutMs: number;
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
    simulator: v.NOVI_SIMULATOR === 'on',
    sessionMemoryMb: v.NOVI_SESSION_MEMORY_MB,
    dbReservedConnections: v.NOVI_DB_RESERVED_CONNECTIONS,
    webStatementTimeoutMs: v.NOVI_WEB_STATEMENT_TIMEOUT_MS,
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
