// End-to-end: message-to-dashboard latency — a simulator message POSTed → the websocket update
// (`/ws?format=json`) for that order received by the signed-in merchant — at p50/p99, under a
// steady background load on other businesses; and memory (RSS) per session child process.
// Roles run as separate processes (Procfile) on a fresh database of the embedded test server.
import WebSocket from 'ws';
import { Cluster, freshDatabase, merchantWithShops, orderText, rssMb, sessionChildren, sleep, http } from '../tests/faults/cluster.ts';

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]! : NaN;
};

export async function benchE2e(): Promise<{ lines: string[]; figures: Record<string, number> }> {
  const samples = Number(process.env.E2E_SAMPLES ?? 60);
  const bgRate = Number(process.env.E2E_BACKGROUND_RATE ?? 20);
  const { url, drop } = await freshDatabase();
  const cluster = new Cluster({ databaseUrl: url });
  let stopBg = false;
  try {
    await cluster.start([['projector'], ['worker'], ['web']]);
    const base = () => cluster.url;
    const probe = await merchantWithShops(base, 'e2eprobe', 1);
    const bg = await merchantWithShops(base, 'e2ebg', 3);
    const shop = probe.shops[0]!;
    const ws = new WebSocket(`${cluster.url.replace('http', 'ws')}/ws?format=json`, { headers: { cookie: probe.cookie } });
    const seen = new Map<string, number>();
    ws.on('message', (d) => {
      try {
        const m = JSON.parse(String(d)) as { orderId?: string };
        if (m.orderId && !seen.has(m.orderId)) seen.set(m.orderId, performance.now());
      } catch {
        // not JSON
      }
    });
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    // Background: bgRate messages/s over the other merchant's businesses.
    let bgSent = 0;
    const bgLoop = (async () => {
      const t0 = Date.now();
      while (!stopBg) {
        const s = bg.shops[bgSent % bg.shops.length]!;
        void http(cluster.url, 'POST', '/api/simulator/messages', { groupId: s.groupId, from: { name: 'Bg', phone: '+2348035550101' }, text: orderText(bgSent), id: `BG${bgSent}` }, bg.cookie).catch(() => undefined);
        bgSent++;
        const due = t0 + (bgSent * 1000) / bgRate;
        await sleep(Math.max(0, due - Date.now()));
      }
    })();
    await sleep(3000);
    // The order id of a message is only known from the order; match by the order's source message via the API.
    const latencies: number[] = [];
    for (let i = 0; i < samples; i++) {
      const id = `E2E${i}`;
      const sentAt = performance.now();
      const r = await http(cluster.url, 'POST', '/api/simulator/messages', { groupId: shop.groupId, from: { name: 'Probe', phone: '+2348035550101' }, text: orderText(i), id }, probe.cookie);
      if (r.status !== 202) throw new Error(`probe ${id}: ${r.status}`);
      const before = new Set(seen.keys());
      const deadline = Date.now() + 30_000;
      let got: number | undefined;
      while (got === undefined && Date.now() < deadline) {
        for (const [orderId, at] of seen) if (!before.has(orderId) && at >= sentAt) got = at;
        if (got === undefined) await sleep(5);
      }
      if (got !== undefined) latencies.push(got - sentAt);
      await sleep(250);
    }
    stopBg = true;
    await bgLoop;
    ws.close();
    const rss = sessionChildren(cluster.pid('worker')).map((pid) => rssMb(pid) ?? 0);
    const figures = {
      e2e_p50_ms: Math.round(pct(latencies, 50)),
      e2e_p99_ms: Math.round(pct(latencies, 99)),
      e2e_samples: latencies.length,
      e2e_background_msgs_per_s: bgRate,
      session_rss_mb_avg: Math.round(rss.reduce((a, b) => a + b, 0) / Math.max(1, rss.length)),
      session_rss_mb_max: Math.max(0, ...rss),
    };
    return {
      lines: [
        '## End to end (roles as separate processes)',
        '',
        `Message POSTed to /api/simulator/messages → websocket update for that order received by the signed-in merchant, ${latencies.length}/${samples} samples, with ${bgRate} msg/s background load on 3 other businesses:`,
        `p50 ${figures.e2e_p50_ms} ms, p99 ${figures.e2e_p99_ms} ms.`,
        '',
        `Memory per session child process (RSS, ${rss.length} sessions): avg ${figures.session_rss_mb_avg} MB, max ${figures.session_rss_mb_max} MB.`,
      ],
      figures,
    };
  } finally {
    stopBg = true;
    await cluster.stop();
    await drop();
  }
}
