// The auction pages end to end: headless Debian chromium (playwright-core) against the real
// `lucas serve`, with the Telegram emulator as the bot's API.
//   node tests/e2e/web_auctions_e2e.mjs PATH/TO/lucas [WEB_DIR]   (WEB_DIR: default web/ beside the binary)
// An admin (a bearer token) adds a numbered item (a trophy, 5 made); Alice (101) buys two through
// the API. In the browser she puts one up through /auctions/new, reached from My items (start
// 100.00, buyout 500.00, 1 day; the fee explained: 10 % rounded up), a buyout below the start
// refused beside its field first; one POST with an Idempotency-Key and the CSRF token; her unit is
// held. Bob (102) and Carol (103) get coins. Bob bids through the page (the form prefilled with
// next_min); Carol bids higher through the API while Bob's page is open, and his page shows her
// bid live (no reload) while his coins come back. A bid under the minimum is refused with the
// minimum in words and nothing moves. Bob then uses "Buy now": the auction is sold; exact balances
// (Bob paid 500.00, Alice got 450.00, Carol has all her coins) and the unit is Bob's. A second
// auction without bids is withdrawn by Alice through the page and her unit comes back. Bob's
// notifications say outbid and won in words. /auctions, /auctions/{id} and /auctions/new at 320
// and 1440 px without horizontal overflow or a tap target under 44 px; every API answer, to this
// process or to the browser, is held against the server's OpenAPI document.
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import {
  browserTestArgs, browserTestWorld, check, finish, pointEmulatorAt, settleApiChecks, startLucas, stopLucas,
  validateApiResponses, watchPageApi, layoutChecker, loginLinkFrom, chromiumFlags,
} from './lib.mjs';

const require = createRequire(import.meta.url);
const { chromium } = require('playwright-core');

const { lucasPath, webDir, shots } = browserTestArgs('web_auctions_e2e');

const ADMIN = 900;
const ALICE = 101;
const BOB = 102;
const CAROL = 103;
const token = '575757:web-auctions-e2e-token';
const { emulator, dataDir, profiles, env } = await browserTestWorld('web_auctions_e2e', token, webDir, {
  LUCAS_HTTP_RATE_LIMIT_PER_MINUTE: '1000',
});
const cli = (...args) =>
  execFileSync(lucasPath, args, { env: { ...process.env, LUCAS_LOG_LEVEL: 'warn', ...env } }).toString();
cli('migrate');
cli('user', 'add', '--id', String(ADMIN), '--username', 'root', '--name', 'Админ', '--language', 'ru', '--role', 'admin');
cli('user', 'add', '--id', String(ALICE), '--username', 'alice', '--name', 'Алиса', '--language', 'ru');
cli('user', 'add', '--id', String(BOB), '--username', 'bob', '--name', 'Боб', '--language', 'ru');
cli('user', 'add', '--id', String(CAROL), '--username', 'carol', '--name', 'Карина', '--language', 'ru');
cli('ledger', 'grant', '--user', String(ALICE), '--amount', '1000.00', '--key', 'seed-alice');
cli('ledger', 'grant', '--user', String(BOB), '--amount', '1000.00', '--key', 'seed-bob');
cli('ledger', 'grant', '--user', String(CAROL), '--amount', '1000.00', '--key', 'seed-carol');
const adminToken = cli('token', 'create', '--user', String(ADMIN)).trim();
const aliceToken = cli('token', 'create', '--user', String(ALICE)).trim();
const bobToken = cli('token', 'create', '--user', String(BOB)).trim();
const carolToken = cli('token', 'create', '--user', String(CAROL)).trim();

const { process: lucas, port } = await startLucas(lucasPath, env);
const base = `http://127.0.0.1:${port}`;
pointEmulatorAt(emulator, token, port);
await validateApiResponses(base);

// A REST call with a bearer token and extra headers (Idempotency-Key): {status, body}.
const call = async (method, path, bearer, body, headers = {}) => {
  const h = { ...headers, ...(bearer ? { Authorization: `Bearer ${bearer}` } : {}) };
  if (body !== undefined) h['Content-Type'] = 'application/json';
  const r = await fetch(`${base}${path}`, { method, headers: h, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: r.status, body: await r.json().catch(() => null) };
};
// "975.00" -> 97500: sums compared exactly, never as floating point.
const minor = (amount) => {
  const m = /^(-?)(\d+)\.(\d{2})$/.exec(amount ?? '');
  return m ? (m[1] ? -1 : 1) * (Number(m[2]) * 100 + Number(m[3])) : NaN;
};
const balance = async (user, bearer) => minor((await call('GET', `/api/v1/users/${user}/balance`, bearer)).body?.balance?.amount);
const held = async (user, bearer, item) =>
  (await call('GET', `/api/v1/users/${user}/inventory`, bearer)).body?.items?.find((h) => h.item.id === item) ?? { quantity: 0, serials: [] };
const auctionOf = async (id) => (await call('GET', `/api/v1/auctions/${id}`)).body;
let keys = 0;
const buy = async (bearer, item, quantity) => {
  const q = await call('POST', '/api/v1/shop/quotes', bearer, { item_id: item, quantity });
  return call('POST', '/api/v1/shop/purchases', bearer, { quote_id: q.body?.id }, { 'Idempotency-Key': `buy-${(keys += 1)}` });
};

// --- the item and Alice's units
const trophyDraft = {
  slug: 'trophy', name_ru: 'Кубок', name_en: 'Trophy', description_ru: 'Всего пять.', description_en: 'Only five.',
  category: 'badges', rarity: 'epic', serialized: true, total_supply: 5, base_price: '50.00', min_price: '10.00', max_price: '200.00',
};
const made = await call('POST', '/api/v1/admin/items', adminToken, trophyDraft);
check('the admin adds a numbered item (5 made)', made.status === 201 && made.body?.serialized === true && made.body?.total_supply === 5, JSON.stringify(made));
const TROPHY = made.body?.id;
const bought = await buy(aliceToken, TROPHY, 2);
check('Alice buys 2 trophies through the API (Nos. 1 and 2)', bought.status === 201 && bought.body?.serials?.join() === '1,2', JSON.stringify(bought));
let aliceCoins = await balance(ALICE, aliceToken);
const bobStart = await balance(BOB, bobToken);
const carolStart = await balance(CAROL, carolToken);
check('balances: Alice 900.00, Bob and Carol 1000.00', aliceCoins === 90000 && bobStart === 100000 && carolStart === 100000,
  `${aliceCoins} ${bobStart} ${carolStart}`);

// --- the browser
const checkLayout = layoutChecker(shots, 'auctions');
const go = async (page, path) => {
  await page.evaluate((p) => { history.pushState(null, '', p); dispatchEvent(new PopStateEvent('popstate')); }, path);
};
const problems = [];
const foreign = [];
const contexts = [];
function watch(page, name) {
  watchPageApi(page);
  page.on('pageerror', (e) => problems.push(`${name}: page error: ${e.message}`));
  page.on('console', (m) => {
    // The refusals (403, 409) are expected here: the browser logs them as failed resources.
    if (m.type() === 'error' && !/Failed to load resource/.test(m.text())) problems.push(`${name}: ${m.text()}`);
  });
  page.on('request', (r) => {
    if (!r.url().startsWith(base) && !r.url().startsWith('data:')) foreign.push(r.url());
  });
}
const signIn = async (userId, name) => {
  const ctx = await chromium.launchPersistentContext(join(profiles, `p${userId}`), {
    executablePath: process.env.CHROME_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: chromiumFlags,
    viewport: { width: 1440, height: 900 },
  });
  contexts.push(ctx);
  const page = ctx.pages()[0] ?? (await ctx.newPage());
  watch(page, name);
  await page.goto(await loginLinkFrom(emulator, token, base, userId, name));
  await page.waitForSelector('[data-testid=balance]', { timeout: 10000 });
  return { ctx, page };
};
const text = async (page, selector) => ((await page.textContent(selector)) ?? '').replace(/\s+/g, ' ').trim();
const posts = (page, re) => {
  const seen = [];
  page.on('request', (r) => {
    if (r.method() === 'POST' && re.test(new URL(r.url()).pathname)) seen.push({ headers: r.headers(), body: r.postDataJSON() });
  });
  return seen;
};

let alice = null;
let bob = null;
try {
  // Both sign in before the bot writes to them (the sign-in link is read from their chat).
  alice = await signIn(ALICE, 'Алиса');
  bob = await signIn(BOB, 'Боб');
  const ap = alice.page;
  const bp = bob.page;

  // ================================================================ Alice puts a trophy up
  check('the wide navigation has Auctions', await ap.isVisible('nav a[href="/auctions"]'));
  const creates = posts(ap, /^\/api\/v1\/auctions$/);
  await ap.click('nav a[href="/inventory"]');
  await ap.waitForSelector(`[data-testid=inventory] li[data-item-id="${TROPHY}"] [data-testid=auction-item]`, { timeout: 10000 });
  await ap.click(`[data-testid=inventory] li[data-item-id="${TROPHY}"] [data-testid=auction-item]`);
  await ap.waitForSelector('[data-testid=auction-new-page] select[name=item] option:nth-child(2)', { timeout: 10000, state: 'attached' });
  check('"Sell at auction" from My items picks the trophy (you hold 2)', (await ap.$eval('select[name=item]', (s) => s.value)) === String(TROPHY) &&
    (await ap.$eval('select[name=item]', (s) => s.selectedOptions[0]?.textContent)) === 'Кубок (у вас 2)');
  await ap.fill('input[name=start_price]', '100.00');
  await ap.fill('input[name=buyout]', '50.00');
  await ap.click('[data-testid=auction-submit]');
  check('a buyout under the start is refused beside its field', (await text(ap, '[data-testid=field-error-buyout]')) === 'Выкуп: больше начальной цены, или пусто.',
    await text(ap, '[data-testid=auction-new-page]'));
  check('...and nothing was sent', creates.length === 0);
  await ap.fill('input[name=buyout]', '500.00');
  await ap.click('[data-days="1"]');
  check('the fee explained at the start: 10.00, she receives 90.00',
    (await text(ap, '[data-testid=auction-fee-start]')) === 'По начальной цене: 100.00 монет, комиссия 10.00 монет, вы получите 90.00 монет.',
    await text(ap, '[data-testid=auction-fee]'));
  check('...and at the buyout: 50.00, she receives 450.00',
    (await text(ap, '[data-testid=auction-fee-buyout]')) === 'По цене выкупа: 500.00 монет, комиссия 50.00 монет, вы получите 450.00 монет.');
  await checkLayout(ap, 'new');
  await ap.click('[data-testid=auction-submit]');
  await ap.waitForSelector('[data-testid=auction-created]', { timeout: 10000 });
  const A1 = Number(await ap.getAttribute('[data-testid=auction-created]', 'data-auction-id'));
  const key = creates[0]?.headers['idempotency-key'] ?? '';
  check('one POST with an Idempotency-Key and the CSRF token: 1 trophy, 100.00, buyout 500.00, 1 day',
    creates.length === 1 && /^[0-9a-f-]{32,36}$/.test(key) && (creates[0].headers['x-csrf-token'] ?? '').length > 0 &&
    creates[0].body?.item_id === TROPHY && creates[0].body?.quantity === 1 && creates[0].body?.start_price === '100.00' &&
    creates[0].body?.buyout === '500.00' && creates[0].body?.days === 1, JSON.stringify(creates));
  const a1 = await auctionOf(A1);
  check('the auction is open: trophy No. 1 from 100.00', a1?.state === 'open' && a1.seller === ALICE && a1.serials?.join() === '1' &&
    a1.start_price?.amount === '100.00' && a1.buyout?.amount === '500.00' && a1.next_min?.amount === '100.00', JSON.stringify(a1));
  check("Alice's unit is held: her inventory shows 1", (await held(ALICE, aliceToken, TROPHY)).quantity === 1);

  // ================================================================ Bob bids through the page
  await bp.click('nav a[href="/auctions"]');
  await bp.waitForSelector(`[data-testid=auctions] li[data-auction-id="${A1}"]`, { timeout: 10000 });
  const cardText = await text(bp, `[data-testid=auctions] li[data-auction-id="${A1}"]`);
  check('the card: the item, quantity, number, starting price, no bids, buyout, a countdown',
    cardText.includes(`Аукцион #${A1}: Кубок`) && cardText.includes('Начальная цена100.00 монет') && cardText.includes('№ 1') &&
    cardText.includes('Ставок0') && cardText.includes('Выкуп500.00 монет') && /До конца 2[34]:\d\d:\d\d/.test(cardText), cardText);
  const c1 = await text(bp, `li[data-auction-id="${A1}"] [data-testid=auction-countdown]`);
  await bp.waitForTimeout(1300);
  const c2 = await text(bp, `li[data-auction-id="${A1}"] [data-testid=auction-countdown]`);
  check('the countdown ticks every second', c1 !== c2, `${c1} / ${c2}`);
  await checkLayout(bp, 'list');
  await bp.click(`li[data-auction-id="${A1}"] [data-testid=auction-link]`);
  await bp.waitForSelector('[data-testid=auction-page] input[name=amount]', { timeout: 10000 });
  check('the bid form is prefilled with next_min 100.00', (await bp.inputValue('input[name=amount]')) === '100.00');
  check('Buy now shows the buyout', (await text(bp, '[data-testid=auction-buy-now]')) === 'Купить сейчас за 500.00 монет');
  const bids = posts(bp, /^\/api\/v1\/auctions\/\d+\/bids$/);
  await bp.click('[data-testid=auction-bid]');
  await bp.waitForSelector('[data-testid=auction-notice]', { timeout: 10000 });
  check('Bob: "Ставка 100.00 монет принята"', (await text(bp, '[data-testid=auction-notice]')) === 'Ставка 100.00 монет принята: она высшая.',
    await text(bp, '[data-testid=auction-notice]'));
  check('one bid POST with an Idempotency-Key and the CSRF token', bids.length === 1 && /^[0-9a-f-]{32,36}$/.test(bids[0].headers['idempotency-key'] ?? '') &&
    (bids[0].headers['x-csrf-token'] ?? '').length > 0 && bids[0].body?.amount === '100.00', JSON.stringify(bids));
  check("Bob's 100.00 are held", (await balance(BOB, bobToken)) === bobStart - 10000);
  await bp.waitForSelector('[data-testid=auction-page][data-bids="1"]', { timeout: 10000 });
  await checkLayout(bp, 'page');

  // ================================================================ Carol outbids him: live
  await bp.evaluate(() => { window.__noReload = true; });
  const carolBid = await call('POST', `/api/v1/auctions/${A1}/bids`, carolToken, { amount: '150.00' }, { 'Idempotency-Key': 'carol-1' });
  check('Carol bids 150.00 through the API', carolBid.status === 201 && carolBid.body?.state === 'leading' && carolBid.body?.auction?.next_min?.amount === '155.00',
    JSON.stringify(carolBid));
  await bp.waitForFunction(() => document.querySelector('[data-testid=auction-price]')?.textContent?.includes('150.00'), null, { timeout: 10000 })
    .catch(() => {});
  check("Bob's open page shows Carol's 150.00 live, without a reload",
    (await text(bp, '[data-testid=auction-price]')) === '150.00 монет' && (await text(bp, '[data-testid=auction-bids]')) === '2' &&
    (await bp.evaluate(() => window.__noReload === true)), await text(bp, '[data-testid=auction-page]'));
  await bp.waitForFunction(() => document.querySelector('input[name=amount]')?.value === '155.00', null, { timeout: 5000 }).catch(() => {});
  check('...the form follows next_min (155.00) and the list has her bid', (await bp.inputValue('input[name=amount]')) === '155.00' &&
    (await text(bp, '[data-testid=auction-bid-list] li:first-child')).includes(`Игрок #${CAROL}`), await text(bp, '[data-testid=auction-bid-list]'));
  check("Bob's coins were released: his balance is back to the start", (await balance(BOB, bobToken)) === bobStart);

  // ================================================================ too low: refused, nothing moves
  await bp.fill('input[name=amount]', '120.00');
  await bp.click('[data-testid=auction-bid]');
  await bp.waitForSelector('[data-testid=auction-notice].error', { timeout: 10000 });
  check('a bid under the minimum: refused with the minimum in money', (await text(bp, '[data-testid=auction-notice]')) ===
    'Ставка слишком мала: нужно не меньше 155.00 монет. Ничего не списано.', await text(bp, '[data-testid=auction-notice]'));
  const a1low = await auctionOf(A1);
  check('...and nothing moved', a1low?.bids === 2 && a1low.top_bidder === CAROL && (await balance(BOB, bobToken)) === bobStart &&
    (await balance(CAROL, carolToken)) === carolStart - 15000, JSON.stringify(a1low));
  check('the seller cannot bid on her own auction (403)',
    (await call('POST', `/api/v1/auctions/${A1}/bids`, aliceToken, { amount: '200.00' }, { 'Idempotency-Key': 'alice-own' })).status === 403);

  // ================================================================ Buy now
  await bp.click('[data-testid=auction-buy-now]');
  await bp.waitForSelector('[data-testid=auction-page][data-state=sold]', { timeout: 10000 });
  check('Buy now: "Куплено за 500.00 монет", the auction shows sold',
    (await text(bp, '[data-testid=auction-notice]')) === 'Куплено за 500.00 монет: предмет ваш.' && (await text(bp, '[data-testid=auction-state]')) === 'продан' &&
    (await text(bp, '[data-testid=auction-result]')) === 'Вы выиграли за 500.00 монет: предмет ваш.', await text(bp, '[data-testid=auction-page]'));
  const sold = await auctionOf(A1);
  check('the auction is sold to Bob at 500.00 with a 50.00 fee', sold?.state === 'sold' && sold.top_bidder === BOB &&
    sold.top_amount?.amount === '500.00' && sold.fee?.amount === '50.00', JSON.stringify(sold));
  const bobEnd = await balance(BOB, bobToken);
  const aliceEnd = await balance(ALICE, aliceToken);
  check('Bob paid exactly 500.00', bobEnd === bobStart - 50000, `${bobStart} -> ${bobEnd}`);
  check('Alice received 450.00 (500.00 less the 10 % fee)', aliceEnd === aliceCoins + 45000, `${aliceCoins} -> ${aliceEnd}`);
  check('Carol has all her coins', (await balance(CAROL, carolToken)) === carolStart);
  const bobHolds = await held(BOB, bobToken, TROPHY);
  check('Bob holds trophy No. 1', bobHolds.quantity === 1 && bobHolds.serials?.join() === '1', JSON.stringify(bobHolds));
  aliceCoins = aliceEnd;

  // ================================================================ a second auction, withdrawn
  const a2 = await call('POST', '/api/v1/auctions', aliceToken, { item_id: TROPHY, quantity: 1, start_price: '80.00', days: 3 },
    { 'Idempotency-Key': 'alice-a2' });
  const A2 = a2.body?.id;
  check('Alice puts her second trophy up (API): held', a2.status === 201 && (await held(ALICE, aliceToken, TROPHY)).quantity === 0, JSON.stringify(a2));
  await go(ap, `/auctions/${A2}`);
  await ap.waitForSelector('[data-testid=auction-withdraw]', { timeout: 10000 });
  check('the seller sees "Снять с аукциона" and no bid form', !(await ap.isVisible('input[name=amount]')) &&
    (await text(ap, '[data-testid=auction-page]')).includes('Это ваш аукцион.'));
  await checkLayout(ap, 'seller');
  await ap.click('[data-testid=auction-withdraw]');
  await ap.waitForSelector('[data-testid=auction-page][data-state=cancelled]', { timeout: 10000 });
  check('withdrawn: "Аукцион снят: предмет вернулся к вам."', (await text(ap, '[data-testid=auction-notice]')) === 'Аукцион снят: предмет вернулся к вам.');
  check('...the auction is cancelled and the unit came back', (await auctionOf(A2))?.state === 'cancelled' &&
    (await held(ALICE, aliceToken, TROPHY)).quantity === 1 && (await balance(ALICE, aliceToken)) === aliceCoins);

  // ================================================================ tabs and notifications
  await go(ap, '/auctions');
  await ap.click('.switch button[data-tab=ended]');
  await ap.waitForSelector(`[data-testid=auctions][data-tab=ended] li[data-auction-id="${A1}"][data-state=sold]`, { timeout: 10000 });
  check('Ended lists both auctions, sold and withdrawn', await ap
    .waitForSelector(`[data-testid=auctions][data-tab=ended] li[data-auction-id="${A2}"][data-state=cancelled]`, { timeout: 10000 })
    .then(() => true, () => false));
  await ap.click('.switch button[data-tab=mine]');
  await ap.waitForSelector(`[data-testid=auctions][data-tab=mine] li[data-auction-id="${A1}"]`, { timeout: 10000 });
  // Both entries of the Mine tab, waited for (the list may render A1 before A2: no instant check).
  check('Mine lists her auctions', await ap
    .waitForSelector(`[data-testid=auctions][data-tab=mine] li[data-auction-id="${A2}"]`, { timeout: 10000 })
    .then(() => true, () => false));
  await bp.click('nav a[href="/notifications"]');
  await bp.waitForSelector('[data-testid=auction-notification]', { timeout: 10000 });
  const notes = await bp.$$eval('[data-testid=auction-notification]', (ls) => ls.map((l) => l.textContent));
  check("Bob's notifications in words: outbid, then won", notes.includes(`Аукцион #${A1}: вашу ставку перебили (150.00 монет)`) &&
    notes.includes(`Аукцион #${A1}: вы выиграли за 500.00 монет`), JSON.stringify(notes));

  check('no script error', problems.length === 0, JSON.stringify(problems));
  check('nothing loaded from elsewhere', foreign.length === 0, JSON.stringify(foreign));
} catch (e) {
  check('the browser session completes', false, e.stack ?? String(e));
  for (const s of [alice, bob]) {
    if (s) console.log(`  at ${s.page.url()}: ${(await s.page.textContent('main').catch(() => '')) ?? ''}`);
  }
  console.log(`  problems: ${JSON.stringify(problems)}`);
} finally {
  await settleApiChecks(); // the browser's answers are read before the browser closes
  for (const ctx of contexts) await ctx.close().catch(() => {});
  const code = await stopLucas(lucas);
  check('lucas stops cleanly', code === 0, `exit ${code}`);
  await emulator.stop();
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(profiles, { recursive: true, force: true });
}

finish();
