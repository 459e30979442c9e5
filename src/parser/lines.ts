// The JSON Lines side of the contract: one raw input line to one output line, malformed lines included.
import type { ParseInput } from './types.ts';
import { parseMessage } from './index.ts';

type Check = { ok: true; input: ParseInput } | { ok: false; id: string | number | null; error: string };

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Validates a decoded input line; the error names the offending field so a caller can fix it. */
export function checkInput(v: unknown): Check {
  if (!isObj(v)) return { ok: false, id: null, error: 'input line must be a JSON object' };
  const rawId = v['id'];
  const id = typeof rawId === 'string' || typeof rawId === 'number' ? rawId : null;
  if (rawId !== undefined && rawId !== null && id === null) return { ok: false, id: null, error: '"id" must be a string or a number' };
  const text = v['text'];
  if (text === undefined || text === null) return { ok: false, id, error: 'missing "text"' };
  if (typeof text !== 'string') return { ok: false, id, error: '"text" must be a string' };
  if (!text.trim()) return { ok: false, id, error: '"text" is empty' };
  const sender = v['sender'];
  if (sender !== undefined && sender !== null) {
    if (!isObj(sender)) return { ok: false, id, error: '"sender" must be an object' };
    for (const k of ['name', 'phone'] as const) {
      const x = sender[k];
      if (x !== undefined && x !== null && typeof x !== 'string') return { ok: false, id, error: `"sender.${k}" must be a string` };
    }
  }
  const business = v['business'];
  if (business !== undefined && business !== null) {
    if (!isObj(business)) return { ok: false, id, error: '"business" must be an object' };
    for (const k of ['country', 'currency'] as const) {
      const x = business[k];
      if (x !== undefined && x !== null && typeof x !== 'string') return { ok: false, id, error: `"business.${k}" must be a string` };
    }
    const cat = business['catalog'];
    if (cat !== undefined && cat !== null) {
      if (!Array.isArray(cat)) return { ok: false, id, error: '"business.catalog" must be an array' };
      for (let i = 0; i < cat.length; i++) {
        const p: unknown = cat[i];
        if (!isObj(p) || typeof p['name'] !== 'string' || (typeof p['sku'] !== 'string' && typeof p['sku'] !== 'number'))
          return { ok: false, id, error: `"business.catalog[${i}]" needs a string "name" and "sku"` };
        const price = p['price'];
        if (price !== undefined && price !== null && (typeof price !== 'number' || !Number.isFinite(price)))
          return { ok: false, id, error: `"business.catalog[${i}].price" must be a number` };
        const aliases = p['aliases'];
        if (aliases !== undefined && aliases !== null && (!Array.isArray(aliases) || aliases.some((a) => typeof a !== 'string')))
          return { ok: false, id, error: `"business.catalog[${i}].aliases" must be an array of strings` };
      }
    }
  }
  return { ok: true, input: v as unknown as ParseInput };
}

/** One raw input line -> one output JSON line (without the newline). Never throws. */
export function processLine(line: string): string {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (e) {
    return JSON.stringify({ id: null, error: `invalid JSON: ${(e as Error).message}` });
  }
  const c = checkInput(value);
  if (!c.ok) return JSON.stringify({ id: c.id, error: c.error });
  try {
    return JSON.stringify(parseMessage(c.input));
  } catch (e) {
    // A parser bug must cost one line, not the run.
    return JSON.stringify({ id: c.input.id ?? null, error: `internal parser error: ${(e as Error).message}` });
  }
}

const decoder = new TextDecoder('utf-8');

/**
 * A block of raw JSON Lines bytes (cut after a newline, or the end of the input) -> the output lines joined.
 * Lines end at "\n" (a "\r" before it is dropped); text after the last newline is a line when not blank.
 * Taking bytes lets the CLI hand whole blocks to workers without decoding or splitting them itself.
 */
export function processChunk(bytes: Uint8Array): string {
  const parts = decoder.decode(bytes).split('\n');
  const last = parts.pop() ?? '';
  let out = '';
  for (const p of parts) out += processLine(p.endsWith('\r') ? p.slice(0, -1) : p) + '\n';
  if (last.trim()) out += processLine(last.endsWith('\r') ? last.slice(0, -1) : last) + '\n';
  return out;
}

/** A batch of raw lines -> their output lines joined, each ending with "\n". */
export function processLines(lines: readonly string[]): string {
  let out = '';
  for (const l of lines) out += processLine(l) + '\n';
  return out;
}
