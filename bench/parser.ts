// Parser throughput: 100k generated messages through `novi parse` versus a JSON pass-through of the same lines.
import { spawn } from 'node:child_process';
import { createReadStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

interface Biz {
  country: string;
  currency: string;
  sym: string;
  catalog: Array<{ sku: string; name: string; price: number; aliases?: string[] }>;
  streets: string[];
  phone: () => string;
}

/** Small deterministic PRNG so every run benches the same file. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function generateMessages(n: number, seed = 42): string[] {
  const r = rng(seed);
  const pick = <T>(a: readonly T[]): T => a[Math.floor(r() * a.length)] as T;
  const digits = (k: number) => Array.from({ length: k }, () => Math.floor(r() * 10)).join('');
  const businesses: Biz[] = [
    {
      country: 'NG', currency: 'NGN', sym: '₦',
      catalog: [
        { sku: 'JR', name: 'Jollof Rice', price: 2500, aliases: ['jollof'] },
        { sku: 'FR', name: 'Fried Rice', price: 2500 },
        { sku: 'CH', name: 'Chicken', price: 2000 },
        { sku: 'PL', name: 'Plantain', price: 800, aliases: ['dodo'] },
        { sku: 'ZB', name: 'Zobo 50cl', price: 500, aliases: ['zobo'] },
      ],
      streets: ['12 Allen Avenue, Ikeja', '7 Ogunlana Drive, Surulere', 'Plot 5, Admiralty Way, Lekki'],
      phone: () => `080${digits(1)} ${digits(3)} ${digits(4)}`,
    },
    {
      country: 'BR', currency: 'BRL', sym: 'R$',
      catalog: [
        { sku: 'BRG', name: 'Brigadeiro', price: 2.5, aliases: ['brigadeiros'] },
        { sku: 'COX', name: 'Coxinha', price: 6, aliases: ['coxinhas'] },
        { sku: 'PQJ', name: 'Pão de Queijo (porção)', price: 12, aliases: ['pão de queijo'] },
      ],
      streets: ['Rua Augusta, 1500, apto 82, São Paulo', 'Av. Paulista, 900, Bela Vista'],
      phone: () => `(11) 9${digits(4)}-${digits(4)}`,
    },
    {
      country: 'MX', currency: 'MXN', sym: '$',
      catalog: [
        { sku: 'TPA', name: 'Taco al Pastor', price: 18, aliases: ['pastor', 'tacos al pastor'] },
        { sku: 'QSO', name: 'Quesadilla', price: 35, aliases: ['quesadillas'] },
        { sku: 'HOR', name: 'Agua de Horchata', price: 25, aliases: ['horchata'] },
      ],
      streets: ['Calle Durango 123, Col. Roma Norte', 'Av. Insurgentes Sur 1602, depto 5'],
      phone: () => `55 ${digits(4)} ${digits(4)}`,
    },
    {
      country: 'IN', currency: 'INR', sym: '₹',
      catalog: [
        { sku: 'ATTA', name: 'Aashirvaad Atta 10kg', price: 460, aliases: ['atta'] },
        { sku: 'MAG', name: 'Maggi Noodles', price: 14, aliases: ['maggi'] },
        { sku: 'SUG', name: 'Sugar 1kg', price: 48, aliases: ['sugar'] },
      ],
      streets: ['Flat 12, Shanti Niwas, MG Road, Pune', '45, 3rd Cross, Indiranagar, Bangalore'],
      phone: () => `98${digits(3)} ${digits(5)}`,
    },
  ];
  const names = ['Ada Obi', 'Juliana Souza', 'Jorge Ramírez', 'Priya Sharma', 'Mary O.', 'Kevin'];
  const templates: Array<(b: Biz) => string> = [
    (b) => `Name: ${pick(names)}\nPhone: ${b.phone()}\nAddress: ${pick(b.streets)}\n${1 + Math.floor(r() * 4)}x ${pick(b.catalog).name}\n${1 + Math.floor(r() * 3)} ${pick(b.catalog).name}\nTotal ${b.sym}${(1000 + Math.floor(r() * 9000)).toLocaleString('en-US')}`,
    (b) => `pls send ${1 + Math.floor(r() * 5)} ${pick(b.catalog).aliases?.[0] ?? pick(b.catalog).name} and ${pick(['two', 'dos', 'duas', 'a dozen'])} ${pick(b.catalog).name.toLowerCase()} to ${pick(b.streets)}. thanks`,
    (b) => `Hola! quiero ${1 + Math.floor(r() * 9)} ${pick(b.catalog).name} de ${b.sym}${Math.floor(r() * 300)} c/u, para recoger a las 2. Gracias, ${pick(names)}`,
    () => `Your order #${pick(['A', 'NG-', ''])}${digits(4)} is out for delivery 🛵`,
    () => `Pedido ${digits(3)} entregue ✅`,
    (b) => `How much is the ${pick(b.catalog).name}?`,
    () => `Good morning 🙏🏾 are you open today?`,
    (b) => `✅ Order confirmed! Order #A${digits(2)}\n2x ${pick(b.catalog).name}\nTotal: ${b.sym}${digits(4)}`,
    (b) => `🛒 Order\n• ${pick(b.catalog).name} x${1 + Math.floor(r() * 5)}\n• ${pick(b.catalog).name} x${1 + Math.floor(r() * 5)}\n📍 ${pick(b.streets)}\n📞 ${b.phone()}`,
    (b) => `Olá! Quero ${pick(['duas', 'três', '10'])} ${pick(b.catalog).name} e 1 capinha de R$ 49,90. Entrega na ${pick(b.streets)}`,
  ];
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const b = pick(businesses);
    const text = pick(templates)(b);
    out.push(
      JSON.stringify({
        id: `b-${i}`,
        text,
        sender: { name: pick(names), phone: '+2348031234567' },
        business: { country: b.country, currency: b.currency, catalog: b.catalog },
      }),
    );
  }
  return out;
}

/**
 * CPU seconds (user + system) used by this process's finished children, from /proc/self/stat (Linux; null
 * elsewhere). Unlike wall time it hardly depends on what else the shared machine is running.
 */
function childrenCpuSeconds(): number | null {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // Fields 16 and 17 of stat (cutime, cstime) are the 14th and 15th after the command name, in clock ticks.
    const cutime = Number(fields[13]);
    const cstime = Number(fields[14]);
    return Number.isFinite(cutime) && Number.isFinite(cstime) ? (cutime + cstime) / 100 : null;
  } catch {
    return null;
  }
}

interface Timed {
  wall: number;
  cpu: number | null;
}

async function timeRun(cmd: string, args: string[], file: string): Promise<Timed> {
  const cpu0 = childrenCpuSeconds();
  const wall = await timeCommand(cmd, args, file);
  const cpu1 = childrenCpuSeconds();
  return { wall, cpu: cpu0 !== null && cpu1 !== null ? cpu1 - cpu0 : null };
}

function timeCommand(cmd: string, args: string[], file: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(cmd, args, { cwd: root, stdio: ['pipe', 'ignore', 'inherit'] });
    createReadStream(file).pipe(child.stdin);
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`${cmd} ${args.join(' ')} exited ${code}`));
      else resolve(Number(process.hrtime.bigint() - started) / 1e9);
    });
  });
}

export async function benchParser(opts: { messages?: number; rounds?: number } = {}): Promise<{ lines: string[]; figures: Record<string, number> }> {
  const n = opts.messages ?? 100_000;
  // The machine is shared: one run of each is at the mercy of whatever else runs. Interleave a few rounds of
  // both commands over the same file and compare the best of each (and report the medians too).
  const rounds = Math.max(1, opts.rounds ?? (Number(process.env['NOVI_BENCH_ROUNDS']) || 3));
  const dir = mkdtempSync(join(tmpdir(), 'novi-bench-parser-'));
  const file = join(dir, 'messages.jsonl');
  try {
    writeFileSync(file, generateMessages(n).join('\n') + '\n');
    const parseTimed: Timed[] = [];
    const passTimed: Timed[] = [];
    for (let r = 0; r < rounds; r++) {
      parseTimed.push(await timeRun(process.execPath, [join(root, 'bin/novi.mjs'), 'parse'], file));
      passTimed.push(await timeRun(process.execPath, [join(root, 'bench/passthrough.mjs')], file));
    }
    const parseRuns = parseTimed.map((x) => x.wall);
    const passRuns = passTimed.map((x) => x.wall);
    const cpuOf = (a: Timed[]) => (a.every((x) => x.cpu !== null) ? Math.min(...a.map((x) => x.cpu ?? 0)) : null);
    const parseCpu = cpuOf(parseTimed);
    const passCpu = cpuOf(passTimed);
    const best = (a: number[]) => Math.min(...a);
    const median = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)] ?? 0;
    const parseS = best(parseRuns);
    const passS = best(passRuns);
    const r3 = (x: number) => Math.round(x * 1000) / 1000;
    const figures = {
      messages: n,
      rounds,
      parseSeconds: r3(parseS),
      parseMessagesPerSecond: Math.round(n / parseS),
      passthroughSeconds: r3(passS),
      passthroughMessagesPerSecond: Math.round(n / passS),
      ratio: Math.round((parseS / passS) * 100) / 100,
      parseSecondsMedian: r3(median(parseRuns)),
      passthroughSecondsMedian: r3(median(passRuns)),
      ratioMedian: Math.round((median(parseRuns) / median(passRuns)) * 100) / 100,
      ...(parseCpu !== null && passCpu !== null && passCpu > 0
        ? { parseCpuSeconds: r3(parseCpu), passthroughCpuSeconds: r3(passCpu), cpuRatio: Math.round((parseCpu / passCpu) * 100) / 100 }
        : {}),
    };
    const lines = [
      `parser: ${n} messages through \`novi parse\`: ${figures.parseSeconds} s, ${figures.parseMessagesPerSecond} msg/s (best of ${rounds}; median ${figures.parseSecondsMedian} s)`,
      `parser: pass-through (JSON.parse + JSON.stringify per line): ${figures.passthroughSeconds} s, ${figures.passthroughMessagesPerSecond} msg/s (best of ${rounds}; median ${figures.passthroughSecondsMedian} s)`,
      `parser: ratio parse/pass-through = ${figures.ratio}x best, ${figures.ratioMedian}x median (goal <= 3x)`,
    ];
    if (figures.cpuRatio !== undefined) {
      lines.push(
        `parser: CPU (user+sys, least of ${rounds}): parse ${figures.parseCpuSeconds} s, pass-through ${figures.passthroughCpuSeconds} s, ratio ${figures.cpuRatio}x (÷ ${availableParallelism()} cores = ${Math.round(((figures.parseCpuSeconds ?? 0) / Math.max(1, availableParallelism()) / (figures.passthroughCpuSeconds ?? 1)) * 100) / 100}x)`,
      );
    }
    return { lines, figures };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { lines } = await benchParser();
  for (const l of lines) console.log(l);
}
