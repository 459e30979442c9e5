// Runs the parser on worker threads for bulk work (large CLI inputs, re-parsing history).
import { Piscina } from 'piscina';
import type { ParseInput, ParseResult } from './types.ts';

export interface ParserPool {
  /** Parses many messages off the main thread; same results, same order as in-process parseMessage. */
  parseBatch(inputs: readonly ParseInput[]): Promise<ParseResult[]>;
  /** Raw JSON lines in, output JSON lines out (each ending "\n"), as `novi parse` prints them. */
  parseLines(lines: readonly string[]): Promise<string>;
  readonly threads: number;
  close(): Promise<void>;
}

const BATCH = 1000;

export function createParserPool(opts: { threads?: number } = {}): ParserPool {
  const threads = Math.max(1, opts.threads ?? 2);
  const pool = new Piscina({
    filename: new URL('./worker.mjs', import.meta.url).href,
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
    async parseLines(lines) {
      return (await pool.run({ kind: 'lines', lines })) as string;
    },
    async close() {
      await pool.destroy();
    },
  };
}
