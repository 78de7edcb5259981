// The shop and inventory pages end to end: headless Debian chromium (playwright-core) against the
// real `lucas serve`, with the Telegram emulator as the bot's API.
//   node tests/e2e/web_shop_e2e.mjs PATH/TO/lucas [WEB_DIR]   (WEB_DIR: default web/ beside the binary)
// An admin (a bearer token) puts two items in the catalogue: a numbered one limited to 3 units and
// an unlimited one (a player's token is refused). A player with 1000.00 coins signs in by the
// bot's login link, sees both in the shop with the prices the API gives and what is left, buys 2
// of the limited item through the page (quantity -> a quote with its countdown -> confirm, one
// Idempotency-Key sent with the CSRF token) and sees № 1 and № 2; a repeat of that key moves
// nothing; the card then says 1 left; asking for 2 more shows the "only 1 left" refusal and no
// coin moves; when the held price runs out (the browser's clock moved on) the page asks for a new
// price; the item's page draws its price history; the inventory lists the item × 2 with № 1, № 2;
// the balance fell by exactly the purchase's total. Shop, item and inventory at 320 and 1440 px
// without horizontal overflow or a tap target under 44 px (screenshots in web-screenshots/ beside
// the binary). Every API answer, to this process or to the browser, is held against the server's
// OpenAPI document.
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import {
  browserTestArgs, browserTestWorld, check, finish, pointEmulatorAt, settleApiChecks, startLucas, stopLucas,
  validateApiResponses, watchPageApi, layoutChecker, apiCaller, loginLinkFrom, chromiumFlags,
} from './lib.mjs';

const require = createRequire(import.meta.url);
const { chromium } = require('playwright-core');

const { lucasPath, webDir, shots } = browserTestArgs('web_shop_e2e');

const ADMIN = 900;
const PLAYER = 101;
const token = '545454:web-shop-e2e-token';
const { emulator, dataDir, profiles, env } = await browserTestWorld('web_shop_e2e', token, webDir);
const cli = (...args) =>
  execFileSync(lucasPath, args, { env: { ...process.env, LUCAS_LOG_LEVEL: 'warn', ...env } }).toString();
cli('migrate');
cli('user', 'add', '--id', String(ADMIN), '--username', 'root', '--name', 'Admin', '--role', 'admin');
cli('user', 'add', '--id', String(PLAYER), '--username', 'alice', '--name', 'Алиса', '--language', 'ru');
cli('ledger', 'grant', '--user', String(PLAYER), '--amount', '1000.00', '--key', 'seed');
const adminToken = cli('token', 'create', '--user', String(ADMIN)).trim();
const playerToken = cli('token', 'create', '--user', String(PLAYER)).trim();

const { process: lucas, port } = await startLucas(lucasPath, env);
const base = `http://127.0.0.1:${port}`;
pointEmulatorAt(emulator, token, port);
await validateApiResponses(base);

const call = apiCaller(base);
// "975.00" -> 97500: sums compared exactly, never as floating point.
const minor = (amount) => {
  const m = /^(-?)(\d+)\.(\d{2})$/.exec(amount ?? '');
  return m ? (m[1] ? -1 : 1) * (Number(m[2]) * 100 + Number(m[3])) : NaN;
};
const balanceOf = async () => (await call('GET', `/api/v1/users/${PLAYER}/balance`, playerToken)).body?.balance?.amount;
const NBSP = '\u202f'; // the Russian thousands separator the app writes

// --- the catalogue: a numbered item limited to 3 units, and an unlimited one
const badgeDraft = {
  slug: 'star-badge', name_ru: 'Звёздный значок', name_en: 'Star badge',
  description_ru: 'Всего три на свете.', description_en: 'Only three in the world.',
  category: 'badges', rarity: 'epic', serialized: true, total_supply: 3,
  base_price: '12.50', min_price: '5.00', max_price: '50.00',
};
const teaDraft = {
  slug: 'tea', name_ru: 'Чашка чая', name_en: 'Cup of tea', description_ru: 'Горячий.', description_en: 'Hot.',
  category: 'food', rarity: 'common', base_price: '3.00', min_price: '1.00', max_price: '9.00',
};
const refused = await call('POST', '/api/v1/admin/items', playerToken, { ...teaDraft, slug: 'not-mine' });
check("a player's token cannot add items", refused.status === 403, JSON.stringify(refused));
const badgeMade = await call('POST', '/api/v1/admin/items', adminToken, badgeDraft);
const teaMade = await call('POST', '/api/v1/admin/items', adminToken, teaDraft);
check('the admin adds a limited numbered item and an unlimited one',
  badgeMade.status === 201 && badgeMade.body?.total_supply === 3 && badgeMade.body?.left === 3 && badgeMade.body?.serialized === true &&
  teaMade.status === 201 && teaMade.body?.total_supply === null && teaMade.body?.left === null,
  JSON.stringify([badgeMade, teaMade]));
const BADGE = badgeMade.body?.id;
const TEA = teaMade.body?.id;
const listed = await call('GET', '/api/v1/shop/items');
const priceOf = (id) => listed.body?.items?.find((i) => i.id === id)?.price?.amount;
check('the shop lists both at their base price', listed.body?.total === 2 && priceOf(BADGE) === '12.50' && priceOf(TEA) === '3.00',
  JSON.stringify(listed.body).slice(0, 400));
const startBalance = await balanceOf();
check('the player starts with 1000.00 coins', startBalance === '1000.00', startBalance);

// --- signing in by the bot's one-time link
const loginLink = (userId, name) => loginLinkFrom(emulator, token, base, userId, name);
const flags = chromiumFlags;
const go = async (page, path) => {
  await page.evaluate((p) => { history.pushState(null, '', p); dispatchEvent(new PopStateEvent('popstate')); }, path);
};
const csrfFetch = (page, method, path, body, headers = {}) =>
  page.evaluate(async ([m, p, b, h]) => {
    const s = await (await fetch('/api/v1/auth/session')).json();
    const r = await fetch(p, {
      method: m,
      headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': s.csrf_token, ...h },
      body: b === undefined ? undefined : JSON.stringify(b),
    });
    return { status: r.status, body: await r.json().catch(() => null) };
  }, [method, path, body, headers]);

const checkLayout = layoutChecker(shots, 'shop');

let ctx = null;
let page = null;
const problems = [];
const foreign = [];
try {
  ctx = await chromium.launchPersistentContext(join(profiles, 'p1'), {
    executablePath: process.env.CHROME_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: flags,
    viewport: { width: 1440, height: 900 },
  });
  page = ctx.pages()[0] ?? (await ctx.newPage());
  watchPageApi(page);
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    // The refusals (409) are expected here: the browser logs them as failed resources.
    if (m.type() === 'error' && !/Failed to load resource/.test(m.text())) problems.push(m.text());
  });
  page.on('request', (r) => {
    if (!r.url().startsWith(base) && !r.url().startsWith('data:')) foreign.push(r.url());
  });
  const purchases = [];
  page.on('request', (r) => {
    if (r.method() === 'POST' && new URL(r.url()).pathname === '/api/v1/shop/purchases') {
      purchases.push({ headers: r.headers(), quote: r.postDataJSON()?.quote_id });
    }
  });
  await page.goto(await loginLink(PLAYER, 'Алиса'));
  await page.waitForSelector('[data-testid=balance]', { timeout: 10000 });

  // --- the shop: both items, their prices, what is left
  check('the navigation has the Shop and My items', await page.isVisible('nav a[href="/shop"]') && await page.isVisible('nav a[href="/inventory"]'));
  await page.click('nav a[href="/shop"]');
  await page.waitForSelector('[data-testid=shop-items] li', { timeout: 10000 });
  await page.waitForSelector('[data-testid=shop-balance]');
  const card = (id) => `[data-testid=shop-items] li[data-item-id="${id}"]`;
  const cardText = async (id) => (await page.textContent(card(id))) ?? '';
  const cards = await page.$$eval('[data-testid=shop-items] li', (ls) => ls.map((l) => Number(l.dataset.itemId)));
  check('the shop shows both items', cards.length === 2 && cards.includes(BADGE) && cards.includes(TEA), JSON.stringify(cards));
  const badgeCard = await cardText(BADGE);
  const teaCard = await cardText(TEA);
  check('the limited item: its name, price, rarity and "3 of 3 left"',
    badgeCard.includes('Звёздный значок') && (await page.textContent(`${card(BADGE)} [data-testid=price]`)) === `${priceOf(BADGE)} монет` &&
    badgeCard.includes('Эпический') && badgeCard.includes('Осталось: 3 из 3'), badgeCard);
  check('the unlimited item: its name, price and no limit',
    teaCard.includes('Чашка чая') && (await page.textContent(`${card(TEA)} [data-testid=price]`)) === `${priceOf(TEA)} монет` &&
    teaCard.includes('Без ограничений'), teaCard);
  const trend = await page.getAttribute(`${card(BADGE)} [data-testid=trend]`, 'data-bp');
  check('the trend is shown (no week-old price yet: flat)', trend === '0' && badgeCard.includes('·'), `${trend} ${badgeCard}`);
  const shownBalance = await page.textContent('[data-testid=shop-balance]');
  check('the shop shows my balance', shownBalance?.includes(`1${NBSP}000.00 монет`), shownBalance);
  // The order after choosing `sort`: the page asks the API in that order and lists its answer.
  const sorted = async (sort) => {
    await Promise.all([
      page.waitForResponse((r) => {
        const u = new URL(r.url());
        return u.pathname === '/api/v1/shop/items' && u.searchParams.get('sort') === sort;
      }),
      page.selectOption('select[name=sort]', sort),
    ]);
    await page.waitForSelector('[data-testid=shop-items] li');
    return page.$$eval('[data-testid=shop-items] li', (ls) => ls.map((l) => Number(l.dataset.itemId)));
  };
  const cheapFirst = await sorted('price');
  const dearFirst = await sorted('-price');
  check('sorting by price both ways', cheapFirst.join() === `${TEA},${BADGE}` && dearFirst.join() === `${BADGE},${TEA}`,
    JSON.stringify([cheapFirst, dearFirst]));
  await page.selectOption('select[name=rarity]', 'epic');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=shop-items] li').length === 1);
  check('the rarity filter', (await page.$$eval('[data-testid=shop-items] li', (ls) => ls.map((l) => Number(l.dataset.itemId)))).join() === String(BADGE));
  await Promise.all([
    page.waitForResponse((r) => new URL(r.url()).pathname === '/api/v1/shop/items' && !new URL(r.url()).searchParams.has('rarity')),
    page.selectOption('select[name=rarity]', ''),
  ]);
  await sorted('name');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=shop-items] li').length === 2);
  await checkLayout(page, 'list');

  // --- buy 2 of the limited item: quantity, a quote with its countdown, confirm
  await page.click(`${card(BADGE)} [data-testid=buy]`);
  await page.fill(`${card(BADGE)} input[name=quantity]`, '2');
  await page.click(`${card(BADGE)} [data-testid=buy-quote]`);
  await page.waitForSelector(`${card(BADGE)} [data-testid=buy-quote-shown]`, { timeout: 10000 });
  const quoteText = await page.textContent(`${card(BADGE)} [data-testid=buy-quote-shown]`);
  check('the quote: 2 × 12.50 = 25.00', quoteText?.includes('2 × 12.50 монет = 25.00 монет'), quoteText);
  const seconds = async () => Number((await page.textContent(`${card(BADGE)} [data-testid=buy-countdown]`))?.match(/(\d+) с/)?.[1]);
  const s1 = await seconds();
  await page.waitForTimeout(2100);
  const s2 = await seconds();
  check('the price is held for a minute, counting down', s1 >= 55 && s1 <= 60 && s2 < s1 && s2 >= s1 - 3, `${s1} then ${s2}`);
  check('nothing is charged for a quote', (await balanceOf()) === '1000.00');
  await checkLayout(page, 'quote');
  await page.click(`${card(BADGE)} [data-testid=buy-confirm]`);
  await page.waitForSelector(`${card(BADGE)} [data-testid=buy-done]`, { timeout: 10000 });
  const done = await page.textContent(`${card(BADGE)} [data-testid=buy-done]`);
  check('the purchase succeeds: the item, 2 units, 25.00', done?.includes('Куплено: Звёздный значок × 2 за 25.00 монет'), done);
  check('...with the serial numbers № 1, № 2', (await page.textContent(`${card(BADGE)} [data-testid=buy-serials]`)) === 'Ваши номера: № 1, № 2',
    await page.textContent(`${card(BADGE)} [data-testid=buy-serials]`));
  const key = purchases[0]?.headers['idempotency-key'];
  check('one purchase request, with an Idempotency-Key and the CSRF token',
    purchases.length === 1 && /^[0-9a-f-]{32,36}$/.test(key ?? '') && (purchases[0]?.headers['x-csrf-token'] ?? '').length > 0,
    JSON.stringify(purchases));
  await page.waitForFunction((id) => document.querySelector(`[data-testid=shop-items] li[data-item-id="${id}"] [data-testid=stock]`)?.dataset.left === '1', BADGE, { timeout: 10000 });
  check('the card now says 1 left', (await cardText(BADGE)).includes('Осталось: 1 из 3'), await cardText(BADGE));
  const afterBuy = await balanceOf();
  check('the balance fell by exactly the total (1000.00 - 25.00)', minor(afterBuy) === minor('1000.00') - minor('25.00'), afterBuy);
  check('the shop shows the new balance', (await page.textContent('[data-testid=shop-balance]'))?.includes('975.00 монет'),
    await page.textContent('[data-testid=shop-balance]'));
  // The same key again (a retry after a lost answer) answers the first purchase and moves nothing.
  const replay = await csrfFetch(page, 'POST', '/api/v1/shop/purchases', { quote_id: purchases[0]?.quote ?? 'x' },
    { 'Idempotency-Key': key ?? 'x' });
  check('a repeat of the key answers the first purchase (replayed) and moves nothing',
    replay.status === 200 && replay.body?.replayed === true && replay.body?.quantity === 2 && replay.body?.total?.amount === '25.00' &&
    (await balanceOf()) === afterBuy, JSON.stringify(replay));

  // --- 2 more: only 1 left, refused, nothing moves
  await page.click(`${card(BADGE)} [data-testid=buy-done] button`);
  await page.fill(`${card(BADGE)} input[name=quantity]`, '2');
  await page.click(`${card(BADGE)} [data-testid=buy-quote]`);
  await page.waitForSelector(`${card(BADGE)} [data-testid=buy-error]`, { timeout: 10000 });
  const soldOut = await page.textContent(`${card(BADGE)} [data-testid=buy-error]`);
  check('asking for 2 when 1 is left: the sold-out message', soldOut?.includes('Столько нет: осталось только 1.'), soldOut);
  check('...no confirmation is offered', !(await page.isVisible(`${card(BADGE)} [data-testid=buy-confirm]`)));
  check('...and the balance is unchanged', (await balanceOf()) === afterBuy);
  const inventoryApi = await call('GET', `/api/v1/users/${PLAYER}/inventory`, playerToken);
  check('...and I still hold exactly 2', inventoryApi.body?.items?.length === 1 && inventoryApi.body.items[0].quantity === 2 &&
    inventoryApi.body.items[0].serials.join() === '1,2', JSON.stringify(inventoryApi.body));
  await checkLayout(page, 'sold-out');

  // --- the held price runs out: the page asks for a new one (the browser's clock moves on)
  await page.click(`${card(TEA)} [data-testid=buy]`);
  await page.clock.install();
  await page.click(`${card(TEA)} [data-testid=buy-quote]`);
  await page.waitForSelector(`${card(TEA)} [data-testid=buy-countdown]`, { timeout: 10000 });
  await page.clock.runFor(61_000);
  await page.waitForSelector(`${card(TEA)} [data-testid=buy-expired]`, { timeout: 5000 }).catch(() => {});
  check('when the quote expires the page asks to re-quote, with no Confirm',
    await page.isVisible(`${card(TEA)} [data-testid=buy-requote]`) && !(await page.isVisible(`${card(TEA)} [data-testid=buy-confirm]`)),
    await cardText(TEA));
  await page.reload(); // the real clock again
  await page.waitForSelector('[data-testid=shop-items] li', { timeout: 10000 });
  check('nothing was charged for the expired quote', (await balanceOf()) === afterBuy);

  // --- the item's page: the price history as a sparkline
  await page.click(`${card(BADGE)} a[href="/shop/${BADGE}"]`);
  await page.waitForSelector('[data-testid=item-page] h1', { timeout: 10000 });
  const detail = await call('GET', `/api/v1/shop/items/${BADGE}`);
  const points = await page.getAttribute('[data-testid=sparkline]', 'data-points');
  check("the item's page: its name, price and 1 left",
    (await page.textContent('[data-testid=item-page] h1')) === 'Звёздный значок' &&
    (await page.textContent('[data-testid=item-page] [data-testid=price]')) === '12.50 монет' &&
    (await page.textContent('[data-testid=item-page]'))?.includes('Осталось: 1 из 3'), await page.textContent('[data-testid=item-page]'));
  check('...and a sparkline of its price history', detail.body?.price_history?.length >= 1 &&
    Number(points) === detail.body.price_history.length && await page.isVisible('[data-testid=sparkline] svg') &&
    ((await page.getAttribute('[data-testid=sparkline] polyline', 'points')) ?? '').trim().split(/\s+/).length >= 2,
    `${points} ${JSON.stringify(detail.body?.price_history)}`);
  await checkLayout(page, 'item');

  // --- my items
  await page.click('nav a[href="/inventory"]');
  await page.waitForSelector('[data-testid=inventory] li', { timeout: 10000 });
  const held = await page.$$eval('[data-testid=inventory] li', (ls) => ls.map((l) => l.textContent));
  check('the inventory lists the item × 2', held.length === 1 && held[0].includes('Звёздный значок') && held[0].includes('× 2'), JSON.stringify(held));
  check('...with № 1, № 2', (await page.textContent('[data-testid=inventory] [data-testid=serials]')) === 'Номера: № 1, № 2',
    await page.textContent('[data-testid=inventory] [data-testid=serials]'));
  await checkLayout(page, 'inventory');
  // On a phone the tab bar has the Shop; the shop links to My items.
  await page.setViewportSize({ width: 320, height: 700 });
  check('on a phone: Shop in the tab bar, My items linked from the shop',
    await page.isVisible('nav a[href="/shop"]') && !(await page.isVisible('nav a[href="/inventory"]')));
  await page.click('nav a[href="/shop"]');
  await page.click('[data-testid=to-inventory]');
  await page.waitForSelector('[data-testid=inventory] li', { timeout: 10000 });
  await page.setViewportSize({ width: 1440, height: 900 });

  // --- English
  await page.click('.lang button[lang=en]');
  await page.waitForSelector('h1:has-text("My items")');
  check('in English too', (await page.textContent('[data-testid=serials]')) === 'Numbers: No. 1, No. 2', await page.textContent('[data-testid=serials]'));
  await page.click('.lang button[lang=ru]');

  const endBalance = await balanceOf();
  check('at the end the balance is the start less exactly the purchase total',
    minor(endBalance) === minor(startBalance) - minor(replay.body?.total?.amount) && endBalance === '975.00', `${startBalance} -> ${endBalance}`);
  check('no script error', problems.length === 0, JSON.stringify(problems));
  check('nothing loaded from elsewhere', foreign.length === 0, JSON.stringify(foreign));
} catch (e) {
  check('the browser session completes', false, e.stack ?? String(e));
  if (page) console.log(`  at ${page.url()}: ${(await page.textContent('body').catch(() => '')) ?? ''}`);
  console.log(`  problems: ${JSON.stringify(problems)}`);
} finally {
  await settleApiChecks(); // the browser's answers are read before the browser closes
  if (ctx) await ctx.close().catch(() => {});
  const code = await stopLucas(lucas);
  check('lucas stops cleanly', code === 0, `exit ${code}`);
  await emulator.stop();
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(profiles, { recursive: true, force: true });
}

finish();
