// `novi start [--roles web,worker,projector]`.
// One role: runs it in this process. Several (the default: all three): this process owns the
// database (starting embedded PostgreSQL when DATABASE_URL is unset) and runs each role as its own
// child process, as the Procfile would, restarting a role that dies and stopping everything
// cleanly on SIGINT/SIGTERM.
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config.ts';
import { createLogger } from '../logger.ts';
import { claimOwnership, stopOwnedServer } from '../db/embedded.ts';
import { connectDatabase } from '../db/connect.ts';
import { createRuntime } from '../runtime.ts';
import { ROLE_NAMES, startRole, type RoleName } from '../roles/index.ts';

const BIN = fileURLToPath(new URL('../../bin/novi.mjs', import.meta.url));

function parseRoles(value: string | undefined): RoleName[] {
  if (!value) return [...ROLE_NAMES];
  const roles = value.split(',').map((r) => r.trim()).filter(Boolean);
  const bad = roles.filter((r) => !ROLE_NAMES.includes(r as RoleName));
  if (bad.length || roles.length === 0) {
    throw new Error(`--roles: unknown role ${bad.join(', ') || '(none)'}; choose from ${ROLE_NAMES.join(', ')}`);
  }
  return roles as RoleName[];
}

export async function runStart(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { roles: { type: 'string' } } });
  const roles = parseRoles(values.roles);
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  return roles.length === 1 ? runSingle(roles[0] as RoleName, logger) : runSupervisor(roles, config, logger);
}

async function runSingle(role: RoleName, logger: ReturnType<typeof createLogger>): Promise<number> {
  const rt = await createRuntime({ logger: logger.child({ role }) });
  const stop = await startRole(role, rt, {
    ready: (info) => {
      if (info.url) logger.info(`Novi ${role} listening on ${info.url}`);
      process.send?.({ type: 'ready', ...info });
    },
  });
  await new Promise<void>((resolve) => {
    const onSignal = () => resolve();
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    process.once('disconnect', onSignal); // the supervisor went away: do not linger as an orphan
  });
  logger.info(`stopping ${role}`);
  await stop().catch((e: unknown) => logger.error({ err: e }, `stopping ${role}`));
  await rt.close();
  await rt.database.release();
  return 0;
}

async function runSupervisor(roles: RoleName[], config: ReturnType<typeof loadConfig>, logger: ReturnType<typeof createLogger>): Promise<number> {
  const db = await connectDatabase(config, (m) => logger.info(m));
  if (db.embedded) claimOwnership(config.dataDir);
  const children = new Map<RoleName, ChildProcess>();
  let stopping = false;
  const restarts = new Map<RoleName, number>();

  const spawnRole = (role: RoleName) => {
    const child = fork(BIN, ['start', '--roles', role], {
      env: { ...process.env, DATABASE_URL: db.url },
      stdio: 'inherit',
    });
    children.set(role, child);
    child.on('message', (msg: { type?: string; url?: string }) => {
      if (msg?.type === 'ready') {
        restarts.set(role, 0);
        if (msg.url) logger.info(`Novi is running at ${msg.url}`);
      }
    });
    child.on('exit', (code, signal) => {
      children.delete(role);
      if (stopping) return;
      const n = (restarts.get(role) ?? 0) + 1;
      restarts.set(role, n);
      const delay = Math.min(30_000, 500 * 2 ** Math.min(n, 6));
      logger.error(`${role} exited (${signal ?? code}); restarting in ${delay} ms`);
      setTimeout(() => !stopping && spawnRole(role), delay);
    });
  };
  for (const role of roles) spawnRole(role);

  await new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  stopping = true;
  logger.info('stopping Novi');
  await Promise.all(
    [...children.values()].map(
      (child) =>
        new Promise<void>((resolve) => {
          const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
          child.once('exit', () => {
            clearTimeout(timer);
            resolve();
          });
          child.kill('SIGTERM');
        }),
    ),
  );
  if (db.embedded) await stopOwnedServer(config.dataDir, (m) => logger.info(m));
  return 0;
}
