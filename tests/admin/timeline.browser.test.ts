// An admin follows one order in real headless Chromium: signed in through the form, from all
// orders to the order's timeline — the customer's WhatsApp message, the parse, the order, each
// status up to delivered, the bot's replies — and on to the events sharing its correlation id.
// The customer's hostile text stays text.
import t from 'tap';
import { CHROMIUM, chromiumInstalled, startBrowserStack } from '../helpers/browser.ts';
import { register } from '../web/harness.ts';
import { ADMIN_PASSWORD, createAdmin, orderThroughPipeline } from './helpers.ts';

const HOSTILE = '<img src=x onerror=alert(1)>';
/** The data-type of the element the URL fragment points at (evaluated in the page). */
const TARGET_TYPE = "document.querySelector(':target')?.getAttribute('data-type') ?? null";
if (!chromiumInstalled()) {
  t.plan(0, `${CHROMIUM} is not installed`);
} else {
  const { rt, app, base, browser } = await startBrowserStack((fn) => t.teardown(fn));

  t.test('from the WhatsApp message to delivery in the timeline', async (t) => {
    const merchant = await register(app, 'ada');
    const order = await orderThroughPipeline(app, rt, merchant, {
      businessName: "Ada's Kitchen",
      fromName: HOSTILE,
      text: `I want 2 jollof rice, deliver to 14 Admiralty Way, Lekki ${HOSTILE}`,
    });
    await createAdmin(app, rt, 'root');

    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const dialogs: string[] = [];
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    const cspErrors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' && /Content Security Policy/i.test(m.text())) cspErrors.push(m.text());
    });

    await page.goto(`${base}/login`);
    await page.fill('input[name=username]', 'root');
    await page.fill('input[name=password]', ADMIN_PASSWORD);
    await page.click('button[type=submit]');
    await page.waitForURL('**/admin/dashboard');
    await page.waitForSelector('#admin-bots');
    t.match(await page.textContent('#admin-bots'), "Ada's Kitchen", 'the bot of the business is listed');
    await page.waitForSelector('body[data-live="on"]', { timeout: 10_000 });
    t.pass('the dashboard is live over /admin/ws');

    await page.click('header nav a[href="/admin/orders"]');
    await page.waitForSelector(`#admin-order-${order.orderId}`);
    await page.click(`#admin-order-${order.orderId} a.timeline-link`);
    await page.waitForSelector('#order-timeline');
    const types = await page.locator('#order-timeline li.event').evaluateAll((els) => els.map((e) => e.getAttribute('data-type')));
    t.equal(types[0], 'MessageReceived', 'the story starts with the WhatsApp message');
    for (const type of ['OrderParsed', 'OrderPlaced', 'StatusChanged', 'MessageSent']) t.ok(types.includes(type), `shows ${type}`);
    const statuses = await page.locator('#order-timeline li.event[data-type="StatusChanged"] pre.event-data').allTextContents();
    t.match(statuses.at(-1) ?? '', /"to": "delivered"/, 'ends delivered');

    await page.click('a.source-message');
    const target = await page.evaluate(TARGET_TYPE);
    t.equal(target, 'MessageReceived', 'the link leads to the message that created the order');
    const messageData = (await page.locator('li.event[data-type="MessageReceived"] pre.event-data').textContent()) ?? '';
    t.ok(messageData.includes(HOSTILE), 'the hostile text is shown, as text');
    t.equal(await page.locator('main img').count(), 0, 'no <img> injected');
    t.ok((await page.locator('a.bot-reply').count()) >= 2, 'links to the bot replies');
    await page.click('a.bot-reply >> nth=0');
    t.equal(await page.evaluate(TARGET_TYPE), 'MessageSent', 'a reply the bot sent');

    await page.click('li.event[data-type="OrderPlaced"] a.correlation');
    await page.waitForSelector('#events-results');
    const related = await page.locator('#events-results li.event').evaluateAll((els) => els.map((e) => e.getAttribute('data-type')));
    t.ok(related.includes('OrderPlaced') && related.includes('OrderParsed'), `events with the same correlation id: ${related.join(', ')}`);
    t.equal(await page.locator('main img').count(), 0);
    t.same(dialogs, [], 'no script ran from customer text');
    t.same(cspErrors, [], 'no CSP violations');
    await context.close();
  });
}
