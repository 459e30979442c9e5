// Piscina worker entry. Worker threads do not inherit the tsx loader registered by bin/novi.mjs,
// so this plain .mjs registers it before importing the TypeScript parser.
import { register } from 'tsx/esm/api';

register();
const { parseMessage } = await import('./index.ts');
const { processLines } = await import('./lines.ts');

/** One task is a whole batch: per-message tasks would spend more time messaging than parsing. */
export default function handle(task) {
  if (task && task.kind === 'lines') return processLines(task.lines);
  if (task && task.kind === 'inputs') return task.inputs.map((i) => parseMessage(i));
  throw new Error('unknown task');
}
