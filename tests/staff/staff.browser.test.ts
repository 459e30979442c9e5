// Staff in real headless Chromium: an owner invites a staff member from the Staff page; the staff
// member signs up, accepts, sees the orders, and cannot open the business settings.
import t from 'tap';
import { CHROMIUM, chromiumInstalled, startBrowserStack } from '../helpers/browser.ts';
import { placeOrder } from '../web/harness.ts';

if (!chromiumInstalled()) {
  t.plan(0, `${CHROMIUM} is not installed`);
} else {
  const { base, browser, rt } = await startBrowserStack((fn) => t.teardown(fn));

  const signUp = async (username: string) => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    await page.goto(`${base}/register`);
    await page.fill('input[name=username]', username);
    await page.fill('input[name=email]', `${username}@example.com`);
    await page.fill('input[name=password]', 'correct horse battery');
    await page.click('button[type=submit]');
    await page.waitForLoadState('load');
    return { context, page };
  };

  t.test('owner invites, staff accepts, sees orders, cannot open settings', async (t) => {
    const owner = await signUp('shop_owner');
    const json = { headers: { accept: 'application/json' } };
    const b = await owner.page.request.post(`${base}/business`, { ...json, data: { name: 'Ayo Kitchen', country: 'NG' } });
    const businessId = (await b.json()).business.id as string;
    const g = await owner.page.request.post(`${base}/groups`, { ...json, data: { name: 'Sales', groupType: 'sales', businessId } });
    const groupId = (await g.json()).group.id as string;
    const orderId = await placeOrder(rt, { businessId, groupId, customerName: 'Kemi Ade' });

    await owner.page.goto(`${base}/staff`);
    await owner.page.fill('.invite-form input[name=invitee]', 'shop_helper');
    await owner.page.selectOption('.invite-form select[name=role]', 'staff');
    await owner.page.click('.invite-form button[type=submit]');
    await owner.page.waitForSelector('li.invitation');
    t.match(await owner.page.textContent('li.invitation'), 'shop_helper', 'the invitation waits for an answer');

    const helper = await signUp('shop_helper');
    await helper.page.goto(`${base}/staff`);
    t.match(await helper.page.textContent('#my-invitations'), 'Ayo Kitchen invites you as staff');
    await helper.page.click('#my-invitations button[type=submit]');
    await helper.page.waitForURL(`${base}/orders`);
    await helper.page.waitForSelector(`tr[data-order-id="${orderId}"], a[href="/orders/${orderId}"]`);
    t.match(await helper.page.textContent('main'), 'Kemi Ade', 'the staff member sees the order');

    const settings = await helper.page.goto(`${base}/business/${businessId}/whatsapp`);
    t.equal(settings?.status(), 403, 'the WhatsApp settings are refused');
    t.notMatch(await helper.page.textContent('main'), 'Start simulator');
    await helper.page.goto(`${base}/business`);
    t.equal(await helper.page.locator('form[action$="/catalog"]').count(), 0, 'no catalog to edit');

    await owner.page.goto(`${base}/staff`);
    t.match(await owner.page.textContent('.staff-business'), 'shop_helper', 'the owner sees the new member');
    const overflow = Number(await owner.page.evaluate('document.documentElement.scrollWidth - window.innerWidth'));
    t.ok(overflow <= 1, `the Staff page has no horizontal scroll at 390 px (overflow ${overflow})`);
    await owner.context.close();
    await helper.context.close();
  });
}
