// A merchant takes an order by phone: New order → catalog picker → the order page → records the
// payment → opens the receipt. Real headless Chromium at a phone's width (390 px).
import { mkdirSync } from 'node:fs';
import t from 'tap';
import { CHROMIUM, chromiumInstalled, startBrowserStack } from '../helpers/browser.ts';

if (!chromiumInstalled()) {
  t.plan(0, `${CHROMIUM} is not installed`);
} else {
  const { base, browser } = await startBrowserStack((fn) => t.teardown(fn));
  mkdirSync('tests/artifacts', { recursive: true });

  t.test('manual order from the catalog, payment, receipt', async (t) => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    await page.goto(`${base}/register`);
    await page.fill('input[name=username]', 'cashier');
    await page.fill('input[name=email]', 'cashier@example.com');
    await page.fill('input[name=password]', 'correct horse battery');
    await page.click('button[type=submit]');
    await page.waitForLoadState('load');
    const json = { headers: { accept: 'application/json' } };
    const b = await page.request.post(`${base}/business`, { ...json, data: { name: 'Mama Put', country: 'NG', address: '12 Allen Avenue, Ikeja' } });
    const businessId = (await b.json()).business.id as string;
    await page.request.post(`${base}/groups`, { ...json, data: { name: 'Sales', groupType: 'sales', businessId } });
    await page.request.put(`${base}/business/${businessId}/catalog`, {
      ...json,
      data: { products: [{ sku: 'JR', name: 'Jollof Rice', price: 2500, aliases: [] }, { sku: 'PL', name: 'Plantain', price: 500, aliases: [] }] },
    });

    await page.goto(`${base}/orders`);
    await page.click('#new-order-link');
    await page.waitForSelector('#manual-order-form');
    await page.fill('input[name=customerName]', 'Ada Obi');
    await page.fill('input[name=customerPhone]', '0803 123 4567');
    await page.fill('input[name=customerAddress]', '3 Marina, Lagos');
    await page.fill('input[data-sku="JR"]', '2');
    await page.fill('input[data-sku="PL"]', '1');
    await page.fill('input[name=deliveryFee]', '1000');
    await page.screenshot({ path: 'tests/artifacts/manual-order-390.png', fullPage: true });
    await Promise.all([page.waitForURL(/\/orders\/[0-9a-f-]{36}$/), page.click('#manual-order-form button[type=submit]')]);
    t.match(await page.textContent('#order-detail h1'), 'Order #1001');
    t.match(await page.textContent('.order-total'), '₦6,500.00', 'items 5,500 + delivery 1,000 (Intl for NG)');
    t.match(await page.textContent('[data-payment-status]'), 'unpaid');

    await page.click('#record-payment >> xpath=.. >> summary');
    await page.selectOption('#record-payment select[name=method]', 'transfer');
    await page.fill('#record-payment input[name=reference]', 'TRX-4451');
    await page.click('button[data-record-payment]');
    await page.waitForSelector('[data-payment-status="paid"]', { timeout: 10_000 });
    t.match(await page.textContent('.payment'), 'bank transfer · ref TRX-4451');
    await page.screenshot({ path: 'tests/artifacts/order-paid-390.png', fullPage: true });

    await Promise.all([page.waitForURL(/\/receipt$/), page.click('a[data-receipt-link]')]);
    const text = (await page.textContent('main.slip')) ?? '';
    t.match(text, 'Mama Put');
    t.match(text, 'Receipt · Order #1001');
    t.match(text, '2 × Jollof Rice');
    t.match(text, '₦6,500.00');
    t.match(text, 'Payment: paid, bank transfer, ref TRX-4451');
    t.equal(await page.locator('header.top nav').count(), 0, 'no navigation chrome');
    // A string, evaluated in the page (the tests are not compiled with the DOM library).
    const overflow = Number(await page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth'));
    t.ok(overflow <= 0, `fits 390 px (overflow ${overflow})`);
    await page.screenshot({ path: 'tests/artifacts/receipt-390.png', fullPage: true });
    await page.emulateMedia({ media: 'print' });
    t.equal(await page.locator('button[data-print]').isVisible(), false, 'the print button is not printed');
    await context.close();
  });
}
