import t from 'tap';
import { PassThrough, Readable } from 'node:stream';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { runParse } from '../../src/cli/parse.ts';
import { createParserPool } from '../../src/parser/pool.ts';
import { parseMessage, type ParseInput } from '../../src/parser/index.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const corpusPath = '/work/shared/corpus/orders.public.jsonl';

async function run(input: string, argv: string[] = []): Promise<{ code: number; out: string; err: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d: Buffer) => (out += d.toString()));
  stderr.on('data', (d: Buffer) => (err += d.toString()));
  const code = await runParse(argv, { stdin: Readable.from([input]), stdout, stderr });
  return { code, out, err };
}

t.test('malformed lines get an error line and the run goes on, in order', async (t) => {
  const input = [
    JSON.stringify({ id: 'a', text: '2x bread to 5 Main Street, Ikeja', business: { country: 'NG', currency: 'NGN' } }),
    '{not json',
    JSON.stringify({ id: 'b' }),
    JSON.stringify({ id: 'c', text: '   ' }),
    JSON.stringify({ id: 'd', text: 42 }),
    JSON.stringify({ id: 'e', text: 'hi', business: { catalog: 'nope' } }),
    JSON.stringify([1, 2]),
    '',
    JSON.stringify({ id: 'f', text: 'cancel order 12' }),
  ].join('\n');
  const { code, out } = await run(input + '\n');
  t.equal(code, 0);
  const lines = out.trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  t.equal(lines.length, 9);
  t.equal(lines[0]?.['intent'], 'order');
  t.same(lines[1], { id: null, error: lines[1]?.['error'] });
  t.match(lines[1]?.['error'], /invalid JSON/);
  t.equal(lines[2]?.['id'], 'b');
  t.match(lines[2]?.['error'], /text/);
  t.equal(lines[3]?.['id'], 'c');
  t.match(lines[3]?.['error'], /empty/);
  t.match(lines[4]?.['error'], /string/);
  t.match(lines[5]?.['error'], /catalog/);
  t.equal(lines[6]?.['id'], null);
  t.ok(lines[7]?.['error']);
  t.equal(lines[8]?.['intent'], 'status');
});

t.test('a last line without a newline is still parsed', async (t) => {
  const { out } = await run(JSON.stringify({ id: 'x', text: '#1042 delivered' }));
  t.equal((JSON.parse(out.trim()) as { orderRef: string }).orderRef, '1042');
});

t.test('--text prints one pretty result', async (t) => {
  const { code, out } = await run('', ['--text', '2x bread to 5 Main St, Ikeja. 0803 123 4567', '--country', 'NG', '--currency', 'NGN']);
  t.equal(code, 0);
  const r = JSON.parse(out) as { intent: string; currency: string; customer: { phone: string } };
  t.equal(r.intent, 'order');
  t.equal(r.currency, 'NGN');
  t.equal(r.customer.phone, '+2348031234567');
  t.match(out, /\n {2}"intent"/);
});

t.test('novi parse through the bin, and the forced pool path, match in-process results', async (t) => {
  const corpus = readFileSync(corpusPath, 'utf8').trim().split('\n');
  const input = corpus.map((l) => {
    const { expected: _e, ...rest } = JSON.parse(l) as Record<string, unknown>;
    return JSON.stringify(rest);
  });
  const expected = input.map((l) => JSON.stringify(parseMessage(JSON.parse(l) as ParseInput)));
  const bin = spawnSync(process.execPath, [root + 'bin/novi.mjs', 'parse'], { input: input.join('\n') + '\n', encoding: 'utf8' });
  t.equal(bin.status, 0);
  t.same(bin.stdout.trimEnd().split('\n'), expected);
  const pooled = await run(input.join('\n') + '\n', ['--pool', '--threads', '2']);
  t.same(pooled.out.trimEnd().split('\n'), expected);
});

t.test('pool parseBatch equals in-process parseMessage on the corpus', async (t) => {
  const inputs = readFileSync(corpusPath, 'utf8')
    .trim()
    .split('\n')
    .map((l) => {
      const { expected: _e, ...rest } = JSON.parse(l) as Record<string, unknown>;
      return rest as unknown as ParseInput;
    });
  const many = Array.from({ length: 15 }, () => inputs).flat();
  const pool = createParserPool({ threads: 2 });
  try {
    const got = await pool.parseBatch(many);
    t.same(got, many.map((i) => parseMessage(i)));
  } finally {
    await pool.close();
  }
});
