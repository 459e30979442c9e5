// The undo button on the order page, in real headless Chromium (htmx swap, CSRF header from the
// page): a merchant cancels an order by mistake and takes the cancellation back.
import t from 'tap';
import { CHROMIUM, chromiumInstalled, startBrowserStack } from '../helpers/browser.ts';
import { placeOrder } from './harness.ts';

if (!chromiumInstalled()) {
  t.plan(0, `${CHROMIUM} is not installed`);
} else {
  const { base, browser, rt } = await startBrowserStack((fn) => t.teardown(fn));

  t.test('cancel by mistake → undo → the order is pending again', async (t) => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${base}/register`);
    await page.fill('input[name=username]', 'undoer');
    await page.fill('input[name=email]', 'undoer@example.com');
    await page.fill('input[name=password]', 'correct horse battery');
    await page.click('button[type=submit]');
    await page.waitForLoadState('load');
    const json = { headers: { accept: 'application/json' } };
    const b = await page.request.post(`${base}/business`, { ...json, data: { name: 'Undo Foods', country: 'NG' } });
    const businessId = (await b.json()).business.id as string;
    const g = await page.request.post(`${base}/groups`, { ...json, data: { name: 'Sales', groupType: 'sales', businessId } });
    const groupId = (await g.json()).group.id as string;
    const orderId = await placeOrder(rt, { businessId, groupId });

    await page.goto(`${base}/orders/${orderId}`);
    t.equal(await page.locator('form.undo').count(), 0, 'nothing to undo on a fresh order');
    await page.click('button[data-status="cancelled"]');
    await page.waitForSelector('#order-detail .status-panel .badge.s-cancelled', { timeout: 10_000 });
    await page.waitForSelector('button[data-undo="pending"]');
    t.match(await page.textContent('form.undo'), 'Undo: back to pending');
    await page.click('button[data-undo="pending"]');
    await page.waitForSelector('#order-detail .status-panel .badge.s-pending', { timeout: 10_000 });
    t.match(await page.textContent('ol.history'), '(undid cancelled)', 'the history shows the undo');
    t.equal(await page.locator('form.undo').count(), 0, 'an undo is not undone');
    t.equal(await page.locator('button[data-status="confirmed"]').count(), 1, 'the order moves on from pending');
    await context.close();
  });
}
