// The parse the intake uses: the wire result plus which fields caused doubt and the customer's words per item.
import { parseMessage, type ParseExplanation } from './index.ts';
import type { ExplainedResult, ParseInput } from './types.ts';

export type { ExplainedResult } from './types.ts';

export function parseExplained(input: ParseInput): ExplainedResult {
  const explain: ParseExplanation = {};
  const result = parseMessage(input, explain);
  return { ...result, doubts: result.intent === 'order' ? (explain.fields ?? []) : [], itemTexts: result.intent === 'order' ? (explain.itemTexts ?? []) : [] };
}
