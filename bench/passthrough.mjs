// Baseline for the parser bench: reads JSON lines and writes them back (JSON.parse + JSON.stringify per line),
// with the same chunked reading and batched, backpressured writing as `novi parse`.
let carry = '';
let out = '';
const flush = async () => {
  if (!out) return;
  const chunk = out;
  out = '';
  if (!process.stdout.write(chunk)) await new Promise((r) => process.stdout.once('drain', r));
};
for await (const chunk of process.stdin) {
  const parts = (carry + chunk.toString('utf8')).split('\n');
  carry = parts.pop() ?? '';
  for (const line of parts) {
    let o;
    try {
      o = JSON.parse(line);
    } catch {
      o = { id: null, error: 'invalid JSON' };
    }
    out += JSON.stringify(o) + '\n';
  }
  if (out.length > 1 << 20) await flush();
}
if (carry.trim()) out += JSON.stringify(JSON.parse(carry)) + '\n';
await flush();
