// `novi parse`: JSON Lines on stdin -> one result line per input line on stdout, in order; or --text "…".
import { availableParallelism } from 'node:os';
import type { Readable, Writable } from 'node:stream';
import type { ParserPool } from '../parser/pool.ts';

type ProcessLines = (lines: readonly string[]) => string;

/**
 * The in-process parser for JSON Lines: the pre-bundled parser (the same file the pool's workers load) when
 * it is available, which spares the main thread transpiling the parser sources; else the sources through tsx.
 */
async function loadProcessLines(): Promise<ProcessLines> {
  const { bundledWorker } = await import('../parser/pool.ts');
  const url = bundledWorker();
  if (url) {
    try {
      const mod = (await import(url)) as { processLines?: ProcessLines };
      if (typeof mod.processLines === 'function') return mod.processLines;
    } catch {
      // fall through to the sources
    }
  }
  return (await import('../parser/lines.ts')).processLines;
}

export interface ParseIo {
  stdin: Readable;
  stdout: Writable;
  stderr: Writable;
}

/** Below this many lines a worker pool costs more to start than it saves. */
const POOL_THRESHOLD = 20_000;
const BATCH_LINES = 2_000;

function opt(argv: string[], name: string): string | undefined {
  const i = argv.indexOf(name);
  if (i >= 0) return argv[i + 1];
  const eq = argv.find((a) => a.startsWith(name + '='));
  return eq ? eq.slice(name.length + 1) : undefined;
}

function write(out: Writable, chunk: string): Promise<void> | null {
  if (!chunk) return null;
  if (out.write(chunk)) return null;
  return new Promise((resolve) => out.once('drain', resolve));
}

export async function runParse(
  argv: string[],
  io: ParseIo = { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr },
): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    io.stdout.write(
      'usage: novi parse [--threads N] < messages.jsonl > results.jsonl\n       novi parse --text "2x bread to 5 Main St" [--country NG] [--currency NGN]\n',
    );
    return 0;
  }
  const text = opt(argv, '--text');
  if (text !== undefined) {
    const country = opt(argv, '--country');
    const currency = opt(argv, '--currency');
    const business = country || currency ? { country: country ?? null, currency: currency ?? null } : undefined;
    const { parseMessage } = await import('../parser/index.ts');
    const result = parseMessage({ id: null, text, ...(business ? { business } : {}) });
    io.stdout.write(JSON.stringify(result, null, 2) + '\n');
    return 0;
  }
  const threadsOpt = Number(opt(argv, '--threads'));
  const threads = Number.isFinite(threadsOpt) && threadsOpt > 0 ? Math.floor(threadsOpt) : Math.max(1, Math.min(8, availableParallelism()));
  const forcePool = argv.includes('--pool');

  let pool: ParserPool | null = null;
  let local: ProcessLines | null = null;
  let carry = '';
  const batch: string[] = [];
  let seen = 0;
  /** Results in input order; each entry is a batch's joined output (a promise when on the pool). */
  const pending: Array<Promise<string>> = [];
  const maxInFlight = () => (pool ? pool.threads * 3 : 1);

  const drainOrdered = async (all: boolean) => {
    while (pending.length && (all || pending.length >= maxInFlight())) {
      const next = pending.shift();
      if (!next) break;
      const out = await next;
      const w = write(io.stdout, out);
      if (w) await w;
    }
  };

  const dispatch = async (lines: string[]) => {
    if (!lines.length) return;
    if (!pool && (forcePool || seen >= POOL_THRESHOLD)) {
      const { createParserPool } = await import('../parser/pool.ts');
      pool = createParserPool({ threads });
    }
    if (pool) {
      pending.push(pool.parseLines(lines));
      await drainOrdered(false);
    } else {
      // Small inputs stay in-process; earlier pool batches (none here) would already be queued in order.
      await drainOrdered(true);
      local ??= await loadProcessLines();
      const w = write(io.stdout, local(lines));
      if (w) await w;
    }
  };

  try {
    for await (const chunk of io.stdin) {
      const s = carry + (typeof chunk === 'string' ? chunk : (chunk as Buffer).toString('utf8'));
      const parts = s.split('\n');
      carry = parts.pop() ?? '';
      for (const p of parts) {
        batch.push(p.endsWith('\r') ? p.slice(0, -1) : p);
        seen++;
      }
      // Until we know the input is big, keep buffering so small inputs never pay for a pool.
      if (batch.length >= BATCH_LINES && (pool || forcePool || seen >= POOL_THRESHOLD)) {
        while (batch.length >= BATCH_LINES) await dispatch(batch.splice(0, BATCH_LINES));
      }
    }
  } catch (e) {
    io.stderr.write(`novi parse: cannot read stdin: ${(e as Error).message}\n`);
    return 1;
  }
  if (carry.trim()) batch.push(carry.endsWith('\r') ? carry.slice(0, -1) : carry);
  try {
    for (let i = 0; i < batch.length; i += BATCH_LINES) {
      const b = batch.slice(i, i + BATCH_LINES);
      await dispatch(b);
    }
    await drainOrdered(true);
  } finally {
    if (pool) await (pool as ParserPool).close();
  }
  return 0;
}
