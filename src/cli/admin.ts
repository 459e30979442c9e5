// `novi admin create --username … --email … [--password-stdin]` bootstraps an admin account
// through the same registration as web sign-up (name/email reservation, argon2id), with role
// admin; `novi admin list` shows the admins. Works whether Novi is running or not: the runtime
// finds the database (DATABASE_URL, or the embedded server under NOVI_DATA_DIR, started here
// if nobody runs it) and releases it at the end.
import { parseArgs } from 'node:util';
import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import type { Runtime } from '../runtime.ts';
import { DomainError } from '../shared/errors.ts';
import { newId } from '../shared/ids.ts';

const USAGE = `usage: novi admin create --username <name> --email <email> [--password-stdin]
       novi admin list

create prompts for the password (not echoed) unless --password-stdin reads it from standard input.
`;

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(typeof c === 'string' ? Buffer.from(c) : (c as Buffer));
  // One trailing newline is the line ending of `echo`, not part of the password.
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

/** Asks on the terminal without echoing what is typed. */
async function prompt(question: string): Promise<string> {
  let muted = false;
  const output = new Writable({
    write(chunk, _enc, done) {
      if (!muted) process.stderr.write(chunk);
      done();
    },
  });
  const rl = createInterface({ input: process.stdin, output, terminal: true });
  try {
    return await new Promise<string>((resolve) => {
      rl.question(question, (answer) => resolve(answer));
      muted = true;
    });
  } finally {
    rl.close();
    process.stderr.write('\n');
  }
}

async function withRuntime<T>(fn: (rt: Runtime) => Promise<T>): Promise<T> {
  const { createRuntime } = await import('../runtime.ts');
  const { loadConfig } = await import('../config.ts');
  const { createLogger } = await import('../logger.ts');
  const config = loadConfig();
  // Keep stdout for the command's answer; only warnings and errors on stderr.
  const rt = await createRuntime({ config, logger: createLogger('warn'), poolSize: 2 });
  try {
    return await fn(rt);
  } finally {
    await rt.close();
    await rt.database.release();
  }
}

async function create(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { username: { type: 'string' }, email: { type: 'string' }, 'password-stdin': { type: 'boolean', default: false } },
  });
  if (!values.username || !values.email) {
    process.stderr.write(USAGE);
    return 2;
  }
  let password: string;
  if (values['password-stdin']) password = await readStdin();
  else if (process.stdin.isTTY) {
    password = await prompt('Password for the new admin: ');
    const again = await prompt('Repeat the password: ');
    if (again !== password) {
      process.stderr.write('novi admin create: the passwords differ\n');
      return 1;
    }
  } else {
    process.stderr.write('novi admin create: no terminal to ask for the password; pipe it in with --password-stdin\n');
    return 2;
  }
  if (password.length < 8) {
    process.stderr.write('novi admin create: the password must be at least 8 characters\n');
    return 1;
  }
  if (password.length > 200) {
    process.stderr.write('novi admin create: the password must be at most 200 characters\n');
    return 1;
  }
  const { registerAccount } = await import('../accounts/registration.ts');
  try {
    const account = await withRuntime((rt) =>
      registerAccount(rt, { username: values.username ?? '', email: values.email ?? '', password, role: 'admin' }, { correlationId: newId(), actor: 'system' }),
    );
    process.stdout.write(`admin ${account.username} <${account.email}> created (id ${account.userId})\n`);
    return 0;
  } catch (e) {
    if (e instanceof DomainError) {
      process.stderr.write(`novi admin create: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
}

/** Admins folded from the user events themselves, so the list is right even with no projector running. */
async function list(): Promise<number> {
  const { evolveUser, initialUserState } = await import('../accounts/user.ts');
  const { validateEvent } = await import('../events/catalog.ts');
  type State = ReturnType<typeof initialUserState>;
  const users = new Map<string, State>();
  await withRuntime(async (rt) => {
    for (let from = 0n; ; ) {
      const page = await rt.store.readAll({ fromPosition: from, maxCount: 5000, filter: { streamPrefixes: ['user-'] } });
      if (page.length === 0) break;
      for (const e of page) {
        const v = validateEvent(e.type, e.data, e.metadata.schemaVersion);
        if (!v.ok || !(v.event.type === 'UserRegistered' || v.event.type === 'UserDeactivated' || v.event.type === 'UserReactivated' || v.event.type === 'UserRoleGranted')) continue;
        users.set(e.streamId, evolveUser(users.get(e.streamId) ?? initialUserState(), v.event));
      }
      from = page[page.length - 1]!.position;
    }
  });
  const admins = [...users.values()].flatMap((u) => (u.kind === 'registered' && u.role === 'admin' ? [u] : []));
  if (admins.length === 0) process.stdout.write('no admins yet\n');
  for (const a of admins) process.stdout.write(`${a.username}\t${a.email}\t${a.active ? 'active' : 'disabled'}\t${a.userId}\n`);
  return 0;
}

export async function runAdmin(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === 'create') return create(rest);
  if (sub === 'list') return list();
  process.stderr.write(USAGE);
  return 2;
}
