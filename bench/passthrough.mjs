// Baseline for the parser bench: reads JSON lines and writes them back (JSON.parse + JSON.stringify per line),
// with the same I/O as `novi parse`: stdin bytes gathered into ~1 MB blocks cut after the last newline, each
// block decoded and split into lines, a final line without a newline kept when not blank, "\r" dropped, and
// each block's output written as one backpressured write. Only the parsing is left out.
import { StringDecoder } from 'node:string_decoder';

const CHUNK_BYTES = 1 << 20;
const decoder = new StringDecoder('utf8');

function passLine(line) {
  try {
    return JSON.stringify(JSON.parse(line));
  } catch {
    return JSON.stringify({ id: null, error: 'invalid JSON' });
  }
}

function processChunk(bytes) {
  const parts = decoder.end(bytes).split('\n');
  const last = parts.pop() ?? '';
  let out = '';
  for (const p of parts) out += passLine(p.endsWith('\r') ? p.slice(0, -1) : p) + '\n';
  if (last.trim()) out += passLine(last.endsWith('\r') ? last.slice(0, -1) : last) + '\n';
  return out;
}

async function write(s) {
  if (!s) return;
  if (!process.stdout.write(s)) await new Promise((r) => process.stdout.once('drain', r));
}

let held = [];
let heldBytes = 0;
for await (const chunk of process.stdin) {
  held.push(chunk);
  heldBytes += chunk.length;
  if (heldBytes >= CHUNK_BYTES) {
    const all = held.length === 1 ? held[0] : Buffer.concat(held, heldBytes);
    const cut = all.lastIndexOf(10);
    if (cut >= 0) {
      const rest = all.subarray(cut + 1);
      held = rest.length ? [Buffer.from(rest)] : [];
      heldBytes = rest.length;
      await write(processChunk(all.subarray(0, cut + 1)));
    }
  }
}
await write(processChunk(Buffer.concat(held, heldBytes)));
