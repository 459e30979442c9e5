// The merchant switches the web UI to Portuguese from the account menu on a phone (390 px) and
// sees the dashboard in Portuguese; the choice stays on the next page. Real headless Chromium.
import { mkdirSync } from 'node:fs';
import t from 'tap';
import { CHROMIUM, chromiumInstalled, startBrowserStack } from '../helpers/browser.ts';

if (!chromiumInstalled()) {
  t.plan(0, `${CHROMIUM} is not installed`);
} else {
  const { base, browser } = await startBrowserStack((fn) => t.teardown(fn));
  mkdirSync('tests/artifacts', { recursive: true });

  t.test('switch to Portuguese from the account menu', async (t) => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'en-US' });
    const page = await context.newPage();
    await page.goto(`${base}/register`);
    await page.fill('input[name=username]', 'lingua');
    await page.fill('input[name=email]', 'lingua@example.com');
    await page.fill('input[name=password]', 'correct horse battery');
    await page.click('button[type=submit]');
    await page.waitForLoadState('load');
    await page.request.post(`${base}/business`, { headers: { accept: 'application/json' }, data: { name: 'Padaria', country: 'BR', currency: 'BRL' } });
    await page.goto(`${base}/dashboard`);
    t.equal(await page.textContent('main h1'), 'Dashboard', 'English for an English browser');
    t.equal(await page.getAttribute('html', 'lang'), 'en');

    await page.click('#account-menu summary');
    const menu = await page.locator('#account-menu .menu').boundingBox();
    t.ok(menu && menu.x >= 0 && menu.x + menu.width <= 390, 'the menu fits the phone screen');
    await page.selectOption('#language-form select[name=language]', 'pt');
    await Promise.all([page.waitForURL(/\/dashboard$/), page.click('#language-form button[type=submit]')]);
    t.equal(await page.getAttribute('html', 'lang'), 'pt');
    t.equal(await page.textContent('main h1'), 'Painel');
    t.match(await page.textContent('[data-kpi="orders-today"] .label'), 'Pedidos hoje');
    t.match(await page.textContent('#order-alerts'), 'Alertas de novos pedidos');
    t.match(await page.textContent('header.top nav'), 'Pedidos');
    const wide = Number(await page.evaluate('document.documentElement.scrollWidth'));
    t.ok(wide <= 390, `no sideways scrolling (${wide} px)`);
    await page.screenshot({ path: 'tests/artifacts/dashboard-pt-390.png', fullPage: true });

    await page.goto(`${base}/orders`);
    t.equal(await page.textContent('main h1'), 'Pedidos', 'the choice stays on the next page');
    await context.close();
  });
}
