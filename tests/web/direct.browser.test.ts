// Direct chats and customer self-edits in real headless Chromium, through the "Try it" panel and
// the simulator (issue 14): a direct-chat order confirmed privately; a customer adding to and then
// cancelling their own order in the sales group, and a stranger's attempt refused.
import t from 'tap';
import type { Page } from 'playwright-core';
import { CHROMIUM, chromiumInstalled, startBrowserStack } from '../helpers/browser.ts';

if (!chromiumInstalled()) {
  t.plan(0, `${CHROMIUM} is not installed`);
} else {
  const { base, browser } = await startBrowserStack((fn) => t.teardown(fn));
  const json = { headers: { accept: 'application/json' } };

  async function merchant(page: Page, name: string) {
    await page.goto(`${base}/register`);
    await page.fill('input[name=username]', name);
    await page.fill('input[name=email]', `${name}@example.com`);
    await page.fill('input[name=password]', 'correct horse battery');
    await page.click('button[type=submit]');
    await page.waitForLoadState('load');
    const b = await page.request.post(`${base}/business`, { ...json, data: { name: 'Bakery', country: 'NG' } });
    const businessId = (await b.json()).business.id as string;
    await page.request.put(`${base}/business/${businessId}/catalog`, { ...json, data: { products: [{ sku: 'BR', name: 'Bread', price: 800, aliases: [] }, { sku: 'CH', name: 'Chicken', price: 2000, aliases: [] }] } });
    const g = await page.request.post(`${base}/groups`, { ...json, data: { name: 'Sales', groupType: 'sales', businessId } });
    const groupId = (await g.json()).group.id as string;
    await page.goto(`${base}/business/${businessId}/whatsapp`);
    await page.click('button[data-action="start-simulator"]');
    await page.waitForSelector('[data-state="WORKING"]', { timeout: 30_000 });
    return { businessId, groupId };
  }

  async function write(page: Page, chat: string, from: { name: string; phone: string }, text: string) {
    await page.selectOption('#try-it-form select[name=groupId]', chat);
    await page.fill('#try-it-form input[name=fromName]', from.name);
    await page.fill('#try-it-form input[name=fromPhone]', from.phone);
    await page.fill('#try-it-form textarea[name=text]', text);
    await page.click('#try-it-form button[type=submit]');
  }
  /** A bot reply in the panel's feed (it refreshes itself every 3 s). */
  const replyShown = (page: Page, text: string) => page.waitForSelector(`ul.replies li.reply:has-text(${JSON.stringify(text)})`, { timeout: 40_000 });

  const ADA = { name: 'Ada Obi', phone: '+2348031234567' };
  const BOLA = { name: 'Bola', phone: '+2348039999999' };

  t.test('a direct-chat order is confirmed privately to that customer', async (t) => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const { businessId } = await merchant(page, 'direct_baker');
    t.equal(await page.locator('#try-it-form option[data-direct]').count(), 1, '"Direct chat" is offered beside the groups');
    await write(page, 'direct', ADA, 'Name: Ada Obi\nAddress: 14 Admiralty Way, Lekki\n2x Bread');
    const reply = await replyShown(page, 'Order #1001 received: 2 x Bread');
    t.match(await reply.textContent(), /· direct chat 2348031234567/, 'shown as sent to her direct chat');
    const outbox = await (await page.request.get(`${base}/api/simulator/outbox?businessId=${businessId}&phone=%2B2348031234567`, json)).json();
    t.match(outbox.messages, [{ text: /Order #1001 received: 2 x Bread\. Total: NGN 1,600/ }], 'in her direct chat');

    await page.setViewportSize({ width: 390, height: 844 });
    await page.waitForTimeout(300);
    const overflow = Number(await page.evaluate('document.documentElement.scrollWidth - window.innerWidth'));
    t.ok(overflow <= 1, `no horizontal scroll at 390 px (overflow ${overflow})`);

    // The merchant chooses private replies for group orders and turns direct orders off.
    const form = `#conversations-${businessId}`;
    await page.uncheck(`${form} input[type=checkbox][name=directOrders]`);
    await page.selectOption(`${form} select[name=replyMode]`, 'private');
    await page.fill(`${form} input[name=selfEditWindowMinutes]`, '15');
    await page.click(`${form} button[type=submit]`);
    await page.waitForSelector(`${form} p.ok`);
    const saved = await (await page.request.get(`${base}/business/${businessId}/conversations`, json)).json();
    t.same(saved, { settings: { directOrders: false, replyMode: 'private', selfEditWindowMinutes: 15 } }, 'saved from the form');
    await page.reload();
    t.equal(await page.locator('#try-it-form option[data-direct]').count(), 0, 'no direct chat to try while direct orders are off');
    await context.close();
  });

  t.test('a customer adds to, then cancels, their own order; a stranger is refused', async (t) => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const { groupId, businessId } = await merchant(page, 'self_edit_baker');
    await write(page, groupId, ADA, 'Name: Ada Obi\nAddress: 14 Admiralty Way, Lekki\n2x Bread');
    await replyShown(page, 'Order #1001 received');

    await write(page, groupId, ADA, 'add 2 more bread');
    await replyShown(page, 'Order #1001 changed: 4 x Bread. New total: NGN 3,200.');

    await write(page, groupId, BOLA, 'add 1 chicken to #1001');
    await replyShown(page, 'only the customer who placed order #1001 can change it');
    await page.waitForSelector('ul.messages li:has-text("only the customer who placed #1001 can change it")', { timeout: 20_000 });
    t.pass("the stranger's attempt is refused, and logged for the merchant");

    await write(page, groupId, ADA, 'cancel my order');
    await replyShown(page, 'Order #1001 has been cancelled.');

    const orders = await (await page.request.get(`${base}/orders?businessId=${businessId}`, json)).json();
    t.match(orders.orders, [{ number: 1001, status: 'cancelled', totalAmount: 3200, items: [{ name: 'Bread', quantity: 4 }] }], 'her change kept, then cancelled; the stranger changed nothing');
    await page.goto(`${base}/orders/${orders.orders[0].id}`);
    await page.waitForSelector('#order-detail .status-panel .badge.s-cancelled');
    t.pass('the order page shows it cancelled');
    await context.close();
  });
}
