// `novi parse`: JSON Lines on stdin -> one result line per input line on stdout, in order; or --text "…".
import { availableParallelism } from 'node:os';
import type { Readable, Writable } from 'node:stream';
import type { ParserPool } from '../parser/pool.ts';

type ProcessChunk = (bytes: Uint8Array) => string;

/**
 * The in-process parser for JSON Lines: the pre-bundled parser (the same file the pool's workers load) when
 * it is available, which spares the main thread transpiling the parser sources; else the sources through tsx.
 */
async function loadProcessChunk(): Promise<ProcessChunk> {
  const { bundledWorker } = await import('../parser/pool.ts');
  const url = bundledWorker();
  if (url) {
    try {
      const mod = (await import(url)) as { processChunk?: ProcessChunk };
      if (typeof mod.processChunk === 'function') return mod.processChunk;
    } catch {
      // fall through to the sources
    }
  }
  return (await import('../parser/lines.ts')).processChunk;
}

export interface ParseIo {
  stdin: Readable;
  stdout: Writable;
  stderr: Writable;
}

/** Below this much input a worker pool costs more to start than it saves (a few thousand messages). */
const POOL_THRESHOLD_BYTES = 2 << 20;
/** Bytes of whole lines per pool task: big enough that messaging is negligible, small enough to keep both cores busy. */
const CHUNK_BYTES = 1 << 20;

function opt(argv: string[], name: string): string | undefined {
  const i = argv.indexOf(name);
  if (i >= 0) return argv[i + 1];
  const eq = argv.find((a) => a.startsWith(name + '='));
  return eq ? eq.slice(name.length + 1) : undefined;
}

function write(out: Writable, chunk: string | Uint8Array): Promise<void> | null {
  if (!chunk.length) return null;
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
  let local: ProcessChunk | null = null;
  // The main thread only cuts the input into blocks of whole lines (at the last newline byte) and writes the
  // workers' output bytes: it never decodes, splits, or encodes, so both cores go to parsing.
  let held: Buffer[] = [];
  let heldBytes = 0;
  let seenBytes = 0;
  /** Results in input order; each entry is a block's output (a promise when on the pool). */
  const pending: Array<Promise<Uint8Array>> = [];
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

  const dispatch = async (bytes: Uint8Array) => {
    if (!bytes.length) return;
    if (!pool && (forcePool || seenBytes >= POOL_THRESHOLD_BYTES)) {
      const { createParserPool } = await import('../parser/pool.ts');
      pool = createParserPool({ threads });
    }
    if (pool) {
      pending.push(pool.parseChunk(bytes));
      await drainOrdered(false);
    } else {
      // Small inputs stay in-process; earlier pool blocks (none here) would already be queued in order.
      await drainOrdered(true);
      local ??= await loadProcessChunk();
      const w = write(io.stdout, local(bytes));
      if (w) await w;
    }
  };

  try {
    for await (const chunk of io.stdin) {
      const buf = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : (chunk as Buffer);
      held.push(buf);
      heldBytes += buf.length;
      seenBytes += buf.length;
      // Until we know the input is big, keep buffering so small inputs never pay for a pool.
      if (heldBytes >= CHUNK_BYTES && (pool || forcePool || seenBytes >= POOL_THRESHOLD_BYTES)) {
        const all = held.length === 1 && held[0] ? held[0] : Buffer.concat(held, heldBytes);
        const cut = all.lastIndexOf(10);
        if (cut >= 0) {
          const rest = all.subarray(cut + 1);
          held = rest.length ? [Buffer.from(rest)] : [];
          heldBytes = rest.length;
          await dispatch(all.subarray(0, cut + 1));
        }
      }
    }
  } catch (e) {
    io.stderr.write(`novi parse: cannot read stdin: ${(e as Error).message}\n`);
    return 1;
  }
  try {
    const all = Buffer.concat(held, heldBytes);
    held = [];
    // The rest in blocks of whole lines; the last block also carries a final line without a newline.
    let start = 0;
    while (all.length - start > CHUNK_BYTES) {
      const cut = all.lastIndexOf(10, start + CHUNK_BYTES);
      if (cut < start) break;
      await dispatch(all.subarray(start, cut + 1));
      start = cut + 1;
    }
    await dispatch(all.subarray(start));
    await drainOrdered(true);
  } finally {
    if (pool) await (pool as ParserPool).close();
  }
  return 0;
}
