// The trade pages end to end: headless Debian chromium (playwright-core) against the real
// `lucas serve`, with the Telegram emulator as the bot's API.
//   node tests/e2e/web_trades_e2e.mjs PATH/TO/lucas [WEB_DIR]   (WEB_DIR: default web/ beside the binary)
// An admin (a bearer token) adds a plain item (a die, 120.00) and a numbered one (a star, 12.50,
// 5 made); Alice (101, Russian) and Bob (102, English) get coins and buy items through the API.
// In the browser Alice offers Bob a die for 150.01 through /trades/new: the preview shows both
// values and her fee (7.51: 5 % rounded up), one POST with an Idempotency-Key and the CSRF token
// (a repeat of the key makes no second offer), and her die is held (her inventory shows one less).
// Bob, signed in in English, sees the offer on /trades and accepts: he paid exactly 150.01, Alice
// got 142.50, the die moved, and Alice's open page follows over the WebSocket. A lopsided offer
// (a star for 1.00) shows the warning and is sent only after "I understand"; it reaches Bob's open
// page live with its warning, he declines and the star comes back. An offer Bob opened and Alice
// then changed (PUT) makes his Accept say the offer changed, and nothing moves; Alice changes it
// once more through the page's Change (PUT) and cancels it. An offer where Bob gives far more asks him "I understand" before the accept goes
// through. Refused fields (an unknown recipient, a note with a control character) are shown beside
// the field. The admin sees the flags (low value, changed after seen) in the Trades tab with the
// values as money. /trades and /trades/new at 320 and 1440 px without horizontal overflow or a tap
// target under 44 px; every API answer, to this process or to the browser, is held against the
// server's OpenAPI document.
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

const { lucasPath, webDir, shots } = browserTestArgs('web_trades_e2e');

const ADMIN = 900;
const ALICE = 101;
const BOB = 102;
const token = '565656:web-trades-e2e-token';
const { emulator, dataDir, profiles, env } = await browserTestWorld('web_trades_e2e', token, webDir, {
  // A script clicks faster than a player: previews and re-readings add up.
  LUCAS_HTTP_RATE_LIMIT_PER_MINUTE: '1000',
});
const cli = (...args) =>
  execFileSync(lucasPath, args, { env: { ...process.env, LUCAS_LOG_LEVEL: 'warn', ...env } }).toString();
cli('migrate');
cli('user', 'add', '--id', String(ADMIN), '--username', 'root', '--name', 'Админ', '--language', 'ru', '--role', 'admin');
cli('user', 'add', '--id', String(ALICE), '--username', 'alice', '--name', 'Алиса', '--language', 'ru');
cli('user', 'add', '--id', String(BOB), '--username', 'bob', '--name', 'Bob', '--language', 'en');
cli('ledger', 'grant', '--user', String(ALICE), '--amount', '1000.00', '--key', 'seed-alice');
cli('ledger', 'grant', '--user', String(BOB), '--amount', '1000.00', '--key', 'seed-bob');
const adminToken = cli('token', 'create', '--user', String(ADMIN)).trim();
const aliceToken = cli('token', 'create', '--user', String(ALICE)).trim();
const bobToken = cli('token', 'create', '--user', String(BOB)).trim();

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
const tradeOf = async (id, bearer = aliceToken) => (await call('GET', `/api/v1/trades/${id}`, bearer)).body;
let keys = 0;
const buy = async (bearer, item, quantity) => {
  const q = await call('POST', '/api/v1/shop/quotes', bearer, { item_id: item, quantity });
  return call('POST', '/api/v1/shop/purchases', bearer, { quote_id: q.body?.id }, { 'Idempotency-Key': `buy-${(keys += 1)}` });
};
const offerByApi = (bearer, draft) => call('POST', '/api/v1/trades', bearer, draft, { 'Idempotency-Key': `offer-${(keys += 1)}` });

// --- the catalogue and the players' items
const dieDraft = {
  slug: 'golden-die', name_ru: 'Золотой кубик', name_en: 'Golden die', description_ru: 'Блестит.', description_en: 'Shiny.',
  category: 'dice', rarity: 'rare', base_price: '120.00', min_price: '50.00', max_price: '500.00',
};
const starDraft = {
  slug: 'star', name_ru: 'Звезда', name_en: 'Star', description_ru: 'Всего пять.', description_en: 'Only five.',
  category: 'badges', rarity: 'epic', serialized: true, total_supply: 5, base_price: '12.50', min_price: '5.00', max_price: '50.00',
};
const dieMade = await call('POST', '/api/v1/admin/items', adminToken, dieDraft);
const starMade = await call('POST', '/api/v1/admin/items', adminToken, starDraft);
check('the admin adds a plain item and a numbered one', dieMade.status === 201 && starMade.status === 201 &&
  starMade.body?.serialized === true && starMade.body?.total_supply === 5, JSON.stringify([dieMade, starMade]));
const DIE = dieMade.body?.id;
const STAR = starMade.body?.id;
const bought = [await buy(aliceToken, DIE, 2), await buy(aliceToken, STAR, 2), await buy(bobToken, STAR, 1)];
check('Alice buys 2 dice and 2 stars, Bob 1 star (bearer tokens)', bought.every((b) => b.status === 201) &&
  bought[1].body?.serials?.join() === '1,2' && bought[2].body?.serials?.join() === '3', JSON.stringify(bought));
let aliceCoins = await balance(ALICE, aliceToken);
let bobCoins = await balance(BOB, bobToken);
check('balances after the purchases: 735.00 and 987.50', aliceCoins === 73500 && bobCoins === 98750, `${aliceCoins} ${bobCoins}`);

// --- the browser
const checkLayout = layoutChecker(shots, 'trades');
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
const problems = [];
const foreign = [];
const contexts = [];
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
function watch(page, name) {
  watchPageApi(page);
  page.on('pageerror', (e) => problems.push(`${name}: page error: ${e.message}`));
  page.on('console', (m) => {
    // The refusals (404, 409) are expected here: the browser logs them as failed resources.
    if (m.type() === 'error' && !/Failed to load resource/.test(m.text())) problems.push(`${name}: ${m.text()}`);
  });
  page.on('request', (r) => {
    if (!r.url().startsWith(base) && !r.url().startsWith('data:')) foreign.push(r.url());
  });
}
const card = (id) => `[data-testid=trades] li[data-trade-id="${id}"]`;
const text = async (page, selector) => ((await page.textContent(selector)) ?? '').replace(/\s+/g, ' ').trim();
const previewOk = (page) => page.waitForSelector('[data-testid=trade-preview][data-state=ok]', { timeout: 10000 });
const addLine = async (page, side, item, quantity) => {
  await page.selectOption(`select[name=${side}-pick]`, String(item));
  await page.click(`[data-testid=${side}-add]`);
  await page.fill(`input[name=${side}-qty-${item}]`, String(quantity));
};

let alice = null;
let bob = null;
try {
  // ================================================================ Alice offers a die for 150.01
  alice = await signIn(ALICE, 'Алиса');
  const ap = alice.page;
  // Bob signs in now: his chat with the bot gets the trade offers later, and the sign-in link is
  // read from that chat.
  bob = await signIn(BOB, 'Bob');
  const bp = bob.page;
  // The emulator's messages carry no language_code: Bob picks English (the choice is remembered).
  await bp.click('.lang button[lang=en]');
  await bp.waitForSelector('nav a[href="/trades"]:has-text("Trades")');
  const offers = [];
  ap.on('request', (r) => {
    if (r.method() === 'POST' && new URL(r.url()).pathname === '/api/v1/trades') offers.push({ headers: r.headers(), body: r.postDataJSON() });
  });
  check('the navigation has Trades', await ap.isVisible('nav a[href="/trades"]'));
  await ap.click('nav a[href="/trades"]');
  await ap.waitForSelector('[data-testid=trades-empty]', { timeout: 10000 });
  check('no trades yet: "Открытых обменов нет."', (await text(ap, '[data-testid=trades-empty]')) === 'Открытых обменов нет.');
  await ap.click('[data-testid=trade-offer]');
  await ap.waitForSelector('[data-testid=trade-new-page] select[name=give-pick]', { timeout: 10000 });
  const giveOptions = await ap.$$eval('select[name=give-pick] option', (os) => os.map((o) => o.textContent));
  check('my side offers my items with what I hold', giveOptions.includes('Золотой кубик (у вас 2)') && giveOptions.includes('Звезда (у вас 2)'),
    JSON.stringify(giveOptions));
  await ap.fill('input[name=to]', String(BOB));
  await addLine(ap, 'give', DIE, 3);
  await ap.fill('input[name=want-coins]', '150.01');
  await ap.click('[data-testid=trade-submit]');
  check('giving more than I hold is refused beside the field', (await text(ap, '[data-testid="field-error-give.items"]')) === 'У вас только 2: Золотой кубик.',
    await text(ap, '[data-testid="field-error-give.items"]'));
  check('...and nothing was sent', offers.length === 0);
  await ap.fill(`input[name=give-qty-${DIE}]`, '1');
  await previewOk(ap);
  const pv = async (id) => text(ap, `[data-testid=${id}]`);
  check('the preview: I give 120.00, get 150.01, my fee 7.51 (5 % rounded up), theirs 0.00',
    (await pv('preview-give')) === '120.00 монет' && (await pv('preview-get')) === '150.01 монет' &&
    (await pv('preview-fee')) === '7.51 монет' && (await pv('preview-fee-theirs')) === '0.00 монет',
    await text(ap, '[data-testid=trade-preview]'));
  check('no "I understand" for a fair trade', !(await ap.isVisible('[data-testid=understand]')));
  await checkLayout(ap, 'new');
  await ap.click('[data-testid=trade-submit]');
  await ap.waitForSelector('[data-testid=trade-sent]', { timeout: 10000 });
  const T1 = Number(await ap.getAttribute('[data-testid=trade-sent]', 'data-trade-id'));
  check('the offer is sent: "Предложение #N отправлено игроку #102"', (await text(ap, '[data-testid=trade-sent]')).startsWith(`Предложение #${T1} отправлено игроку #${BOB}.`),
    await text(ap, '[data-testid=trade-sent]'));
  const key = offers[0]?.headers['idempotency-key'] ?? '';
  check('one offer request, with an Idempotency-Key and the CSRF token, giving 1 die for 150.01',
    offers.length === 1 && /^[0-9a-f-]{32,36}$/.test(key) && (offers[0].headers['x-csrf-token'] ?? '').length > 0 &&
    offers[0].body?.to === BOB && offers[0].body?.give?.items?.[0]?.item_id === DIE && offers[0].body?.give?.items?.[0]?.quantity === 1 &&
    offers[0].body?.want?.coins === '150.01' && offers[0].body?.confirm_low_value === false, JSON.stringify(offers));
  const t1 = await tradeOf(T1);
  check('the trade is pending: a die for 150.01', t1?.state === 'pending' && t1.from === ALICE && t1.to === BOB &&
    t1.give.items[0]?.item_id === DIE && t1.want.coins.amount === '150.01' && t1.want_fee.amount === '7.51', JSON.stringify(t1));
  check("Alice's die is held: her inventory shows 1", (await held(ALICE, aliceToken, DIE)).quantity === 1);
  const replay = await csrfFetch(ap, 'POST', '/api/v1/trades', offers[0].body, { 'Idempotency-Key': key });
  const pendingNow = (await call('GET', '/api/v1/trades?state=pending', aliceToken)).body?.items ?? [];
  check('a repeat of the key answers the first offer and makes no second one',
    replay.status === 200 && replay.body?.replayed === true && replay.body?.id === T1 && pendingNow.length === 1 &&
    (await held(ALICE, aliceToken, DIE)).quantity === 1, JSON.stringify([replay, pendingNow.length]));
  const sentBefore = offers.length; // the offer and the repeat of its key
  await ap.click('a[href="/trades"]:has-text("К обменам")');
  await ap.waitForSelector(card(T1), { timeout: 10000 });
  const mine = await text(ap, card(T1));
  check("Alice's card: her offer, what she gets and gives, the values and her fee",
    mine.includes(`Обмен #${T1}: ваше предложение игроку #${BOB}`) && (await text(ap, `${card(T1)} [data-testid=trade-get]`)) === '150.01 монет' &&
    (await text(ap, `${card(T1)} [data-testid=trade-give]`)) === 'Золотой кубик × 1' && mine.includes('Рыночная стоимость: 120.00 монет') &&
    (await text(ap, `${card(T1)} [data-testid=trade-fee]`)) === 'Комиссия 5 % с монет, которые вы получаете: 7.51 монет' &&
    mine.includes('ждёт ответа'), mine);
  const countdown = await text(ap, `${card(T1)} [data-testid=trade-countdown]`);
  await ap.waitForTimeout(1500);
  const countdown2 = await text(ap, `${card(T1)} [data-testid=trade-countdown]`);
  check('a live countdown to the expiry (a day)', /^Истекает через 2[34]:\d\d:\d\d$/.test(countdown) && countdown2 !== countdown, `${countdown} / ${countdown2}`);
  check('the new accounts are flagged as a warning', (await text(ap, `${card(T1)} [data-testid=trade-flags]`)).includes('зарегистрировался меньше недели назад'));
  await checkLayout(ap, 'list-ru');

  // ================================================================ Bob (English) accepts
  await bp.click('nav a[href="/trades"]');
  await bp.waitForSelector(card(T1), { timeout: 10000 });
  const his = await text(bp, card(T1));
  check("Bob's card, in English: from Alice, he gets the die, gives 150.01, no fee on items",
    his.includes(`Trade #${T1}: offered by player #${ALICE}`) && (await text(bp, `${card(T1)} [data-testid=trade-get]`)) === 'Golden die × 1' &&
    (await text(bp, `${card(T1)} [data-testid=trade-give]`)) === '150.01 coins' && his.includes('Market value: 120.00 coins') &&
    his.includes('Market value: 150.01 coins') && !(await bp.isVisible(`${card(T1)} [data-testid=trade-fee]`)) && his.includes('waiting for an answer'), his);
  await bp.waitForFunction(async (id) => (await (await fetch(`/api/v1/trades?state=pending`)).json()).items.find((x) => x.id === id)?.seen_version === 1, T1, { timeout: 5000 })
    .catch(() => {});
  check('showing the offer recorded that Bob saw it', (await tradeOf(T1))?.seen_version === 1);
  await checkLayout(bp, 'list-en');
  await bp.click(`${card(T1)} [data-testid=trade-accept]`);
  await bp.waitForSelector('[data-testid=trades-notice]', { timeout: 10000 });
  check('Bob: "Trade #N is done."', (await text(bp, '[data-testid=trades-notice]')) === `Trade #${T1} is done.`, await text(bp, '[data-testid=trades-notice]'));
  const a1 = await balance(ALICE, aliceToken);
  const b1 = await balance(BOB, bobToken);
  check('Bob paid exactly 150.01', b1 === bobCoins - 15001, `${bobCoins} -> ${b1}`);
  check('Alice got 150.01 less the fee ceil(15001/20) = 751: 142.50', a1 === aliceCoins + 15001 - Math.ceil(15001 / 20) && a1 - aliceCoins === 14250, `${aliceCoins} -> ${a1}`);
  check('the die moved: Alice 1, Bob 1', (await held(ALICE, aliceToken, DIE)).quantity === 1 && (await held(BOB, bobToken, DIE)).quantity === 1);
  check('the trade is accepted', (await tradeOf(T1))?.state === 'accepted');
  aliceCoins = a1;
  bobCoins = b1;
  await ap.waitForSelector('[data-testid=trades-empty]', { timeout: 5000 }).catch(() => {});
  check("Alice's open page follows over the WebSocket: no open trades left", await ap.isVisible('[data-testid=trades-empty]'));
  await ap.click('.switch button[data-tab=done]');
  await ap.waitForSelector(`${card(T1)}[data-state=accepted]`, { timeout: 10000 });
  check('Finished: the trade, "состоялся"', (await text(ap, `${card(T1)} [data-testid=trade-state]`)) === 'состоялся');

  // ================================================================ a lopsided offer: a star for 1.00
  await bp.click('.switch button[data-tab=pending]');
  await ap.click('nav a[href="/inventory"]');
  await ap.waitForSelector(`[data-testid=inventory] li[data-item-id="${STAR}"] [data-testid=trade-item]`, { timeout: 10000 });
  await ap.click(`[data-testid=inventory] li[data-item-id="${STAR}"] [data-testid=trade-item]`);
  await ap.waitForSelector(`input[name=give-qty-${STAR}]`, { timeout: 10000 });
  check('"Обменять" in My items puts the item on my side', (await ap.inputValue(`input[name=give-qty-${STAR}]`)) === '1');
  await ap.fill('input[name=to]', String(BOB));
  await ap.fill('input[name=want-coins]', '1');
  await previewOk(ap);
  await ap.waitForSelector('[data-testid=low-value-warning]', { timeout: 5000 });
  check('the warning names both values', (await text(ap, '[data-testid=low-value-warning]')).includes('Вы отдаёте на 12.50 монет, а получаете на 1.00 монет'),
    await text(ap, '[data-testid=low-value-warning]'));
  check('Send is disabled until "I understand"', await ap.isDisabled('[data-testid=trade-submit]'));
  await ap.setViewportSize({ width: 320, height: 900 });
  await ap.click('[data-testid=trade-submit]', { force: true }).catch(() => {});
  await ap.waitForTimeout(300);
  check('...and clicking it sends nothing', offers.length === sentBefore);
  await checkLayout(ap, 'new-lopsided');
  await ap.check('[data-testid=understand]');
  await ap.click('[data-testid=trade-submit]');
  await ap.waitForSelector('[data-testid=trade-sent]', { timeout: 10000 });
  const T2 = Number(await ap.getAttribute('[data-testid=trade-sent]', 'data-trade-id'));
  const lopsided = offers[offers.length - 1];
  check('sent after "I understand", with confirm_low_value and a new key', offers.length === sentBefore + 1 && lopsided?.body?.confirm_low_value === true &&
    lopsided.body?.want?.coins === '1.00' && lopsided.headers['idempotency-key'] !== key, JSON.stringify(lopsided));
  const t2 = await tradeOf(T2);
  check('the lopsided trade is flagged low_value; star № 1 is held', t2?.flags?.includes('low_value') && t2.give.items[0]?.serials?.join() === '1' &&
    (await held(ALICE, aliceToken, STAR)).quantity === 1, JSON.stringify(t2));
  await bp.waitForSelector(card(T2), { timeout: 5000 }).catch(() => {});
  check("the offer reaches Bob's open page live", await bp.isVisible(card(T2)));
  check('...with its warning and the serial', (await text(bp, `${card(T2)} [data-testid=trade-flags]`)).includes('One side is worth under 10 % of the other') &&
    (await text(bp, `${card(T2)} [data-testid=trade-get]`)) === 'Star × 1 (No. 1)', await text(bp, card(T2)));
  await bp.click(`${card(T2)} [data-testid=trade-decline]`);
  await bp.waitForSelector('[data-testid=trades-notice]', { timeout: 10000 });
  check('Bob declines: "declined: everything went back"', (await text(bp, '[data-testid=trades-notice]')).startsWith(`Trade #${T2} declined`));
  const starBack = await held(ALICE, aliceToken, STAR);
  check("Alice's star comes back (2, № 1 and № 2)", starBack.quantity === 2 && starBack.serials.join() === '1,2' && (await tradeOf(T2))?.state === 'declined',
    JSON.stringify(starBack));
  check('no coin moved', (await balance(ALICE, aliceToken)) === aliceCoins && (await balance(BOB, bobToken)) === bobCoins);

  // ================================================================ refused fields beside the field
  await ap.setViewportSize({ width: 1440, height: 900 });
  await go(ap, '/trades/new?to=4242');
  await ap.waitForSelector('select[name=give-pick]', { timeout: 10000 });
  check('?to= fills the recipient', (await ap.inputValue('input[name=to]')) === '4242');
  await ap.fill('input[name=want-coins]', '2.00');
  await ap.fill('textarea[name=note]', 'раз\tдва');
  await ap.waitForSelector('[data-testid=field-error-note]', { timeout: 10000 });
  check("the server's 400 (a control character) is shown beside the note", (await text(ap, '[data-testid=field-error-note]')) === 'Сообщение — до 200 байт, без управляющих символов.');
  await ap.fill('textarea[name=note]', 'за монетки');
  await previewOk(ap);
  await ap.click('[data-testid=trade-submit]');
  await ap.waitForSelector('[data-testid=field-error-to]', { timeout: 10000 });
  check('an unknown recipient is shown beside the field', (await text(ap, '[data-testid=field-error-to]')) === 'Такого игрока нет.');
  check('...and no offer was made', ((await call('GET', '/api/v1/trades?state=pending', aliceToken)).body?.items ?? []).length === 0);

  // ================================================================ changed after Bob opened it
  // Bob's second tab has no live connection (its WebSocket goes nowhere): it shows what it read.
  const stale = await bob.ctx.newPage();
  watch(stale, 'Bob (no WebSocket)');
  await stale.routeWebSocket(/\/api\/v1\/ws/, () => {});
  const o3 = await offerByApi(aliceToken, { to: BOB, give: { items: [{ item_id: STAR, quantity: 1 }] }, want: { coins: '20.00' } });
  const T3 = o3.body?.id;
  check('Alice offers a star for 20.00 (API)', o3.status === 201, JSON.stringify(o3));
  await stale.goto(`${base}/trades`);
  await stale.waitForSelector(`${card(T3)}[data-version="1"]`, { timeout: 10000 });
  for (let i = 0; i < 50 && (await tradeOf(T3))?.seen_version !== 1; i += 1) await stale.waitForTimeout(100);
  check('Bob opened it (seen version 1)', (await tradeOf(T3))?.seen_version === 1);
  const changed = await call('PUT', `/api/v1/trades/${T3}`, aliceToken, { give: { items: [{ item_id: STAR, quantity: 1 }] }, want: { coins: '25.00' } });
  check('Alice changes it (PUT): version 2, flagged changed_after_seen', changed.status === 200 && changed.body?.version === 2 &&
    changed.body?.flags?.includes('changed_after_seen'), JSON.stringify(changed));
  const before3 = [await balance(ALICE, aliceToken), await balance(BOB, bobToken), (await held(ALICE, aliceToken, STAR)).quantity, (await held(BOB, bobToken, STAR)).quantity];
  await stale.click(`${card(T3)} [data-testid=trade-accept]`);
  await stale.waitForSelector(`${card(T3)} [data-testid=trade-notice]`, { timeout: 10000 });
  check('Accept of the old version says the offer changed', (await text(stale, `${card(T3)} [data-testid=trade-notice]`)).startsWith('The offer changed while you were looking at it.'),
    await text(stale, card(T3)));
  await stale.waitForSelector(`${card(T3)}[data-version="2"]`, { timeout: 10000 });
  check('...the page reads it again: 25.00 and the warning', (await text(stale, `${card(T3)} [data-testid=trade-give]`)) === '25.00 coins' &&
    (await text(stale, `${card(T3)} [data-testid=trade-flags]`)).includes('The offer was changed after it was opened'));
  const after3 = [await balance(ALICE, aliceToken), await balance(BOB, bobToken), (await held(ALICE, aliceToken, STAR)).quantity, (await held(BOB, bobToken, STAR)).quantity];
  check('...and nothing moved', JSON.stringify(before3) === JSON.stringify(after3) && (await tradeOf(T3))?.state === 'pending', `${before3} ${after3}`);
  await stale.close();
  // Alice cancels it from her page: the star comes back.
  await ap.click('nav a[href="/trades"]');
  await ap.waitForSelector(`${card(T3)} [data-testid=trade-cancel]`, { timeout: 10000 });
  // Change: the form comes filled with the offer; saving sends PUT (no new offer) and a version 3.
  await ap.click(`${card(T3)} [data-testid=trade-change]`);
  await ap.waitForSelector(`input[name=give-qty-${STAR}]`, { timeout: 10000 });
  check('Change opens the form filled with the offer', (await ap.inputValue('input[name=to]')) === String(BOB) &&
    await ap.isDisabled('input[name=to]') && (await ap.inputValue('input[name=want-coins]')) === '25.00' &&
    (await ap.inputValue(`input[name=give-qty-${STAR}]`)) === '1');
  const puts = [];
  const onPut = (r) => { if (r.method() === 'PUT') puts.push(new URL(r.url()).pathname); };
  ap.on('request', onPut);
  const offersBefore = offers.length;
  await ap.fill('input[name=want-coins]', '30.00');
  await previewOk(ap);
  await ap.click('[data-testid=trade-submit]');
  await ap.waitForSelector('[data-testid=trade-sent]', { timeout: 10000 });
  ap.off('request', onPut);
  const t3 = await tradeOf(T3);
  check('saving the change sends PUT: version 3, 30.00, no new offer', puts.join() === `/api/v1/trades/${T3}` && offers.length === offersBefore &&
    t3?.version === 3 && t3.want.coins.amount === '30.00' && t3.give.items[0]?.serials?.join() === '1', JSON.stringify([puts, t3]));
  await ap.click('a[href="/trades"]:has-text("К обменам")');
  await ap.waitForSelector(`${card(T3)}[data-version="3"] [data-testid=trade-cancel]`, { timeout: 10000 });
  await ap.click(`${card(T3)} [data-testid=trade-cancel]`);
  await ap.waitForSelector('[data-testid=trades-notice]', { timeout: 10000 });
  check('Alice cancels: the star comes back', (await text(ap, '[data-testid=trades-notice]')).startsWith(`Обмен #${T3} отменён`) &&
    (await held(ALICE, aliceToken, STAR)).quantity === 2 && (await tradeOf(T3))?.state === 'cancelled');

  // ================================================================ Bob gives far more: "I understand"
  const o4 = await offerByApi(aliceToken, { to: BOB, give: { coins: '1.00' }, want: { items: [{ item_id: DIE, quantity: 1 }] } });
  const T4 = o4.body?.id;
  check('Alice asks for the die for 1.00 (API; she gives less: no confirmation needed)', o4.status === 201 && o4.body?.flags?.includes('low_value'), JSON.stringify(o4));
  await bp.waitForSelector(`${card(T4)} [data-testid=trade-accept]`, { timeout: 5000 }).catch(() => {});
  check("it reaches Bob's open page live", await bp.isVisible(card(T4)));
  await bp.click(`${card(T4)} [data-testid=trade-accept]`);
  await bp.waitForSelector(`${card(T4)} [data-testid=accept-confirm]`, { timeout: 10000 });
  check('Accept asks "I understand" with both values', (await text(bp, `${card(T4)} [data-testid=low-value-warning]`)).includes('You give 120.00 coins and get 1.00 coins') &&
    await bp.isDisabled(`${card(T4)} [data-testid=accept-anyway]`), await text(bp, card(T4)));
  check('...and nothing moved yet', (await held(BOB, bobToken, DIE)).quantity === 1 && (await tradeOf(T4))?.state === 'pending');
  await checkLayout(bp, 'accept-confirm');
  await bp.check(`${card(T4)} [data-testid=understand]`);
  await bp.click(`${card(T4)} [data-testid=accept-anyway]`);
  await bp.waitForSelector('[data-testid=trades-notice]', { timeout: 10000 });
  const a4 = await balance(ALICE, aliceToken);
  const b4 = await balance(BOB, bobToken);
  check('accepted after "I understand": Alice paid 1.00, Bob got 0.95, the die went back to Alice',
    (await tradeOf(T4))?.state === 'accepted' && a4 === aliceCoins - 100 && b4 === bobCoins + 100 - Math.ceil(100 / 20) &&
    (await held(ALICE, aliceToken, DIE)).quantity === 2 && (await held(BOB, bobToken, DIE)).quantity === 0, `${a4} ${b4}`);

  // ================================================================ the admin's Trades tab
  const admin = await signIn(ADMIN, 'Админ');
  const adp = admin.page;
  await adp.click('nav a[href="/admin"]');
  await adp.waitForSelector('.admin-tabs a[href="/admin/trades"]', { timeout: 10000 });
  await adp.click('.admin-tabs a[href="/admin/trades"]');
  await adp.waitForSelector('[data-testid=trade-flags] li', { timeout: 10000 });
  const flags = await adp.$$eval('[data-testid=trade-flags] li', (ls) => ls.map((l) => ({ kind: l.dataset.kind, trade: Number(l.dataset.tradeId), text: l.textContent })));
  const low = flags.find((f) => f.kind === 'low_value' && f.trade === T2);
  check('the admin sees the low_value flag of the star-for-1.00 trade, in words, with the values as money',
    low && low.text.includes('Одна сторона стоит меньше 10 % другой') && low.text.includes(`#${ALICE} → #${BOB}`) &&
    low.text.includes('12.50 монет') && low.text.includes('1.00 монет') && low.text.includes(`в выигрыше #${BOB}`) && low.text.includes(`Обмен #${T2}`),
    JSON.stringify(flags));
  check('...and changed_after_seen of the changed one', flags.some((f) => f.kind === 'changed_after_seen' && f.trade === T3 && f.text.includes('версию 1 открыли')),
    JSON.stringify(flags.map((f) => [f.kind, f.trade])));
  const apiFlags = (await call('GET', '/api/v1/admin/trade-flags', adminToken)).body?.items ?? [];
  check('the tab lists every flag the API gives, newest first', flags.length === apiFlags.length &&
    flags.map((f) => f.trade).join() === apiFlags.map((f) => f.trade_id).join(), `${flags.length} vs ${apiFlags.length}`);
  check("a player's token cannot read the flags", (await call('GET', '/api/v1/admin/trade-flags', aliceToken)).status === 403);
  await checkLayout(adp, 'admin-flags');

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
