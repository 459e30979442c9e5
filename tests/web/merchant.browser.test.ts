// The merchant's day in real headless Chromium: sign up, business + sales group, simulator
// session, a customer message from "Try it", the order live on the dashboard, a status move,
// the bot's reply; a hostile customer name stays text. Screenshots go to tests/artifacts/.
import t from 'tap';
import { CHROMIUM, chromiumInstalled, startBrowserStack } from '../helpers/browser.ts';
import { mkdirSync } from 'node:fs';

if (!chromiumInstalled()) {
  t.plan(0, `${CHROMIUM} is not installed`);
} else {
  const { base, browser } = await startBrowserStack((fn) => t.teardown(fn));
  mkdirSync('tests/artifacts', { recursive: true });

  t.test('sign up → simulator order live on the dashboard → status → bot reply', async (t) => {
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

    await page.goto(`${base}/register`);
    await page.fill('input[name=username]', 'ada');
    await page.fill('input[name=email]', 'ada@example.com');
    await page.fill('input[name=password]', 'correct horse battery');
    await page.click('button[type=submit]');
    await page.waitForLoadState('load');
    if (!page.url().endsWith('/business')) throw new Error(`after sign-up: ${page.url()} ${(await page.textContent('main')) ?? ''}`);

    await page.fill('details[open] input[name=name]', "Ada's Kitchen");
    await page.selectOption('details[open] select[name=country]', 'NG');
    await page.click('details[open] button[type=submit]');
    await page.waitForSelector('section.business h2');
    t.equal(await page.textContent('section.business h2'), "Ada's Kitchen", 'business created');

    await page.fill('section.business form[action="/groups"] input[name=name]', 'Sales group');
    await page.selectOption('section.business form[action="/groups"] select[name=groupType]', 'sales');
    await page.click('section.business form[action="/groups"] button[type=submit]');
    await page.waitForSelector('ul.groups li');
    t.match(await page.textContent('ul.groups'), 'Sales group', 'sales group linked');

    await page.click('a:has-text("WhatsApp & Try it")');
    await page.click('button[data-action="start-simulator"]');
    await page.waitForSelector('[data-state="WORKING"], [data-state="STARTING"]', { timeout: 15_000 });

    // The dashboard is open in a second tab before the message is sent: no reload afterwards.
    const dash = await context.newPage();
    await dash.goto(`${base}/dashboard`);
    await dash.waitForSelector('body[data-live="on"]', { timeout: 10_000 });
    t.equal(await dash.locator('#recent-orders tr').count(), 0, 'no orders yet');

    await page.fill('#try-it-form input[name=fromName]', '<img src=x onerror=alert(1)>');
    await page.fill('#try-it-form textarea[name=text]', 'I want 2 jollof rice, deliver to 14 Admiralty Way, Lekki');
    await page.click('#try-it-form button[type=submit]');

    await dash.waitForSelector('#recent-orders tr', { timeout: 30_000 });
    t.pass('the order appeared on the dashboard without a reload');
    t.equal(await dash.locator('#recent-orders img').count(), 0, 'no <img> injected');
    // The charts redraw live too, not only the recent-orders table.
    await dash.waitForSelector('#charts[data-orders-total="1"]', { timeout: 10_000 });
    await dash.screenshot({ path: 'tests/artifacts/dashboard-desktop.png', fullPage: true });
    await dash.setViewportSize({ width: 390, height: 844 });
    await dash.waitForTimeout(300);
    await dash.screenshot({ path: 'tests/artifacts/dashboard-390.png', fullPage: true });
    const overflow = Number(await dash.evaluate('document.documentElement.scrollWidth - window.innerWidth'));
    t.ok(overflow <= 1, `no horizontal scroll at 390 px (overflow ${overflow})`);

    await dash.click('#recent-orders a');
    await dash.waitForSelector('#order-detail');
    const shownName = await dash.textContent('.customer-name');
    t.ok(shownName !== null, 'customer name shown');
    t.equal(await dash.locator('#order-detail img').count(), 0, 'customer name/message rendered as text');
    await dash.click('button[data-status="confirmed"]');
    await dash.waitForSelector('#order-detail .status-panel .badge.s-confirmed', { timeout: 10_000 });
    t.pass('status changed to confirmed');

    await page.waitForSelector('ul.replies li.reply', { timeout: 30_000 });
    t.ok((await page.locator('ul.replies li.reply').count()) >= 1, "the bot's reply is shown");
    t.same(dialogs, [], 'no script ran from customer text');
    t.same(cspErrors, [], 'no CSP violations');
    await context.close();
  });
}
