// Runs benchmarks by name (`npm run bench -- parser eventstore`), or all of them, and writes
// docs/benchmarks.md with the figures, the machine, and each ratio against its in-run baseline.
import { writeFileSync, mkdirSync } from 'node:fs';
import { cpus, totalmem, platform, release } from 'node:os';

export interface BenchResult {
  /** Human-readable lines, printed as they are. */
  lines: string[];
  figures: Record<string, number>;
}
type Bench = () => Promise<BenchResult>;

const registry: Record<string, () => Promise<Bench>> = {
  eventstore: async () => (await import('./eventstore.ts')).benchEventStore,
  parser: async () => (await import('./parser.ts')).benchParser,
  pipeline: async () => (await import('./pipeline.ts')).benchPipeline,
  sessions: async () => (await import('./sessions.ts')).benchSessions,
  web: async () => (await import('./web.ts')).benchWeb,
  e2e: async () => (await import('./e2e.ts')).benchE2e,
};

const asked = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const names = asked.length ? asked : Object.keys(registry);
const unknown = names.filter((n) => !(n in registry));
if (unknown.length) {
  console.error(`Unknown benchmark: ${unknown.join(', ')}. Known: ${Object.keys(registry).join(', ')}`);
  process.exit(2);
}

const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, ${platform()} ${release()}, Node ${process.version}`;
const sections: string[] = [`# Benchmarks\n\nRun: ${new Date().toISOString()} on ${machine}.\n`];
let failed = false;
for (const name of names) {
  console.log(`\n== ${name} ==`);
  try {
    const load = registry[name];
    if (!load) continue;
    const bench = await load();
    const result = await bench();
    for (const l of result.lines) console.log(l);
    sections.push(`## ${name}\n\n${result.lines.map((l) => `    ${l}`).join('\n')}\n`);
  } catch (e) {
    failed = true;
    console.error(`${name} failed:`, e);
    sections.push(`## ${name}\n\nFailed: ${(e as Error).message}\n`);
  }
}
if (!asked.length) {
  mkdirSync('docs', { recursive: true });
  writeFileSync('docs/benchmarks.md', sections.join('\n'));
  console.log('\nwrote docs/benchmarks.md');
}
process.exit(failed ? 1 : 0);
