// Runs the parser on worker threads for bulk work (large CLI inputs, re-parsing history).
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Piscina } from 'piscina';
import type { ExplainedResult, ParseInput, ParseResult } from './types.ts';

export interface ParserPool {
  /** Parses many messages off the main thread; same results, same order as in-process parseMessage. */
  parseBatch(inputs: readonly ParseInput[]): Promise<ParseResult[]>;
  /** parseBatch with per-field doubts and the customer's words per item (the intake's review queue). */
  parseBatchExplained(inputs: readonly ParseInput[]): Promise<ExplainedResult[]>;
  /** Raw JSON lines in, output JSON lines out (each ending "\n"), as `novi parse` prints them. */
  parseLines(lines: readonly string[]): Promise<string>;
  /** A block of JSON Lines bytes (cut after a newline) in, the output lines as UTF-8 bytes out: no decoding on the caller. */
  parseChunk(bytes: Uint8Array): Promise<Uint8Array>;
  readonly threads: number;
  close(): Promise<void>;
}

const BATCH = 1000;
const here = fileURLToPath(new URL('.', import.meta.url));

let bundled: string | null | undefined;

/**
 * Worker threads do not inherit the tsx loader; registering it in every worker and transpiling the parser
 * there costs a few hundred ms of CPU per thread. Instead the parser is bundled once (esbuild, a tsx
 * dependency) into a plain .mjs keyed by a hash of its sources, and workers import that. Returns the file
 * URL, or null when bundling is not possible (the tsx worker is used then).
 */
export function bundledWorker(): string | null {
  if (bundled !== undefined) return bundled;
  bundled = null;
  try {
    const h = createHash('sha256');
    for (const f of readdirSync(here).sort()) {
      if (f.endsWith('.ts')) h.update(f).update(readFileSync(join(here, f)));
    }
    const dir = join(tmpdir(), 'novi-parser-cache');
    const out = join(dir, `worker-${h.digest('hex').slice(0, 16)}.mjs`);
    if (!existsSync(out)) {
      mkdirSync(dir, { recursive: true });
      const require = createRequire(import.meta.url);
      const esbuild = require('esbuild') as typeof import('esbuild');
      const tmp = `${out}.${process.pid}.${Date.now()}.tmp`;
      esbuild.buildSync({
        entryPoints: [join(here, 'worker-entry.ts')],
        bundle: true,
        format: 'esm',
        platform: 'node',
        target: 'node20',
        outfile: tmp,
        logLevel: 'silent',
      });
      renameSync(tmp, out);
      // Bundles of older parser sources: drop those not used for a day (best effort).
      for (const f of readdirSync(dir)) {
        const p = join(dir, f);
        try {
          if (p !== out && f.startsWith('worker-') && Date.now() - statSync(p).mtimeMs > 86_400_000) unlinkSync(p);
        } catch {
          // another process may be pruning too
        }
      }
    }
    bundled = pathToFileURL(out).href;
  } catch {
    bundled = null;
  }
  return bundled;
}

export function createParserPool(opts: { threads?: number } = {}): ParserPool {
  const threads = Math.max(1, opts.threads ?? 2);
  const pool = new Piscina({
    filename: bundledWorker() ?? new URL('./worker.mjs', import.meta.url).href,
    minThreads: threads,
    maxThreads: threads,
    idleTimeout: 60_000,
  });
  return {
    threads,
    async parseBatch(inputs) {
      const chunks: Promise<ParseResult[]>[] = [];
      for (let i = 0; i < inputs.length; i += BATCH) {
        chunks.push(pool.run({ kind: 'inputs', inputs: inputs.slice(i, i + BATCH) }) as Promise<ParseResult[]>);
      }
      return (await Promise.all(chunks)).flat();
    },
    async parseBatchExplained(inputs) {
      const chunks: Promise<ExplainedResult[]>[] = [];
      for (let i = 0; i < inputs.length; i += BATCH) {
        chunks.push(pool.run({ kind: 'explained', inputs: inputs.slice(i, i + BATCH) }) as Promise<ExplainedResult[]>);
      }
      return (await Promise.all(chunks)).flat();
    },
    async parseLines(lines) {
      return (await pool.run({ kind: 'lines', lines })) as string;
    },
    async parseChunk(bytes) {
      return (await pool.run({ kind: 'chunk', bytes })) as Uint8Array;
    },
    async close() {
      await pool.destroy();
    },
  };
}
