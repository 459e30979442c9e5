// The review queue in real headless Chromium (issue 11 §3, §4): a message the parser is unsure of
// waits for review (no reply to the customer in hold mode) and is listed first; the merchant
// corrects the item to a catalog product and accepts, the bot confirms, and the next message with
// the same wording matches that product; the learned alias is listed and can be forgotten.
import t from 'tap';
import { mkdirSync } from 'node:fs';
import { CHROMIUM, chromiumInstalled, startBrowserStack } from '../helpers/browser.ts';

if (!chromiumInstalled()) {
  t.plan(0, `${CHROMIUM} is not installed`);
} else {
  const { base, browser } = await startBrowserStack((fn) => t.teardown(fn));
  mkdirSync('tests/artifacts', { recursive: true });

  t.test('low-confidence order first → corrected → accepted → the alias matches the next message', async (t) => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    await page.goto(`${base}/register`);
    await page.fill('input[name=username]', 'tola');
    await page.fill('input[name=email]', 'tola@example.com');
    await page.fill('input[name=password]', 'correct horse battery');
    await page.click('button[type=submit]');
    await page.waitForURL(/\/business$/);
    await page.fill('details[open] input[name=name]', 'Tola Foods');
    await page.selectOption('details[open] select[name=country]', 'NG');
    await page.click('details[open] button[type=submit]');
    await page.waitForSelector('section.business h2');

    await page.click('section.business summary:has-text("Catalog")');
    await page.fill('section.business textarea[name=catalog]', 'JR | Jollof Rice | 2500 |\nPL | Plantain | 500 | dodo');
    await page.click('section.business button:has-text("Save catalog")');
    await page.waitForSelector('section.business summary:has-text("Catalog (2 products)")');
    await page.fill('section.business form[action="/groups"] input[name=name]', 'Sales group');
    await page.selectOption('section.business form[action="/groups"] select[name=groupType]', 'sales');
    await page.click('section.business form[action="/groups"] button[type=submit]');
    await page.waitForSelector('ul.groups li');
    const businessPath = await page.getAttribute('a:has-text("Review queue")', 'href');
    t.ok(businessPath, 'the business links its review settings');

    await page.click('a:has-text("WhatsApp & Try it")');
    const whatsappUrl = page.url();
    await page.click('button[data-action="start-simulator"]');
    await page.waitForSelector('[data-state="WORKING"]', { timeout: 20_000 });

    const send = async (text: string) => {
      await page.fill('#try-it-form textarea[name=text]', text);
      await page.click('#try-it-form button[type=submit]');
    };
    const replyWith = (re: RegExp) => page.locator('ul.replies li.reply pre', { hasText: re }).first().waitFor({ timeout: 30_000 });
    // "swallow pack" is not in the catalog and there is no address: below the 0.9 default.
    await send('2 swallow pack\n1 jollof rice');
    await page.waitForTimeout(300);
    await send('2x Jollof Rice\ndeliver to 12 Allen Avenue, Ikeja');
    await replyWith(/Order #1002 received/);
    const replies = await page.locator('ul.replies li.reply pre').allTextContents();
    t.notOk(replies.some((r) => r.includes('#1001')), 'no message to the customer while #1001 waits for review (hold)');

    await page.goto(`${base}/orders`);
    await page.waitForSelector('#review-queue');
    t.match(await page.textContent('#review-queue h2'), 'Needs review (1)');
    t.match(await page.textContent('#review-queue'), '#1001');
    t.match(await page.textContent('#orders-tbody'), '#1002');
    const queueY = (await page.locator('#review-queue').boundingBox())?.y ?? Infinity;
    const restY = (await page.locator('#orders-tbody').boundingBox())?.y ?? -Infinity;
    t.ok(queueY < restY, 'the review queue is shown first, above the newer order');
    const overflow = Number(await page.evaluate('document.documentElement.scrollWidth - window.innerWidth'));
    t.ok(overflow <= 1, `no horizontal scroll at 390 px (overflow ${overflow})`);

    await page.click('#review-queue a:has-text("#1001")');
    await page.waitForSelector('#review-panel');
    const doubted = page.locator('#review-panel .item-row.doubt[data-line="0"]');
    t.match(await doubted.textContent(), 'not found in your catalog', 'the uncertain item is highlighted with why');
    t.match(await page.textContent('#review-panel'), 'no delivery address found', 'the missing address is highlighted');
    await page.screenshot({ path: 'tests/artifacts/review-390.png', fullPage: true });
    await doubted.locator('select[name=itemSku]').selectOption('PL');
    await page.fill('#review-panel input[name=customerAddress]', '7 Bode Thomas Street, Surulere');
    await page.click('button[data-review="correct"]');
    await page.waitForSelector('#order-detail .status-panel .badge.s-pending', { timeout: 10_000 });
    t.match(await page.textContent('#order-detail table'), 'Plantain (PL)', 'the corrected item');
    t.equal(await page.locator('#review-panel').count(), 0, 'no longer in review');

    await page.goto(whatsappUrl);
    await replyWith(/Order #1001 received: 2 x Plantain, 1 x Jollof Rice/);
    t.pass('the confirmation was sent once the merchant accepted');

    await send('3 swallow pack\n1 jollof rice\ndeliver to 5 Allen Avenue, Ikeja');
    await replyWith(/Order #1003 received: 3 x Plantain, 1 x Jollof Rice/);
    t.pass('the learned wording matched Plantain in the next message, which was auto-accepted');

    await page.goto(`${base}${businessPath}`);
    const alias = page.locator('li[data-alias="swallow pack"]');
    t.match(await alias.textContent(), '“swallow pack” → Plantain (PL)');
    await alias.locator('button:has-text("Forget")').click();
    await page.waitForSelector('#review-settings');
    t.equal(await page.locator('li[data-alias="swallow pack"]').count(), 0, 'forgotten');
    await context.close();
  });
}
