// Fresh held-out batches in the corpus's own JSONL format (input fields + `expected`), written before the parser was
// run on them: heldout2.jsonl (45 messages, 15 per language) and heldout3.jsonl (30). Each message must match every
// expected field the way shared/tools/score-parser.mjs compares them (dice ≥ 0.8 for addresses and free item names,
// sku + quantity + unitPrice for items, numbers within 0.01, case-folded names).
import t from 'tap';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseMessage, type ParseInput, type ParseResult } from '../../src/parser/index.ts';

type Expected = Record<string, unknown> & {
  intent?: string;
  customer?: { name?: string | null; phone?: string | null };
  items?: Array<{ name: string; sku?: string | null; quantity?: number; unitPrice?: number | null }>;
};

const fold = (s: unknown) => String(s ?? '').normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();
const tokens = (s: unknown) => new Set(fold(s).replace(/[^\p{L}\p{N}]+/gu, ' ').trim().split(/\s+/).filter(Boolean));
function dice(a: unknown, b: unknown): number {
  const A = tokens(a);
  const B = tokens(b);
  if (!A.size && !B.size) return 1;
  let n = 0;
  for (const x of A) if (B.has(x)) n++;
  return (2 * n) / (A.size + B.size);
}
const edge = (s: unknown) => fold(s).replace(/\s+/g, ' ').replace(/^[\s.,;:!-]+|[\s.,;:!-]+$/g, '');
const nullish = (v: unknown) => v === null || v === undefined || v === '';
const sameNum = (a: unknown, b: unknown) => (nullish(a) && nullish(b)) || (!nullish(a) && !nullish(b) && Math.abs(Number(a) - Number(b)) < 0.01);

/** The expected fields that `r` gets wrong, compared as the corpus scorer compares them. */
function mismatches(r: ParseResult, e: Expected): string[] {
  const bad: string[] = [];
  if ('intent' in e && r.intent !== e.intent) bad.push(`intent ${r.intent} != ${String(e.intent)}`);
  if (e.customer) {
    if ('name' in e.customer && edge(r.customer.name) !== edge(e.customer.name)) bad.push(`name ${r.customer.name} != ${e.customer.name}`);
    if ('phone' in e.customer && (r.customer.phone ?? null) !== (e.customer.phone ?? null)) bad.push(`phone ${r.customer.phone} != ${e.customer.phone}`);
  }
  if ('address' in e) {
    const ok = nullish(e['address']) ? nullish(r.address) : !nullish(r.address) && dice(r.address, e['address']) >= 0.8;
    if (!ok) bad.push(`address ${JSON.stringify(r.address)} != ${JSON.stringify(e['address'])}`);
  }
  if (e.items) {
    const used = new Set<number>();
    for (const it of e.items) {
      const j = r.items.findIndex((o, k) => {
        if (used.has(k)) return false;
        const nameOk = it.sku ? o.sku === it.sku : dice(it.name, o.name) >= 0.8;
        return nameOk && sameNum(it.quantity ?? 1, o.quantity) && (!('unitPrice' in it) || sameNum(it.unitPrice, o.unitPrice));
      });
      if (j >= 0) used.add(j);
      else bad.push(`missing item ${JSON.stringify(it)}`);
    }
    r.items.forEach((o, k) => {
      if (!used.has(k)) bad.push(`extra item ${JSON.stringify(o)}`);
    });
  }
  for (const f of ['total', 'currency', 'status', 'orderRef'] as const) {
    if (!(f in e)) continue;
    const want = e[f];
    const got = r[f];
    const ok = f === 'total' ? sameNum(got, want) : fold(got ?? '') === fold(want ?? '');
    if (!ok) bad.push(`${f} ${JSON.stringify(got)} != ${JSON.stringify(want)}`);
  }
  if (e.intent && e.intent !== 'order' && (r.items.length || r.total !== null)) bad.push('non-order with items or total');
  return bad;
}

for (const file of ['heldout2.jsonl', 'heldout3.jsonl']) {
  const path = fileURLToPath(new URL(file, import.meta.url));
  if (!existsSync(path)) continue;
  t.test(file, async (t) => {
    const rows = readFileSync(path, 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as ParseInput & { expected: Expected });
    t.ok(rows.length >= 30, `${file} has at least 30 messages`);
    for (const { expected, ...input } of rows) {
      t.same(mismatches(parseMessage(input), expected), [], `${String(input.id)} ${input.text}`);
    }
  });
}
