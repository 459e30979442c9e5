// The `novi` command line: one subcommand per module, loaded on demand.
import { ConfigError } from '../config.ts';

type Command = (argv: string[]) => Promise<number>;

const commands: Record<string, { help: string; load: () => Promise<Command> }> = {
  start: { help: 'start Novi (roles web, worker, projector; --roles picks a subset)', load: async () => (await import('./start.ts')).runStart },
  migrate: { help: 'apply database migrations', load: async () => (await import('./migrate.ts')).runMigrate },
  rebuild: { help: 'rebuild read models from event zero and swap them in (rebuild [projection…])', load: async () => (await import('./rebuild.ts')).runRebuild },
  reparse: { help: 'replay a business\'s messages through the current parser (--business <id> --since <ISO date>)', load: async () => (await import('./reparse.ts')).runReparse },
  admin: { help: 'admin accounts: admin create --username <name> --email <email> [--password-stdin], admin list', load: async () => (await import('./admin.ts')).runAdmin },
  parse: { help: 'parse WhatsApp messages: JSON lines on stdin, or --text "…"', load: async () => (await import('./parse.ts')).runParse },
  'erase-customer': { help: 'erase one customer\'s personal data (--business <id> --customer <key> --yes)', load: async () => (await import('./erase-customer.ts')).runEraseCustomer },
};

function usage(): string {
  const width = Math.max(...Object.keys(commands).map((c) => c.length));
  return `usage: novi <command> [options]\n\n${Object.entries(commands)
    .map(([name, c]) => `  ${name.padEnd(width)}  ${c.help}`)
    .join('\n')}\n`;
}

const [name, ...rest] = process.argv.slice(2);
if (!name || name === '--help' || name === '-h' || name === 'help') {
  process.stdout.write(usage());
  process.exit(name ? 0 : 2);
}
const command = commands[name];
if (!command) {
  process.stderr.write(`novi: unknown command '${name}'\n\n${usage()}`);
  process.exit(2);
}
try {
  const run = await command.load();
  const code = await run(rest);
  process.exitCode = code;
} catch (e) {
  if (e instanceof ConfigError) {
    process.stderr.write(`novi: ${e.message}\n`);
    process.exitCode = 78;
  } else {
    process.stderr.write(`novi ${name}: ${(e as Error).message}\n`);
    process.exitCode = 1;
  }
}
