// The Integrations page in real headless Chromium: a merchant creates an API key (shown once),
// uses it, revokes it; adds a webhook to a local receiver, presses "Send test" and sees the
// delivery in the log (refreshed by htmx), signed with the secret the page showed once.
import t from 'tap';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { CHROMIUM, chromiumInstalled, startBrowserStack } from '../helpers/browser.ts';
import { verifySignature } from '../../src/integrations/signature.ts';

if (!chromiumInstalled()) {
  t.plan(0, `${CHROMIUM} is not installed`);
} else {
  const { base, browser } = await startBrowserStack((fn) => t.teardown(fn));
  const got: Array<{ body: string; signature: string; event: string }> = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      got.push({ body, signature: String(req.headers['novi-signature']), event: String(req.headers['novi-event']) });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.teardown(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });
  const hookUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/novi`;

  t.test('create a key, see it once, revoke it; add a webhook, send a test, see it delivered', async (t) => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    await page.goto(`${base}/register`);
    await page.fill('input[name=username]', 'integrator');
    await page.fill('input[name=email]', 'integrator@example.com');
    await page.fill('input[name=password]', 'correct horse battery');
    await page.click('button[type=submit]');
    await page.waitForLoadState('load');
    const b = await page.request.post(`${base}/business`, { headers: { accept: 'application/json' }, data: { name: 'Hook Foods', country: 'NG' } });
    const businessId = (await b.json()).business.id as string;

    await page.goto(`${base}/business`);
    await page.click(`a[href="/business/${businessId}/integrations"]`);
    await page.waitForSelector('#api-keys');
    await page.fill('#api-keys input[name=name]', 'Spreadsheet sync');
    await page.click('#api-keys button[type=submit]:has-text("Create key")');
    const token = (await page.textContent('#new-key code.token', { timeout: 10_000 }))?.trim() ?? '';
    t.match(token, /^novi_[A-Za-z0-9_-]{43}$/, 'the key is shown');
    const used = await page.request.get(`${base}/orders`, { headers: { authorization: `Bearer ${token}` } });
    t.equal(used.status(), 200, 'and works');

    await page.goto(`${base}/business/${businessId}/integrations`);
    t.equal(await page.locator('#new-key').count(), 0, 'shown once: not after a reload');
    t.notOk((await page.content()).includes(token));
    t.match(await page.textContent('#api-keys table'), 'Spreadsheet sync');
    await page.click('#api-keys button:has-text("Revoke")');
    await page.waitForSelector('#api-keys .badge:has-text("revoked")');
    const after = await page.request.get(`${base}/orders`, { headers: { authorization: `Bearer ${token}` } });
    t.equal(after.status(), 401, 'revoked: refused at once');

    await page.fill('#webhooks input[name=url]', hookUrl);
    await page.click('#webhooks button:has-text("Add webhook")');
    const secret = (await page.textContent('#new-secret code.token', { timeout: 10_000 }))?.trim() ?? '';
    t.match(secret, /^whsec_/, 'the signing secret is shown once');
    await page.click('#webhooks button:has-text("Send test")');
    await page.waitForSelector('#webhooks .webhook');
    await page.waitForSelector('#webhooks table.deliveries tr.d-delivered', { timeout: 20_000 });
    t.match(await page.textContent('#webhooks table.deliveries'), 'webhook.test');
    t.match(await page.textContent('#webhooks table.deliveries tr.d-delivered'), 'HTTP 204');
    const test = got.find((g) => g.event === 'webhook.test');
    t.ok(test, 'the receiver got the test');
    t.ok(test && verifySignature(secret, test.body, test.signature, Math.floor(Date.now() / 1000)), 'signed with the secret shown');
    const overflow = Number(await page.evaluate('document.documentElement.scrollWidth - window.innerWidth')) > 1;
    t.notOk(overflow, 'fits a 390 px screen');
    await context.close();
  });
}
