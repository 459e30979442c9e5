// In production the sender refuses internal addresses when it connects, whatever was saved: a name
// that resolves to loopback (DNS checked on every connection) and a literal private address.
import t from 'tap';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { sql } from 'slonik';
import { z } from 'zod';
import { createTestRuntime } from '../helpers/runtime.ts';
import { startWebhooks } from '../../src/reactors/webhooks.ts';
import { addWebhook, enqueueTest, listDeliveries } from '../../src/integrations/webhooks.ts';
import { newId } from '../../src/shared/ids.ts';

const rt = await createTestRuntime();
t.teardown(() => rt.close());
let calls = 0;
const server = http.createServer((_req, res) => {
  calls++;
  res.writeHead(200).end();
});
await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
t.teardown(() => new Promise((r) => server.close(r)));
const port = (server.address() as AddressInfo).port;
const stop = await startWebhooks(rt, { production: true, pollMs: 100, standbyMs: 100, retry: { attempts: 1, timeoutMs: 1000 } });
t.teardown(stop);

const businessId = newId();
const who = { userId: newId(), correlationId: newId() };

for (const url of [`http://localhost:${port}/hook`, `http://127.0.0.1:${port}/hook`]) {
  t.test(url, async (t) => {
    // Saved outside production rules (as an old row or a misconfigured deploy might have it).
    const { webhook } = await addWebhook(rt, { businessId, url, events: ['order.created'] }, who);
    await enqueueTest(rt, businessId, webhook.id);
    let d = (await listDeliveries(rt, businessId, webhook.id))[0];
    for (let i = 0; i < 100 && d?.status !== 'failed'; i++) {
      await new Promise((r) => setTimeout(r, 100));
      d = (await listDeliveries(rt, businessId, webhook.id))[0];
    }
    t.match(d, { status: 'failed', attempts: 1, lastStatusCode: null, lastError: /refused: .*internal address/ });
    t.equal(calls, 0, 'nothing reached the internal server');
    await rt.pool.query(sql.type(z.object({}))`delete from webhooks where id = ${webhook.id}`);
  });
}
