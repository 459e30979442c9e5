// Piscina task handler, bundled by pool.ts into one plain .mjs so worker threads start without the tsx loader.
import { parseMessage } from './index.ts';
import { parseExplained } from './explained.ts';
import { processChunk, processLines } from './lines.ts';
import type { ParseInput } from './types.ts';

export { processChunk, processLines };

type Task =
  | { kind: 'lines'; lines: readonly string[] }
  | { kind: 'chunk'; bytes: Uint8Array }
  | { kind: 'inputs'; inputs: readonly ParseInput[] }
  | { kind: 'explained'; inputs: readonly ParseInput[] };

/** One task is a whole batch: per-message tasks would spend more time messaging than parsing. */
export default function handle(task: Task) {
  if (task && task.kind === 'chunk') return Buffer.from(processChunk(task.bytes), 'utf8');
  if (task && task.kind === 'lines') return processLines(task.lines);
  if (task && task.kind === 'inputs') return task.inputs.map((i) => parseMessage(i));
  if (task && task.kind === 'explained') return task.inputs.map((i) => parseExplained(i));
  throw new Error('unknown task');
}
