// Piscina task handler, bundled by pool.ts into one plain .mjs so worker threads start without the tsx loader.
import { parseMessage } from './index.ts';
import { processLines } from './lines.ts';
import type { ParseInput } from './types.ts';

export { processLines };

type Task = { kind: 'lines'; lines: readonly string[] } | { kind: 'inputs'; inputs: readonly ParseInput[] };

/** One task is a whole batch: per-message tasks would spend more time messaging than parsing. */
export default function handle(task: Task) {
  if (task && task.kind === 'lines') return processLines(task.lines);
  if (task && task.kind === 'inputs') return task.inputs.map((i) => parseMessage(i));
  throw new Error('unknown task');
}
