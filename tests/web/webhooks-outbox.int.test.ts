// The webhook outbox is durable: deliveries enqueued while no sender runs go out when one starts,
// and a delivery a crashed sender had claimed is taken again once its claim has expired.
import t from 'tap';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { sql } from 'slonik';
import { createTestRuntime } from '../helpers/runtime.ts';
import { startWebhooks } from '../../src/reactors/webhooks.ts';
import { addWebhook, enqueueTest, listDeliveries } from '../../src/integrations/webhooks.ts';
import { newId } from '../../src/shared/ids.ts';

const rt = await createTestRuntime();
t.teardown(() => rt.close());
const got: string[] = [];
const server = http.createServer((req, res) => {
  got.push(String(req.headers['novi-delivery']));
  res.writeHead(200).end();
});
await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
t.teardown(() => new Promise((r) => server.close(r)));
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;

t.test('queued while stopped, sent after start; a stale claim is retaken', async (t) => {
  const businessId = newId();
  const { webhook } = await addWebhook(rt, { businessId, url, events: ['order.created'] }, { userId: newId(), correlationId: newId() });
  const queued = await enqueueTest(rt, businessId, webhook.id);
  const crashed = await enqueueTest(rt, businessId, webhook.id);
  // As a sender that died mid-request leaves it: claimed, attempt counted, claim now expired.
  await rt.pool.query(sql.unsafe`update webhook_deliveries set status = 'sending', attempts = 1, claimed_until = now() - interval '1 second' where id = ${crashed.id}`);
  await new Promise((r) => setTimeout(r, 300));
  t.equal(got.length, 0, 'nothing is sent without a sender');
  const stop = await startWebhooks(rt, { pollMs: 100, standbyMs: 100 });
  t.teardown(stop);
  for (let i = 0; i < 100 && got.length < 2; i++) await new Promise((r) => setTimeout(r, 100));
  t.same([...got].sort(), [queued.id, crashed.id].sort(), 'both delivered, once each');
  // The receiver has the body before the sender records the 2xx: wait for the log to say so.
  let log = await listDeliveries(rt, businessId, webhook.id);
  for (let i = 0; i < 100 && log.some((d) => d.status !== 'delivered'); i++) {
    await new Promise((r) => setTimeout(r, 100));
    log = await listDeliveries(rt, businessId, webhook.id);
  }
  t.same(log.map((d) => [d.id === crashed.id ? 'crashed' : 'queued', d.status, d.attempts]).sort(), [['crashed', 'delivered', 2], ['queued', 'delivered', 1]]);
});
