// Outgoing webhooks end to end: a local HTTP server receives signed deliveries (the signature is
// verified with the webhook's secret), a 500 is retried with backoff until it succeeds, the
// delivery log shows the attempts, "send test" goes through the same path, a hanging endpoint of
// another business neither delays this one nor is tried forever, and URLs are checked.
import t from 'tap';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { api, placeOrder, register, webEnv } from './harness.ts';
import { startWebhooks } from '../../src/reactors/webhooks.ts';
import { verifySignature } from '../../src/integrations/signature.ts';
import { checkWebhookUrl } from '../../src/integrations/url-policy.ts';
import { makeMetadata } from '../../src/events/catalog.ts';
import { messageReceivedEventId, newId } from '../../src/shared/ids.ts';

const env = await webEnv();
t.teardown(env.close);
const { app, rt } = env;
const stopWebhooks = await startWebhooks(rt, { pollMs: 100, standbyMs: 100, retry: { baseMs: 300, maxMs: 2000, attempts: 3, timeoutMs: 800 } });
t.teardown(stopWebhooks);

interface Received {
  headers: http.IncomingHttpHeaders;
  body: string;
  at: number;
}

/** A receiver that answers the n-th request with `answers[n]` (default 200); 0 means never answer. */
async function receiver(answers: number[] = []) {
  const got: Received[] = [];
  const hanging = new Set<http.ServerResponse>();
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      const code = answers[got.length] ?? 200;
      got.push({ headers: req.headers, body, at: Date.now() });
      if (code === 0) return void hanging.add(res);
      res.writeHead(code).end(code === 200 ? 'ok' : 'broken');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.teardown(async () => {
    for (const res of hanging) res.destroy();
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });
  return { got, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook` };
}

const until = async <T,>(what: string, fn: () => Promise<T | undefined | false>, ms = 15_000): Promise<T> => {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
};

const ada = await register(app, 'ada_hooks');
const eve = await register(app, 'eve_hooks');
const biz = async (m: typeof ada, name: string) => {
  const b = await api(app, m, 'POST', '/business', { name, country: 'NG' });
  const businessId = b.json().business.id as string;
  const g = await api(app, m, 'POST', '/groups', { name: 'Sales', groupType: 'sales', businessId, whatsappId: `${newId()}@g.us` });
  return { businessId, groupId: g.json().group.id as string };
};
const A = await biz(ada, 'Ada Kitchen');
const E = await biz(eve, 'Eve Kitchen');

t.test('URLs are checked where they enter', async (t) => {
  for (const url of ['ftp://example.com/x', 'http://example.com/hook', 'https://user:pw@example.com/', 'not a url', `https://example.com/${'x'.repeat(2048)}`]) {
    const r = await api(app, ada, 'POST', `/business/${A.businessId}/webhooks`, { url, events: ['order.created'] });
    t.equal(r.statusCode, 400, `${url.slice(0, 40)}: ${r.body.slice(0, 120)}`);
  }
  t.equal((await api(app, ada, 'POST', `/business/${A.businessId}/webhooks`, { url: 'https://example.com/h', events: [] })).statusCode, 400, 'at least one event');
  t.equal((await api(app, ada, 'POST', `/business/${A.businessId}/webhooks`, { url: 'https://example.com/h', events: ['order.deleted'] })).statusCode, 400, 'known events only');
  // Production: https only, and never an internal address (SSRF).
  const refused = (u: string) => t.throws(() => checkWebhookUrl(u, true), { name: 'UrlRefused' }, u);
  for (const u of ['http://127.0.0.1:9/x', 'https://localhost/x', 'https://10.0.0.5/x', 'https://169.254.169.254/latest', 'https://[::1]/x', 'https://192.168.1.1/', 'https://172.20.0.1/', 'https://[fd00::1]/', 'https://[::ffff:10.0.0.1]/']) refused(u);
  t.equal(checkWebhookUrl('https://hooks.example.com/novi', true), 'https://hooks.example.com/novi');
  t.equal(checkWebhookUrl('http://localhost:8080/x', false), 'http://localhost:8080/x', 'http to loopback outside production');
});

t.test('signed deliveries, a retry after a 500, the delivery log', async (t) => {
  const rx = await receiver([500]);
  const add = await api(app, ada, 'POST', `/business/${A.businessId}/webhooks`, { url: rx.url, events: ['order.created', 'order.status_changed', 'message.received'] });
  t.equal(add.statusCode, 201, add.body);
  const { webhook, secret } = add.json();
  t.match(secret, /^whsec_/);
  t.notOk(JSON.stringify((await api(app, ada, 'GET', `/business/${A.businessId}/webhooks`)).json()).includes(secret), 'the secret is shown once');

  const orderId = await placeOrder(rt, { businessId: A.businessId, groupId: A.groupId, customerName: 'Bisi Adeyemi' });
  const created = await until('order.created delivered after a 500', async () => rx.got.length >= 2 && rx.got);
  t.equal(created[0]!.body, created[1]!.body, 'the retry sends the same body');
  t.ok(created[1]!.at - created[0]!.at >= 250, `backed off before retrying (${created[1]!.at - created[0]!.at} ms)`);
  for (const r of created) {
    t.ok(verifySignature(secret, r.body, String(r.headers['novi-signature']), Math.floor(Date.now() / 1000)), 'signature verifies with the secret');
    t.notOk(verifySignature('whsec_wrong', r.body, String(r.headers['novi-signature']), Math.floor(Date.now() / 1000)), 'and not with another');
    t.equal(r.headers['novi-event'], 'order.created');
    t.equal(r.headers['content-type'], 'application/json');
  }
  const payload = JSON.parse(created[1]!.body);
  t.match(payload, { type: 'order.created', businessId: A.businessId, data: { order: { id: orderId, status: 'pending', customerName: 'Bisi Adeyemi', currency: 'NGN', totalAmount: 5000 } } });
  t.equal(created[1]!.headers['novi-delivery'], payload.id);
  const tampered = created[1]!.body.replace('5000', '1');
  t.notOk(verifySignature(secret, tampered, String(created[1]!.headers['novi-signature']), Math.floor(Date.now() / 1000)), 'a changed body fails');

  const log = await until('the log shows the delivery', async () => {
    const d = (await api(app, ada, 'GET', `/business/${A.businessId}/webhooks/${webhook.id}/deliveries`)).json().deliveries;
    return d?.[0]?.status === 'delivered' && d;
  });
  t.match(log[0], { eventType: 'order.created', status: 'delivered', attempts: 2, lastStatusCode: 200, nextAttemptAt: null });

  const put = await api(app, ada, 'PUT', `/orders/${orderId}`, { status: 'confirmed' });
  t.equal(put.statusCode, 200, put.body);
  const status = await until('order.status_changed', async () => rx.got.find((r) => r.headers['novi-event'] === 'order.status_changed'));
  t.match(JSON.parse(status.body), { type: 'order.status_changed', data: { from: 'pending', to: 'confirmed', order: { id: orderId, status: 'confirmed' } } });

  const messageId = `wamid-${newId()}`;
  await rt.store.append(`chat-${A.groupId}`, [
    {
      id: messageReceivedEventId(A.businessId, messageId),
      type: 'MessageReceived',
      data: { messageId, businessId: A.businessId, groupId: A.groupId, chatId: 'x@g.us', sessionId: newId(), sender: { id: '2348035550101@c.us', name: 'Bisi', phone: '+2348035550101' }, text: '<b>2x</b> rice', timestamp: new Date().toISOString(), kind: 'text' },
      metadata: makeMetadata({ tenantId: A.businessId, actor: '2348035550101@c.us', correlationId: newId(), now: new Date(), type: 'MessageReceived' }),
    },
  ]);
  const msg = await until('message.received', async () => rx.got.find((r) => r.headers['novi-event'] === 'message.received'));
  t.match(JSON.parse(msg.body).data.message, { id: messageId, text: '<b>2x</b> rice', sender: { phone: '+2348035550101' } });

  // Send test: the same outbox, signing and log.
  const test = await api(app, ada, 'POST', `/business/${A.businessId}/webhooks/${webhook.id}/test`, {});
  t.equal(test.statusCode, 202, test.body);
  const ping = await until('the test delivery', async () => rx.got.find((r) => r.headers['novi-event'] === 'webhook.test'));
  t.ok(verifySignature(secret, ping.body, String(ping.headers['novi-signature']), Math.floor(Date.now() / 1000)));
  await until('the test in the log', async () =>
    (await api(app, ada, 'GET', `/business/${A.businessId}/webhooks/${webhook.id}/deliveries`)).json().deliveries.find((d: { eventType: string; status: string }) => d.eventType === 'webhook.test' && d.status === 'delivered'),
  );
  // Nothing for events the webhook did not ask for, nor for another business.
  t.notOk(rx.got.some((r) => r.headers['novi-event'] === 'order.updated'));
  t.notOk(rx.got.some((r) => JSON.parse(r.body).businessId !== A.businessId));
});

t.test("a hanging endpoint of another business does not hold this one up, and is given up after its tries", async (t) => {
  const slow = await receiver([0, 0, 0, 0]);
  const fast = await receiver();
  const hs = await api(app, eve, 'POST', `/business/${E.businessId}/webhooks`, { url: slow.url, events: ['order.created'] });
  const hf = await api(app, ada, 'POST', `/business/${A.businessId}/webhooks`, { url: fast.url, events: ['order.created'] });
  t.equal(hs.statusCode, 201);
  t.equal(hf.statusCode, 201);
  await placeOrder(rt, { businessId: E.businessId, groupId: E.groupId });
  await until('the slow endpoint is called', async () => slow.got.length >= 1);
  const placedAt = Date.now();
  await placeOrder(rt, { businessId: A.businessId, groupId: A.groupId });
  await until('the fast endpoint gets its delivery', async () => fast.got.length >= 1);
  t.ok(fast.got[0]!.at - placedAt < 3000, `delivered while the other endpoint hangs (${fast.got[0]!.at - placedAt} ms)`);
  const failed = await until('the hanging delivery is given up', async () => {
    const d = (await api(app, eve, 'GET', `/business/${E.businessId}/webhooks/${hs.json().webhook.id}/deliveries`)).json().deliveries;
    return d?.[0]?.status === 'failed' && d[0];
  }, 20_000);
  t.match(failed, { attempts: 3, lastStatusCode: null, lastError: /no answer within 800 ms/ });
  t.equal(slow.got.length, 3, 'bounded tries');
  const w = (await api(app, eve, 'GET', `/business/${E.businessId}/webhooks`)).json().webhooks[0];
  t.ok(w.failures >= 3, 'the endpoint counts its failures');
  // Eve cannot read Ada's webhooks or their log.
  t.equal((await api(app, eve, 'GET', `/business/${A.businessId}/webhooks/${hf.json().webhook.id}/deliveries`)).statusCode, 404);
  t.equal((await api(app, eve, 'GET', `/business/${E.businessId}/webhooks/${hf.json().webhook.id}/deliveries`)).statusCode, 404);
  t.equal((await api(app, eve, 'POST', `/business/${E.businessId}/webhooks/${hf.json().webhook.id}/test`, {})).statusCode, 404);
  t.equal((await api(app, eve, 'DELETE', `/business/${A.businessId}/webhooks/${hf.json().webhook.id}`)).statusCode, 404);
});

t.test('removing a webhook stops its deliveries and is recorded without the secret', async (t) => {
  const rx = await receiver();
  const add = await api(app, ada, 'POST', `/business/${A.businessId}/webhooks`, { url: `${rx.url}?token=sekrit`, events: ['order.created'] });
  const { webhook, secret } = add.json();
  t.equal(webhook.url, `${rx.url}?token=sekrit`, 'the endpoint keeps its query');
  t.equal((await api(app, ada, 'DELETE', `/business/${A.businessId}/webhooks/${webhook.id}`)).statusCode, 200);
  await placeOrder(rt, { businessId: A.businessId, groupId: A.groupId });
  await new Promise((r) => setTimeout(r, 1500));
  t.equal(rx.got.length, 0);
  const events = await rt.store.readStream(`webhook-${webhook.id}`);
  t.same(events.map((e) => e.type), ['WebhookAdded', 'WebhookRemoved']);
  t.notOk(JSON.stringify(events.map((e) => [e.data, e.metadata])).includes(secret));
  t.equal((events[0]!.data as { url: string }).url, rx.url, 'the event keeps no query string (tokens live there)');
});
