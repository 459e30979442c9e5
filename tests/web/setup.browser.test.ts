// WhatsApp setup in real headless Chromium (issue 14): a group picked from the account's chat list
// (the simulator's own group), a reply template edited with its live preview and used in the next
// reply, a new-order alert on the dashboard, and the QR panel following a pairing live over the
// websocket (whatsapp-web.js's way: several codes, then ready) up to the linked phone number.
import t from 'tap';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHROMIUM, chromiumInstalled, startBrowserStack } from '../helpers/browser.ts';
import { createLogger } from '../../src/logger.ts';
import { newId } from '../../src/shared/ids.ts';
import { Session } from '../../src/whatsapp/session.ts';
import { WwebjsTransport } from '../../src/whatsapp/transports/wwebjs.ts';
import { FakeWaClient } from '../whatsapp/fake-wwebjs.ts';

if (!chromiumInstalled()) {
  t.plan(0, `${CHROMIUM} is not installed`);
} else {
  const { base, browser, rt } = await startBrowserStack((fn) => t.teardown(fn));

  const signedIn = async (username: string) => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const res = await context.request.post(`${base}/auth/register`, {
      headers: { accept: 'application/json', 'content-type': 'application/json' },
      data: { username, email: `${username}@example.com`, password: 'correct horse battery' },
    });
    if (res.status() !== 201) throw new Error(`register: ${res.status()} ${await res.text()}`);
    const business = await context.request.post(`${base}/business`, { headers: { accept: 'application/json' }, data: { name: 'Ada Kitchen', country: 'NG' } });
    const businessId = (await business.json()).business.id as string;
    await context.request.put(`${base}/business/${businessId}/catalog`, {
      headers: { accept: 'application/json' },
      data: { products: [{ sku: 'JR', name: 'Jollof Rice', price: 2500, aliases: ['jollof'] }] },
    });
    return { context, businessId, page: await context.newPage() };
  };

  t.test('pick a group from the chat list, edit a template, get the new reply and a new-order alert', async (t) => {
    const { context, businessId, page } = await signedIn('setup_ada');
    const dialogs: string[] = [];
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    await page.goto(`${base}/business/${businessId}/whatsapp`);
    await page.click('button[data-action="start-simulator"]');
    await page.waitForSelector('[data-state="WORKING"]', { timeout: 30_000 });

    // The simulated account gets a new group; the chat list offers it; one click links it.
    await page.fill('#new-sim-group input[name=name]', 'Lagos buyers <i>');
    await page.click('#new-sim-group button[type=submit]');
    const chat = page.locator('li.chat', { hasText: 'Lagos buyers <i>' });
    await chat.waitFor({ timeout: 15_000 });
    t.equal(await page.locator('#wa-chats i').count(), 0, 'chat names are text');
    await chat.locator('select[name=groupType]').selectOption('sales');
    await chat.locator('button:has-text("Link this group")').click();
    await page.waitForURL(`${base}/business`);
    const group = page.locator('ul.groups li', { hasText: 'Lagos buyers <i>' });
    await group.waitFor();
    t.match(await group.locator('code').textContent(), /^sim-[0-9a-f]{20}@g\.us$/, 'linked to the picked chat, no id typed');
    await page.goto(`${base}/business/${businessId}/whatsapp`);
    await page.click('button[data-action="list-chats"]');
    await page.locator('li.chat .badge', { hasText: 'linked: Lagos buyers <i>' }).waitFor({ timeout: 15_000 });
    t.pass('the chat list says the chat is linked');

    // The confirmation template, previewed live, then saved.
    await page.goto(`${base}/business/${businessId}/templates?language=en`);
    await page.fill('textarea[name="tpl:order.confirmation"]', 'Got it{name}! Order #{number}: {items}. Pay {total} on delivery.');
    await page.locator('#template-preview li[data-key="order.confirmation"] pre', { hasText: 'Got it, Ada! Order #1001: 2 x Jollof Rice, 1 x Zobo. Pay NGN 5,500 on delivery.' }).waitFor({ timeout: 10_000 });
    t.pass('the preview follows the typing');
    await page.fill('textarea[name="tpl:order.status.confirmed"]', 'Order #{number} is confirmed {when}');
    await page.locator('#template-preview li[data-key="order.status.confirmed"] .error', { hasText: 'Unknown placeholder {when}' }).waitFor({ timeout: 10_000 });
    await page.click('#templates-form button[type=submit]');
    await page.waitForSelector('h1:has-text("Something went wrong (400)")');
    t.match(await page.textContent('body'), /unknown placeholder \{when\}/, 'saving names the unknown placeholder');
    await page.goto(`${base}/business/${businessId}/templates?language=en`);
    await page.fill('textarea[name="tpl:order.confirmation"]', 'Got it{name}! Order #{number}: {items}. Pay {total} on delivery.');
    await page.click('#templates-form button[type=submit]');
    await page.waitForURL(/\/templates\?language=en&saved=1/);
    t.equal(await page.inputValue('textarea[name="tpl:order.confirmation"]'), 'Got it{name}! Order #{number}: {items}. Pay {total} on delivery.');

    // Alerts on, in a dashboard tab; the order comes in through Try it.
    await context.grantPermissions(['notifications'], { origin: base });
    const dash = await context.newPage();
    await dash.goto(`${base}/dashboard`);
    await dash.waitForSelector('body[data-live="on"]', { timeout: 10_000 });
    await dash.click('#order-alerts');
    await dash.waitForSelector('#order-alerts[data-alerts="on"]');

    await page.goto(`${base}/business/${businessId}/whatsapp`);
    await page.selectOption('#try-it-form select[name=groupId]', { label: 'Lagos buyers <i> (sales)' });
    await page.fill('#try-it-form input[name=fromName]', 'Ada Obi');
    await page.fill('#try-it-form textarea[name=text]', 'Name: Ada Obi\nPhone: 0803 123 4567\n2x Jollof Rice\ndeliver to 12 Allen Avenue, Ikeja');
    await page.click('#try-it-form button[type=submit]');
    await page.locator('ul.replies pre.message', { hasText: 'Got it, Ada! Order #1001: 2 x Jollof Rice. Pay NGN 5,000 on delivery.' }).waitFor({ timeout: 60_000 });
    t.pass('the next reply uses the edited template');

    await dash.waitForSelector('body[data-last-alert]', { timeout: 30_000 });
    const alertText = await dash.getAttribute('body', 'data-last-alert');
    t.match(alertText, /1001/, `a new-order alert for #1001 (${alertText})`);
    t.equal(await dash.getAttribute('body', 'data-alert-notification'), 'shown', 'a browser notification was shown');
    const overflow = Number(await page.evaluate('document.documentElement.scrollWidth - window.innerWidth'));
    t.ok(overflow <= 1, `no horizontal scroll at 390 px (overflow ${overflow})`);
    t.same(dialogs, []);
    await context.close();
  });

  t.test('the QR panel follows a pairing live: STARTING, each new code, WORKING with the phone', async (t) => {
    const { context, businessId, page } = await signedIn('setup_qr');
    await page.goto(`${base}/business/${businessId}/whatsapp`);
    await page.waitForSelector('body[data-live="on"]', { timeout: 10_000 });
    await page.waitForSelector('[data-state="STOPPED"]');

    // The session as a worker's child runs it, over whatsapp-web.js's client (the fake of 1.34.7).
    const client = new FakeWaClient();
    const dir = mkdtempSync(join(tmpdir(), 'novi-qr-'));
    const transport = new WwebjsTransport({ sessionId: 'qr', sessionPath: dir, chromiumPath: '/nope', dataDir: dir, createClient: async () => client });
    const session = new Session({ sessionId: newId(), businessId, pool: rt.pool, store: rt.store, transport, logger: createLogger('error', { pretty: false }) });
    t.teardown(() => session.stop({ logout: false }));
    await session.start();
    // The panel also polls every 5 s: each state must show well before that, so it came over the socket.
    await page.waitForSelector('[data-state="STARTING"]', { timeout: 3000 });
    t.pass('STARTING');

    const shown: string[] = [];
    await client.pair({
      codes: 3,
      everyMs: 100,
      scanned: true,
      onCode: async (_qr, n) => {
        const previous = shown.at(-1) ?? '';
        // Polled from here: the page's CSP forbids evaluating strings, as it should.
        const deadline = Date.now() + 3000;
        let src: string | null = null;
        while (Date.now() < deadline) {
          src = await page.locator('figure.qr img').getAttribute('src', { timeout: 3000 }).catch(() => null);
          if (src && src !== previous) break;
          await page.waitForTimeout(50);
        }
        if (!src || src === previous) throw new Error(`QR code ${n} not shown within 3 s`);
        shown.push(src);
        t.equal(await page.getAttribute('[data-state]', 'data-state'), 'SCAN_QR_CODE', `code ${n} shown`);
      },
    });
    t.equal(new Set(shown).size, 3, 'each new code replaced the previous one');
    await page.waitForSelector('[data-state="WORKING"]', { timeout: 3000 });
    t.match(await page.textContent('p.ok'), 'Connected as +2348099999999', 'the linked phone number');
    t.equal(await page.locator('figure.qr').count(), 0, 'no QR once linked');
    await context.close();
  });

  t.test('a pairing nobody scans ends FAILED on the panel, live', async (t) => {
    const { context, businessId, page } = await signedIn('setup_qr_failed');
    await page.goto(`${base}/business/${businessId}/whatsapp`);
    await page.waitForSelector('body[data-live="on"]', { timeout: 10_000 });
    const client = new FakeWaClient();
    const dir = mkdtempSync(join(tmpdir(), 'novi-qr-'));
    const transport = new WwebjsTransport({ sessionId: 'qr2', sessionPath: dir, chromiumPath: '/nope', dataDir: dir, qrLimit: 2, createClient: async () => client });
    const session = new Session({ sessionId: newId(), businessId, pool: rt.pool, store: rt.store, transport, logger: createLogger('error', { pretty: false }) });
    t.teardown(() => session.stop({ logout: false }));
    await session.start();
    await client.pair({ codes: 3, everyMs: 300, scanned: false });
    await page.waitForSelector('[data-state="FAILED"]', { timeout: 3000 });
    t.equal(await page.locator('figure.qr').count(), 0, 'the last code is gone once the pairing gave up');
    t.match(await page.textContent('.buttons'), 'Link WhatsApp', 'the merchant can start again');
    await context.close();
  });
}
