// The admin panel end to end: headless Debian chromium (playwright-core) against the real
// `lucas serve`, with the Telegram emulator as the bot's API.
//   node tests/e2e/web_admin_e2e.mjs PATH/TO/lucas [WEB_DIR]   (WEB_DIR: default web/ beside the binary)
// Every parse goes to the review queue here (threshold 100%), so a game bot's message the bot is
// asked to read makes a review item; players' nickname claims make link claims (21: two pages).
// An admin signs in by the bot's login link, sees the Admin link, accepts one review and corrects
// the other, approves one claim (paying the credit that waited) and rejects another, finds a user
// by part of their name and opens their page, grants them coins with a reason (the balance changes;
// a replay of the same Idempotency-Key moves nothing), changes their role and back, bans them (the
// ban shows) and lifts it, previews a CSV of bulk grants (a bad row shows), applies it and applies
// it again (nothing more moves), finds the ban in the audit log, verifies the chain and exports
// CSV, sees the parser's status and drift chart, the Health page (readiness badges, a chart per
// series with at least one point, the hour/day switch), runs a job now (its new last run shown),
// reads the live logs (a job's line arrives over the WebSocket without a re-read; text and level
// filters; pause and resume), verifies a backup and works the item catalogue (a bad slug and an
// out-of-range seasonal % refused beside their field, nothing changed; an item created, listed and
// in the shop API; a slug in use 409; seasonal % and active changed by a PATCH of just those). A
// plain user gets no Admin link and a refusal at /admin (the API answers 403, the catalogue too);
// a moderator finds users and sees what the API lets a moderator see (no money, no grant form, no
// run or verify button), and the server refuses (and audits) their grant, bulk grants, job run and
// backup verification all the same; they get no Logs or Catalogue tab, and the logs and their stream are
// refused. No horizontal overflow and no tap target under 44 px at 320 and 1440 px (screenshots in
// web-screenshots/ beside the binary); Tab reaches the Admin link and the page's buttons. Every API
// answer, to this process or to the browser, is held against the server's OpenAPI document.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import {
  browserTestArgs, browserTestWorld, check, finish, freePort, pointEmulatorAt, settleApiChecks, startLucas, stopLucas,
  validateApiResponses, watchPageApi, webhookSecret, layoutProblems, layoutChecker, apiCaller, loginLinkFrom, chromiumFlags,
} from './lib.mjs';

const require = createRequire(import.meta.url);
const TelegramServer = require('telegram-test-api');
const { chromium } = require('playwright-core');

const { lucasPath, webDir, shots } = browserTestArgs('web_admin_e2e');

const ADMIN = 201;
const MODERATOR = 202;
const PLAYER = 101; // a plain user
const TARGET = 103; // the one banned
const CLAIMER = 104; // claims the nickname
const COLLECTOR = 105; // claims 20 more nicknames: the claim queue needs a second page

const token = '525252:web-admin-e2e-token';
const { emulator, emulatorPort, dataDir, profiles, env } = await browserTestWorld(
  'web_admin_e2e', token, webDir, {
    // Every model parse goes to the review queue: a sure way to have an item in it.
    LUCAS_PARSER_REVIEW_THRESHOLD_PCT: '100',
    // A script clicks faster than an admin: the whole walk makes over 100 API requests a minute.
    LUCAS_HTTP_RATE_LIMIT_PER_MINUTE: '400',
  });
const downloads = mkdtempSync(join(tmpdir(), 'lucas-web-admin-e2e-downloads-'));
const cli = (...args) =>
  execFileSync(lucasPath, args, { env: { ...process.env, LUCAS_LOG_LEVEL: 'warn', ...env } }).toString();
cli('migrate');
cli('parser', 'train');
cli('parser', 'drift'); // one drift check for the chart
cli('user', 'add', '--id', String(ADMIN), '--username', 'root', '--name', 'Админ', '--language', 'ru', '--role', 'admin');
cli('user', 'add', '--id', String(MODERATOR), '--username', 'mod', '--name', 'Модератор', '--language', 'ru', '--role', 'moderator');
cli('user', 'add', '--id', String(PLAYER), '--username', 'alice', '--name', 'Алиса', '--language', 'ru');
cli('user', 'add', '--id', String(TARGET), '--username', 'mallory', '--name', 'Mallory', '--language', 'ru');
cli('user', 'add', '--id', String(CLAIMER), '--username', 'bob', '--name', 'Боб', '--language', 'ru');
cli('user', 'add', '--id', String(COLLECTOR), '--username', 'carol', '--name', 'Кэрол', '--language', 'ru');
cli('ledger', 'grant', '--user', String(TARGET), '--amount', '5.00', '--key', 'web-admin-e2e-103');
// Backups on: a key and one full backup for the Backups page to list and verify.
env.LUCAS_BACKUP_KEY_FILE = join(dataDir, 'backup.key');
cli('backup', 'keygen', '--output', env.LUCAS_BACKUP_KEY_FILE);
cli('backup', 'create');
const claimerToken = cli('token', 'create', '--user', String(CLAIMER)).trim();
const collectorToken = cli('token', 'create', '--user', String(COLLECTOR)).trim();
// The catalogue's checks read the shop as the admin and as a plain user (bearer tokens).
const adminToken = cli('token', 'create', '--user', String(ADMIN)).trim();
const playerToken = cli('token', 'create', '--user', String(PLAYER)).trim();

// At info, so that the Logs page has the node's start and the jobs' lines to show.
const { process: lucas, port } = await startLucas(lucasPath, { ...env, LUCAS_LOG_LEVEL: 'info', LUCAS_HTTP_ACCESS_LOG: 'false' });
const base = `http://127.0.0.1:${port}`;
const call = apiCaller(base);
pointEmulatorAt(emulator, token, port);
await validateApiResponses(base);

// --- the states the queues show: a review item (a game bot's message), a nickname claim
const chatId = -1003;
const group = emulator.getClient(token, {
  userId: TARGET, firstName: 'Mallory', userName: 'mallory', chatId, type: 'supergroup', timeout: 8000,
});
const shmalala = { id: 901, is_bot: true, first_name: 'Shmalala', username: 'shmalala_bot' };
const fishing = '🎣 [Рыбалка] 🎣\n\nРыбак: Боб\nОпыт: +4 (405 / 782)🔋\n\nМонеты: +30 (3947)💰\nЭнергии осталось: 6 ⚡️';
await group.sendMessage(group.makeMessage('парсинг', {
  reply_to_message: {
    message_id: 6001, date: Math.floor(Date.now() / 1000) - 10, chat: { id: chatId, type: 'supergroup' },
    from: shmalala, text: fishing,
  },
}));
const queued = (await group.getUpdates()).result.map((u) => u.message.text).join('\n');
check('a game message waits for an admin (review queued)', /№\d+/.test(queued), queued);
await group.sendMessage(group.makeMessage('парсинг', {
  reply_to_message: {
    message_id: 6002, date: Math.floor(Date.now() / 1000) - 10, chat: { id: chatId, type: 'supergroup' },
    from: shmalala, text: '🎣 [Рыбалка] 🎣\n\nРыбак: Зоя\nМонеты: +7 (100)💰',
  },
}));
const queued2 = (await group.getUpdates()).result.map((u) => u.message.text).join('\n');
check('a second game message waits for an admin', /№\d+/.test(queued2), queued2);
const claimed = await fetch(`${base}/api/v1/users/${CLAIMER}/links`, {
  method: 'POST',
  headers: { Authorization: `Bearer ${claimerToken}`, 'Content-Type': 'application/json' },
  body: JSON.stringify({ game: 'shmalala', nickname: 'Боб' }),
});
cli('parser', 'drift'); // a second drift check, after a model parse: a line on the chart
check('a player claims a nickname', claimed.status === 201, `${claimed.status} ${await claimed.text()}`);
const more = [];
for (let i = 1; i <= 20; i += 1) {
  const r = await fetch(`${base}/api/v1/users/${COLLECTOR}/links`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${collectorToken}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ game: 'gd_cards', nickname: `Игрок${String(i).padStart(2, '0')}` }),
  });
  more.push(r.status);
}
check('20 more claims', more.every((x) => x === 201), JSON.stringify(more));

// --- signing in by the bot's one-time link
const loginLink = (userId, name) => loginLinkFrom(emulator, token, base, userId, name);

const flags = chromiumFlags;
let profileCount = 0;
const signIn = async (userId, name) => {
  profileCount += 1;
  const ctx = await chromium.launchPersistentContext(join(profiles, `p${profileCount}`), {
    executablePath: process.env.CHROME_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: flags,
    viewport: { width: 1440, height: 900 },
    acceptDownloads: true,
    downloadsPath: downloads,
  });
  const page = ctx.pages()[0] ?? (await ctx.newPage());
  watchPageApi(page);
  const problems = [];

  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    // Refused API calls (403) are expected here: the browser logs them as failed resources.
    if (m.type() === 'error' && !/Failed to load resource/.test(m.text())) problems.push(m.text());
  });
  await page.goto(await loginLink(userId, name));
  await page.waitForSelector('[data-testid=balance]', { timeout: 10000 });
  return { ctx, page, problems };
};
// Client-side navigation, as a click on an internal link does.
const go = async (page, path) => {
  await page.evaluate((p) => { history.pushState(null, '', p); dispatchEvent(new PopStateEvent('popstate')); }, path);
};
const csrfFetch = (page, method, path, body, headers = {}, full = false) =>
  page.evaluate(async ([m, p, b, h, f]) => {
    const s = await (await fetch('/api/v1/auth/session')).json();
    const r = await fetch(p, {
      method: m,
      headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': s.csrf_token, ...h },
      body: b === undefined ? undefined : JSON.stringify(b),
    });
    return f ? { status: r.status, body: await r.json().catch(() => null) } : r.status;
  }, [method, path, body, headers, full]);
const apiGet = (page, path) =>
  page.evaluate((p) => fetch(p).then(async (r) => ({ status: r.status, body: await r.json().catch(() => null) })), path);

const checkLayout = layoutChecker(shots, 'admin');

// Tabs from the top of the page; what got focus, in order (tag|href|testid|text).
const tabThrough = async (page, presses) => {
  // Start from the brand link, the first control of every page.
  await page.focus('a.brand');
  const seen = [];
  for (let i = 0; i < presses; i += 1) {
    await page.keyboard.press('Tab');
    seen.push(await page.evaluate(() => {
      const el = document.activeElement;
      if (!el || el === document.body) return '';
      return `${el.tagName.toLowerCase()}|${el.getAttribute('href') ?? ''}|${el.getAttribute('data-testid') ?? ''}|${(el.textContent ?? '').trim()}`;
    }));
  }
  return seen;
};

const contexts = [];
try {
  // ================================================================ the admin
  const admin = await signIn(ADMIN, 'Админ');
  contexts.push(admin);
  const { page } = admin;
  check('an admin sees the Admin link', await page.isVisible('nav a[href="/admin"]'));
  const focus = await tabThrough(page, 12);
  check('Tab reaches the Admin link', focus.some((f) => f.startsWith('a|/admin|')), JSON.stringify(focus));

  // --- queues: the review
  await page.click('nav a[href="/admin"]');
  await page.waitForSelector('[data-testid=admin-panel]', { timeout: 10000 });
  await page.waitForSelector('[data-testid=reviews] li', { timeout: 10000 });
  check('two reviews are waiting', (await page.$$('[data-testid=reviews] li')).length === 2);
  const review = await page.textContent('[data-testid=reviews] li');
  check('the review queue shows the message text', review.includes('Рыбак: Боб'), review);
  check('the review shows the model reading and its confidence', /shmalala/.test(review) && /уверенность \d/.test(review), review);
  check('the claim queue shows the claim', (await page.textContent('[data-testid=claims]')).includes('Боб'));
  const firstPage = (await page.$$('[data-testid=claims] li')).length;
  await page.click('[data-testid=claims] + button:has-text("Показать ещё")');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=claims] li').length === 21, null, { timeout: 10000 });
  check('the claim queue pages: 20, then the 21st on "more"', firstPage === 20 && !(await page.isVisible('[data-testid=claims] + button')), String(firstPage));
  check('no given-up events: an empty state', await page.isVisible('[data-testid=outbox-empty]'));
  check('admin: nothing refused on the queues', (await page.$$('[data-testid=admin-refused]')).length === 0);
  const queueFocus = await tabThrough(page, 40);
  check('Tab reaches the queue buttons', queueFocus.some((f) => f.startsWith('button|') && f.endsWith('|Принять')) &&
    queueFocus.some((f) => f.startsWith('button|') && f.endsWith('|Одобрить')), JSON.stringify(queueFocus));

  // The layout check can fail: a 20 px button is caught.
  await page.evaluate(() => {
    const b = document.createElement('button');
    b.id = 'tiny';
    b.style.cssText = 'min-height:0;min-width:0;width:20px;height:20px;padding:0';
    document.querySelector('main').appendChild(b);
  });
  const caught = await layoutProblems(page);
  check('the tap-target check catches a 20 px button', caught.small.some((x) => x.startsWith('button#tiny')), JSON.stringify(caught.small));
  await page.evaluate(() => document.getElementById('tiny').remove());

  // screenshots and layout with items in the queues
  await checkLayout(page, 'queues');

  await page.click('[data-testid=reviews] li:has-text("Рыбак: Боб") button:has-text("Принять")');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=reviews] li').length === 1, null, { timeout: 10000 });
  const outcome = await page.textContent('[data-testid=admin-outcome]');
  check('accepting a review: the item is gone and the decision shown',
    outcome.includes('Решение сохранено') && !(await page.textContent('[data-testid=reviews]')).includes('Рыбак: Боб'), outcome);
  const reviews = await apiGet(page, '/api/v1/admin/parser/reviews?status=accepted');
  check('the review is accepted on the server', reviews.body?.items?.length === 1, JSON.stringify(reviews));
  await page.click('[data-testid=reviews] li button:has-text("Исправить")');
  await page.waitForSelector('[data-testid=correct-form]');
  await page.fill('[data-testid=correct-form] textarea', '{not json');
  await page.click('[data-testid=correct-form] button[type=submit]');
  check('a correction with broken events is caught before sending',
    (await page.textContent('[data-testid=correct-form]')).includes('списком в JSON'));
  await page.fill('[data-testid=correct-form] textarea', JSON.stringify([{ player: 'Зоя', amount: '8', currency: 'coins', type: 'accrual' }]));
  await page.click('[data-testid=correct-form] button[type=submit]');
  await page.waitForSelector('[data-testid=reviews-empty]', { timeout: 10000 });
  const corrected = await apiGet(page, '/api/v1/admin/parser/reviews?status=corrected');
  check('correcting a review: the queue is empty and the server has the correction',
    corrected.body?.items?.length === 1 && JSON.stringify(corrected.body.items[0].final).includes('"8'), JSON.stringify(corrected.body));

  // --- queues: the claim (the accepted credit waits for Боб, the claim pays it)
  await page.reload();
  await page.waitForSelector('[data-testid=unclaimed] li', { timeout: 10000 });
  check('the accepted credit waits for its nickname', (await page.textContent('[data-testid=unclaimed]')).includes('Боб'));
  await page.waitForSelector('[data-testid=claims] li');
  await page.click('[data-testid=claims] li:has-text("shmalala: Боб") button:has-text("Одобрить")');
  await page.waitForSelector('[data-testid=admin-outcome]', { timeout: 10000 });
  const approved = await page.textContent('[data-testid=admin-outcome]');
  check('approving the claim: it leaves the queue with its payout',
    approved.includes('Боб') && approved.includes('привязан, выплат: 1') && !(await page.textContent('[data-testid=claims]')).includes('Боб'), approved);
  await page.fill('[data-testid=claims] li:has-text("Игрок01") input', 'не ваш ник');
  await page.click('[data-testid=claims] li:has-text("Игрок01") button:has-text("Отклонить")');
  await page.waitForFunction(() => !document.querySelector('[data-testid=claims]')?.textContent.includes('Игрок01'), null, { timeout: 10000 });
  const rejected = await apiGet(page, '/api/v1/admin/links/claims?status=rejected');
  check('rejecting a claim with a reason: gone from the queue, rejected on the server',
    rejected.body?.items?.length === 1 && rejected.body.items[0].nickname === 'Игрок01' && rejected.body.items[0].note.includes('не ваш ник'), JSON.stringify(rejected.body));
  const links = await apiGet(page, `/api/v1/users/${CLAIMER}/links`);
  check('the nickname is linked on the server', links.body?.links?.some((l) => l.nickname === 'Боб'), JSON.stringify(links));

  // --- users: search, the user's page, a grant with a reason
  await page.click('.admin-tabs a[href="/admin/users"]');
  await page.fill('#user-search', 'MALL');
  await page.click('[data-testid=user-search]');
  await page.waitForSelector('[data-testid=user-results] li', { timeout: 10000 });
  const found = await page.$$eval('[data-testid=user-results] li', (ls) => ls.map((l) => l.textContent));
  check('searching part of a name finds the user', found.length === 1 && found[0].includes('Mallory') && found[0].includes('@mallory'), JSON.stringify(found));
  await page.fill('#user-search', 'алиса');
  await page.click('[data-testid=user-search]');
  await page.waitForFunction(() => document.querySelector('[data-testid=user-results]')?.textContent.includes('Алиса'), null, { timeout: 10000 });
  check('a Cyrillic name is found in another case', true);
  await page.fill('#user-search', 'mall');
  await page.click('[data-testid=user-search]');
  await page.waitForFunction(() => document.querySelector('[data-testid=user-results]')?.textContent.includes('Mallory'), null, { timeout: 10000 });
  await page.click(`[data-testid=user-results] a[href="/admin/users/${TARGET}"]`);
  await page.waitForSelector('[data-testid=user-ban-state]', { timeout: 10000 });
  check('the user page has its own address', page.url().endsWith(`/admin/users/${TARGET}`), page.url());
  check('the user page shows the full profile', (await page.textContent('[data-testid=user-profile]')).includes('@mallory'));
  check('the user page shows the balance', (await page.textContent('[data-testid=user-balances]')).includes('5.00'));
  await page.waitForSelector('[data-testid=user-history] li');
  check('the user page shows the transactions', (await page.$$('[data-testid=user-history] li')).length === 1);
  check('not banned yet', (await page.textContent('[data-testid=user-ban-state]')).includes('Не заблокирован'));
  await page.fill('#adjust-amount', '12.50');
  await page.click('[data-testid=adjust-submit]'); // no reason: the form refuses (required)
  check('a grant needs a reason', (await page.$$('[data-testid=adjust-outcome]')).length === 0);
  await page.fill('#adjust-reason', 'e2e турнир');
  await page.click('[data-testid=adjust-submit]');
  await page.waitForSelector('[data-testid=adjust-outcome]', { timeout: 10000 });
  const granted = await page.textContent('[data-testid=adjust-outcome]');
  check('the grant is confirmed with the new balance', granted.includes('Начислено 12.50') && granted.includes('17.50'), granted);
  await page.waitForFunction(() => document.querySelector('[data-testid=user-balances]')?.textContent.includes('17.50'), null, { timeout: 10000 });
  check('the balance on the page changes', true);
  const afterGrant = await apiGet(page, `/api/v1/users/${TARGET}/balance`);
  check('the grant is real on the server', afterGrant.body?.balance?.amount === '17.50', JSON.stringify(afterGrant.body));
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=user-history] li').length === 2, null, { timeout: 10000 });
  check('the grant shows in the history with its reason', (await page.textContent('[data-testid=user-history]')).includes('e2e турнир'));
  await page.waitForFunction(() => document.querySelector('[data-testid=user-trail]')?.textContent.includes('admin.grant'), null, { timeout: 10000 });
  check('the grant shows in the user\'s audit trail, with its reason', (await page.textContent('[data-testid=user-trail]')).includes('e2e турнир'));
  const replay = [];
  for (let i = 0; i < 2; i += 1) {
    replay.push(await csrfFetch(page, 'POST', `/api/v1/admin/users/${TARGET}/adjust`, { amount: '1.00', reason: 'e2e replay' },
      { 'Idempotency-Key': 'e2e-replay-1' }, true));
  }
  const replayed = await apiGet(page, `/api/v1/users/${TARGET}/balance`);
  check('the same Idempotency-Key twice moves the coins once',
    replay[0].status === 200 && replay[1].body?.replayed === true && replay[1].body?.transfer_id === replay[0].body?.transfer_id &&
      replayed.body?.balance?.amount === '18.50', JSON.stringify([replay, replayed.body]));
  const conflict = await csrfFetch(page, 'POST', `/api/v1/admin/users/${TARGET}/adjust`, { amount: '2.00', reason: 'e2e replay' },
    { 'Idempotency-Key': 'e2e-replay-1' });
  check('the same key with another body is a conflict', conflict === 409, String(conflict));
  check('an admin may not grant themself', (await csrfFetch(page, 'POST', `/api/v1/admin/users/${ADMIN}/adjust`, { amount: '1', reason: 'me' },
    { 'Idempotency-Key': 'e2e-self' })) === 403);
  await page.reload();
  await page.waitForSelector('[data-testid=role-form]', { timeout: 10000 });
  await page.selectOption('#user-role', 'moderator');
  await page.click('[data-testid=role-save]');
  await page.waitForFunction(() => document.querySelector('[data-testid=user-role]')?.textContent === 'модератор', null, { timeout: 10000 });
  check('the role changes on the server', (await apiGet(page, `/api/v1/users/${TARGET}`)).body?.role === 'moderator');
  await page.selectOption('#user-role', 'user');
  await page.click('[data-testid=role-save]');
  await page.waitForFunction(() => document.querySelector('[data-testid=user-role]')?.textContent === 'пользователь', null, { timeout: 10000 });
  check('and back', (await apiGet(page, `/api/v1/users/${TARGET}`)).body?.role === 'user');
  await checkLayout(page, 'users');
  const userFocus = await tabThrough(page, 40); // the nav and the admin tabs come first
  check('Tab reaches the ban button', userFocus.some((f) => f.startsWith('button||ban|')), JSON.stringify(userFocus));
  await page.click('[data-testid=ban]'); // no reason: the form refuses (required)
  check('a ban needs a reason', (await page.textContent('[data-testid=user-ban-state]')).includes('Не заблокирован'));
  await page.fill('#ban-reason', 'e2e спам');
  await page.fill('#ban-until', '2099-01-01');
  await page.click('[data-testid=ban]');
  await page.waitForSelector('[data-testid=unban]', { timeout: 10000 });
  const banState = await page.textContent('[data-testid=user-ban-state]');
  check('the ban shows with its reason', banState.includes('Заблокирован') && banState.includes('e2e спам'), banState);
  const banned = await apiGet(page, `/api/v1/users/${TARGET}`);
  check('the ban is real on the server', banned.body?.ban?.reason === 'e2e спам' && banned.body?.ban?.until?.startsWith('2099-01-01'), JSON.stringify(banned.body));
  await page.click('[data-testid=unban]');
  await page.waitForSelector('[data-testid=ban]', { timeout: 10000 });
  const unbanned = await apiGet(page, `/api/v1/users/${TARGET}`);
  check('unban lifts it, on the page and on the server',
    (await page.textContent('[data-testid=user-ban-state]')).includes('Не заблокирован') && unbanned.body?.ban === null, JSON.stringify(unbanned.body));
  await go(page, `/admin/users/${MODERATOR}`);
  await page.waitForFunction(() => document.querySelector('[data-testid=user-profile]')?.textContent.includes('@mod'), null, { timeout: 10000 });
  check('an admin may ban a moderator (ranked below): the form is there', await page.isVisible('[data-testid=ban]'));
  await go(page, `/admin/users/${ADMIN}`);
  await page.waitForFunction(() => document.querySelector('[data-testid=user-title]')?.textContent === 'Админ', null, { timeout: 10000 });
  check('no ban form and no grant form on oneself', !(await page.isVisible('[data-testid=ban]')) && !(await page.isVisible('[data-testid=adjust-form]')));

  // --- bulk grants: preview (a bad row shows), apply, apply again (nothing more moves)
  const before = await Promise.all([PLAYER, CLAIMER].map((id) => apiGet(page, `/api/v1/users/${id}/balance`)));
  await page.click('.admin-tabs a[href="/admin/grants"]');
  await page.fill('#grants-csv', `telegram_id,amount,reason\n${PLAYER},1.00,"e2e бонус, весна"\n${CLAIMER},2.50,e2e бонус\n999999,1.00,нет такого\n${PLAYER},3.00,дубль\n`);
  await page.click('[data-testid=grants-preview]');
  await page.waitForSelector('[data-testid=grants-preview-result]', { timeout: 10000 });
  const bad = await page.$$eval('[data-testid=grant-rows] li[data-status=invalid]', (ls) => ls.map((l) => l.textContent));
  check('the preview shows the bad rows', bad.length === 2 && bad.some((b) => b.includes('unknown_user')) && bad.some((b) => b.includes('duplicate')), JSON.stringify(bad));
  const totals = await page.textContent('[data-testid=grants-totals]');
  check('the preview totals the valid rows', totals.includes('Верных строк: 2') && totals.includes('3.50'), totals);
  await checkLayout(page, 'grants');
  await page.click('[data-testid=grants-apply]');
  await page.waitForSelector('[data-testid=grants-result]', { timeout: 10000 });
  const result = await page.textContent('[data-testid=grants-result-totals]');
  check('applying credits the valid rows', result.includes('Начислено сейчас: 2') && result.includes('3.50'), result);
  const minor = (r) => Math.round(Number(r.body?.balance?.amount ?? 'NaN') * 100);
  const after1 = await Promise.all([PLAYER, CLAIMER].map((id) => apiGet(page, `/api/v1/users/${id}/balance`)));
  check('the balances grew by the rows', minor(after1[0]) - minor(before[0]) === 100 && minor(after1[1]) - minor(before[1]) === 250,
    JSON.stringify([before.map((x) => x.body), after1.map((x) => x.body)]));
  await page.click('[data-testid=grants-reapply]');
  await page.waitForFunction(() => document.querySelector('[data-testid=grants-result-totals]')?.textContent.includes('уже было начислено: 2'), null, { timeout: 10000 });
  const again = await page.textContent('[data-testid=grants-result-totals]');
  check('applying again moves nothing', again.includes('Начислено сейчас: 0'), again);
  const after2 = await Promise.all([PLAYER, CLAIMER].map((id) => apiGet(page, `/api/v1/users/${id}/balance`)));
  check('the balances did not move again', minor(after2[0]) === minor(after1[0]) && minor(after2[1]) === minor(after1[1]),
    JSON.stringify(after2.map((x) => x.body)));

  // --- audit: the ban entry, verify, CSV
  await page.click('.admin-tabs a[href="/admin/audit"]');
  await page.waitForSelector('[data-testid=audit] li', { timeout: 10000 });
  await page.fill('#audit-action', 'admin.ban');
  await page.click('[data-testid=audit-search]');
  await page.waitForFunction(() => {
    const items = [...document.querySelectorAll('[data-testid=audit] li')];
    return items.length > 0 && items.every((li) => li.getAttribute('data-action') === 'admin.ban');
  }, null, { timeout: 10000 });
  const entries = await page.$$eval('[data-testid=audit] li', (ls) => ls.map((l) => l.textContent));
  check('the audit search finds the ban', entries.length === 1 && entries[0].includes(`кто: ${ADMIN}`) && entries[0].includes(String(TARGET)), JSON.stringify(entries));
  await page.click('[data-testid=audit-verify]');
  await page.waitForSelector('[data-testid=audit-verify-result]', { timeout: 20000 });
  const verify = await page.textContent('[data-testid=audit-verify-result]');
  check('verify says the chain is intact', verify.includes('Цепочка цела'), verify);
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=audit-export]')]);
  const csv = readFileSync(await download.path(), 'utf8');
  const csvLines = csv.trim().split(/\r?\n/);
  check('the CSV export has the header and the shown row',
    csvLines[0] === 'seq,at,actor,action,target,ip,result,details,source,prev_hash,hash' &&
      csvLines.length === 2 && csvLines[1].includes(',admin.ban,') && csvLines[1].includes('e2e спам'),
    csv);
  await page.fill('#audit-action', '');
  await page.click('[data-testid=audit-search]');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=audit] li').length > 1, null, { timeout: 10000 });
  const auditFocus = await tabThrough(page, 50);  // the nav, the admin tabs and the filters come first
  check('Tab reaches the audit buttons', ['audit-search', 'audit-verify'].every((id) => auditFocus.some((f) => f.includes(`|${id}|`))), JSON.stringify(auditFocus));
  await checkLayout(page, 'audit');

  // --- parser: status and drift
  await page.click('.admin-tabs a[href="/admin/parser"]');
  await page.waitForSelector('[data-testid=parser-status]', { timeout: 10000 });
  const status = await page.textContent('[data-testid=parser-status]');
  check('the parser status shows the active model', status.includes('v1'), status);
  await page.waitForSelector('[data-testid=drift-chart]', { timeout: 10000 });
  const drawn = await page.$$eval('[data-testid=drift-chart] path', (ps) => ps.map((p) => p.getAttribute('d')));
  check('the drift history is charted (two checks: two lines of two points)',
    drawn.length === 2 && drawn.every((d) => /^M[\d.]+,[\d.]+ L[\d.]+,[\d.]+$/.test(d)), JSON.stringify(drawn));
  await checkLayout(page, 'parser');

  // --- health: readiness badges and the charts of the last hour, then the day
  await page.click('.admin-tabs a[href="/admin/health"]');
  check('the Health tab comes first', (await page.getAttribute('.admin-tabs a:first-child', 'href')) === '/admin/health');
  await page.waitForSelector('[data-testid=health-charts][data-window=hour]', { timeout: 10000 });
  const readiness = await page.textContent('[data-testid=health-readiness]');
  check('readiness badges: ready, the database, Redis off', readiness.includes('Готов') && readiness.includes('sqlite') &&
    readiness.includes('Redis: не настроен'), readiness);
  const charts = await page.$$eval('[data-testid=health-charts] figure', (fs) =>
    fs.map((f) => ({ id: f.dataset.testid, points: Number(f.dataset.points), label: f.querySelector('svg').getAttribute('aria-label'), marks: f.querySelectorAll('path.series, circle.dot').length })));
  const ws = charts.find((c) => c.id === 'health-chart-ws.connections');
  check('the Health page charts every series', charts.length === 12, JSON.stringify(charts));
  check('a chart shows at least one point, drawn', ws && ws.points >= 1 && ws.marks >= 1, JSON.stringify(ws));
  check('a chart\'s accessible text has its title and latest value', ws && /^Подключения WebSocket: \d+$/.test(ws.label), ws?.label);
  await page.click('[data-testid=health-window-day]');
  await page.waitForSelector('[data-testid=health-charts][data-window=day]', { timeout: 10000 });
  check('the window switch shows the day', (await page.getAttribute('[data-testid=health-window-day]', 'aria-pressed')) === 'true' &&
    (await page.getAttribute('[data-testid=health-window-hour]', 'aria-pressed')) === 'false');
  const day = await apiGet(page, '/api/v1/admin/health?window=day');
  check('the API answers the day window', day.status === 200 && day.body.window === 'day' && day.body.timestamps.length >= 1, JSON.stringify(day.body?.timestamps));
  await page.click('[data-testid=health-window-hour]');
  await page.waitForSelector('[data-testid=health-charts][data-window=hour]', { timeout: 10000 });
  await checkLayout(page, 'health');

  // --- jobs: run one now; its new last run is shown
  await page.click('.admin-tabs a[href="/admin/jobs"]');
  await page.waitForSelector('[data-testid=jobs] li[data-job="outbox.prune"]', { timeout: 10000 });
  const jobsBefore = (await apiGet(page, '/api/v1/admin/jobs')).body.items.find((j) => j.name === 'outbox.prune');
  await page.click('[data-testid="job-run-outbox.prune"]');
  await page.waitForSelector('[data-testid=admin-outcome]', { timeout: 20000 });
  const jobsAfter = (await apiGet(page, '/api/v1/admin/jobs')).body.items.find((j) => j.name === 'outbox.prune');
  const shownRun = await page.textContent('li[data-job="outbox.prune"] [data-testid=job-last-run]');
  check('run now: the job ran once more, ok', jobsAfter.runs === jobsBefore.runs + 1 && jobsAfter.last_result === 'ok', JSON.stringify(jobsAfter));
  check('the Jobs page shows the new last run and its result', shownRun !== '—' && shownRun !== '' &&
    (await page.textContent('li[data-job="outbox.prune"] [data-testid=job-result]')) === 'успешно' &&
    (await page.textContent('[data-testid=admin-outcome]')).includes('outbox.prune'), shownRun);
  await checkLayout(page, 'jobs');

  // --- live logs: the node's lines, filtered; a new line arrives over the WebSocket, not a re-read
  await page.click('.admin-tabs a[href="/admin/logs"]');
  await page.waitForSelector('[data-testid=logs] li', { timeout: 10000 });
  check('the Logs tab is last', (await page.getAttribute('.admin-tabs a:last-child', 'href')) === '/admin/logs');
  const startLines = await page.$$eval('[data-testid=logs] li', (ls) => ls.map((l) => [l.dataset.level, l.textContent]));
  check('the logs show the start of the node at info and above', startLines.some(([, text]) => text.includes('listening on http')) &&
    startLines.every(([level]) => ['info', 'warn', 'error', 'critical'].includes(level)), JSON.stringify(startLines.slice(0, 5)));
  check('the logs count warnings and errors since the start', /ошибок: \d+/.test(await page.textContent('[data-testid=logs-errors]')));
  await page.waitForFunction(() => document.querySelector('[data-testid=live-status]')?.classList.contains('open'), null, { timeout: 10000 });
  const logReads = [];
  const onRequest = (r) => { if (r.url().includes('/api/v1/admin/logs')) logReads.push(r.url()); };
  page.on('request', onRequest);
  // Jobs also ran at the start: a run's line is told from theirs by counting.
  const linesOf = (text) => page.$$eval('[data-testid=logs] li', (ls, t) => ls.filter((l) => l.textContent.includes(t)).length, text);
  const prunes = await linesOf('job telegram.prune done');
  check('an admin runs another job for a fresh log line',
    (await csrfFetch(page, 'POST', '/api/v1/admin/jobs/telegram.prune/run')) === 200);
  await page.waitForFunction(([n]) => [...document.querySelectorAll('[data-testid=logs] li')].filter((l) => l.textContent.includes('job telegram.prune done')).length === n + 1,
    [prunes], { timeout: 5000 });
  check('the new line arrived live, without re-reading the logs', logReads.length === 0, JSON.stringify(logReads));
  check('the newest line is on top', (await page.textContent('[data-testid=logs] li:first-child')).includes('job telegram.prune done'));
  page.off('request', onRequest);
  // Filters: a text, then a level nothing reaches.
  await page.fill('input[name=q]', 'telegram.prune');
  await page.waitForFunction(() => {
    const ls = [...document.querySelectorAll('[data-testid=logs] li')];
    return ls.length > 0 && ls.every((l) => l.textContent.includes('telegram.prune'));
  }, null, { timeout: 5000 });
  check('the text filter keeps only matching lines', true);
  await page.selectOption('select[name=level]', 'critical');
  await page.waitForSelector('[data-testid=logs-empty]', { timeout: 5000 });
  check('a level nothing reached: an empty state', (await page.$$('[data-testid=logs] li')).length === 0);
  const badLevel = await apiGet(page, '/api/v1/admin/logs?level=loud');
  check('an unknown level is a clear 400', badLevel.status === 400 && /level is one of/.test(badLevel.body?.message), JSON.stringify(badLevel));
  await page.selectOption('select[name=level]', 'info');
  await page.fill('input[name=q]', '');
  await page.waitForFunction(() => document.querySelector('[data-testid=logs]')?.textContent.includes('listening on http'), null, { timeout: 5000 });
  // Paused, a new line waits; resumed, it is read.
  await page.click('[data-testid=logs-pause]');
  check('pause: live following stops', (await page.getAttribute('[data-testid=logs-pause]', 'aria-pressed')) === 'true' &&
    !(await page.isVisible('[data-testid=live-status]')));
  const realtimePrunes = await linesOf('job realtime.prune done');
  check('another job run while paused', (await csrfFetch(page, 'POST', '/api/v1/admin/jobs/realtime.prune/run')) === 200);
  await page.waitForTimeout(1500);
  check('paused: the new line is not shown', (await linesOf('job realtime.prune done')) === realtimePrunes);
  await page.click('[data-testid=logs-pause]');
  await page.waitForFunction(([n]) => [...document.querySelectorAll('[data-testid=logs] li')].filter((l) => l.textContent.includes('job realtime.prune done')).length === n + 1,
    [realtimePrunes], { timeout: 5000 });
  check('resumed: the line logged meanwhile is read', true);
  await checkLayout(page, 'logs');


  // --- the item catalogue: a bad slug refused beside its field (nothing created), an item
  // created (listed here and by the shop's API), then its seasonal modifier and activity changed
  // (only those two fields sent).
  const everything = async () => (await call('GET', '/api/v1/shop/items?all=true&limit=100', adminToken)).body;
  const catalogueBefore = await everything();
  check('the API lists the whole catalogue to an admin', Array.isArray(catalogueBefore?.items), JSON.stringify(catalogueBefore));
  await page.click('.admin-tabs a[href="/admin/catalogue"]');
  await page.waitForSelector('[data-testid=catalogue], [data-testid=catalogue-empty]', { timeout: 10000 });
  check('the catalogue lists every item the API has', (await page.$$('[data-testid=catalogue] li')).length === catalogueBefore.items.length,
    String(catalogueBefore.items.length));
  const fillItem = async (slug) => {
    await page.fill('#item-slug', slug);
    await page.fill('#item-category', 'lamp_shop');
    await page.fill('#item-name_ru', 'Лампа e2e');
    await page.fill('#item-name_en', 'E2E lamp');
    await page.fill('#item-description_ru', 'Светит');
    await page.selectOption('#item-rarity', 'rare');
    await page.fill('#item-base_price', '100.00');
    await page.fill('#item-min_price', '50.00');
    await page.fill('#item-max_price', '200.00');
    await page.fill('#item-total_supply', '10');
    await page.fill('#item-per_user_limit', '2');
  };
  await fillItem('Bad Slug!');
  await page.click('[data-testid=catalogue-save]');
  await page.waitForSelector('[data-field=slug] [data-testid=field-error-slug]', { timeout: 10000 });
  const slugError = await page.textContent('[data-testid=field-error-slug]');
  check('a bad slug: the server\'s 400 shows beside the slug field', slugError.includes('(400)') && slugError.includes('slug'), slugError);
  check('a bad slug: no other field is blamed', (await page.$$('[data-testid^=field-error-]')).length === 1);
  const afterBad = await everything();
  check('a bad slug: nothing created', afterBad.total === catalogueBefore.total &&
    !afterBad.items.some((i) => i.name.en === 'E2E lamp'), JSON.stringify(afterBad.items.map((i) => i.slug)));
  await checkLayout(page, 'catalogue-error');
  await page.fill('#item-slug', 'e2e-lamp');
  await page.click('[data-testid=catalogue-save]');
  await page.waitForSelector('[data-testid=catalogue] li[data-slug="e2e-lamp"]', { timeout: 10000 });
  const row = await page.textContent('[data-testid=catalogue] li[data-slug="e2e-lamp"]');
  check('a created item is listed with its names, rarity, price range, supply and modifier',
    ['Лампа e2e / E2E lamp', 'lamp_shop', 'Редкий', '50.00 – 200.00', '10 из 10', '100%', 'в продаже'].every((x) => row.includes(x)), row);
  check('the form is empty again, ready for another item', (await page.inputValue('#item-slug')) === '' &&
    (await page.getAttribute('[data-testid=catalogue-form]', 'data-mode')) === 'create');
  const created = (await everything()).items.find((i) => i.slug === 'e2e-lamp');
  check('the created item is in GET /api/v1/shop/items, as typed',
    created?.name?.ru === 'Лампа e2e' && created.rarity === 'rare' && created.base_price.amount === '100.00' &&
      created.min_price.amount === '50.00' && created.max_price.amount === '200.00' && created.total_supply === 10 &&
      created.left === 10 && created.per_user_limit === 2 && created.active === true && created.seasonal_pct === 100,
    JSON.stringify(created));
  const onSale = await call('GET', '/api/v1/shop/items?limit=100', playerToken);
  check('a player sees the new item in the shop', onSale.body?.items?.some((i) => i.slug === 'e2e-lamp'), JSON.stringify(onSale.body));
  await fillItem('e2e-lamp');
  await page.click('[data-testid=catalogue-save]');
  await page.waitForSelector('[data-testid=field-error-slug]', { timeout: 10000 });
  const dupError = await page.textContent('[data-testid=field-error-slug]');
  check('a slug in use: the 409 shows beside the slug field', dupError.includes('(409)'), dupError);
  check('a slug in use: still one such item', (await everything()).items.filter((i) => i.slug === 'e2e-lamp').length === 1);
  await page.click('[data-testid=catalogue] li[data-slug="e2e-lamp"] [data-testid=catalogue-edit]');
  await page.waitForSelector('[data-testid=catalogue-form][data-mode=edit]', { timeout: 10000 });
  check('editing: the form holds the item', (await page.inputValue('#item-slug')) === 'e2e-lamp' &&
    (await page.inputValue('#item-base_price')) === '100.00' && (await page.inputValue('#item-total_supply')) === '10');
  check('editing: total supply and numbering are fixed (disabled)',
    (await page.isDisabled('#item-total_supply')) && (await page.isDisabled('[data-field=serialized] input')));
  await page.fill('#item-seasonal_pct', '300');
  await page.click('[data-testid=catalogue-save]');
  await page.waitForSelector('[data-testid=field-error-seasonal_pct]', { timeout: 10000 });
  const pctError = await page.textContent('[data-testid=field-error-seasonal_pct]');
  check('a seasonal modifier out of range: the server\'s 400 beside that field', pctError.includes('(400)') && pctError.includes('seasonal_pct'), pctError);
  check('the refused change changed nothing', (await everything()).items.find((i) => i.slug === 'e2e-lamp')?.seasonal_pct === 100);
  await page.fill('#item-seasonal_pct', '150');
  await page.uncheck('[data-field=active] input');
  const patch = page.waitForRequest((r) => r.method() === 'PATCH' && r.url().includes('/api/v1/admin/items/'));
  await page.click('[data-testid=catalogue-save]');
  const sent = (await patch).postDataJSON();
  check('a change sends only the changed fields', JSON.stringify(Object.keys(sent).sort()) === '["active","seasonal_pct"]' &&
    sent.seasonal_pct === 150 && sent.active === false, JSON.stringify(sent));
  await page.waitForSelector('[data-testid=catalogue] li[data-slug="e2e-lamp"][data-active=false]', { timeout: 10000 });
  const changedRow = await page.textContent('[data-testid=catalogue] li[data-slug="e2e-lamp"]');
  check('the catalogue shows the change', changedRow.includes('150%') && changedRow.includes('снят с продажи'), changedRow);
  const changed = (await everything()).items.find((i) => i.slug === 'e2e-lamp');
  check('the API has the change: seasonal 150 %, inactive, the rest kept',
    changed?.seasonal_pct === 150 && changed.active === false && changed.per_user_limit === 2 && changed.total_supply === 10, JSON.stringify(changed));
  const offSale = await call('GET', '/api/v1/shop/items?limit=100', playerToken);
  check('the inactive item leaves the players\' shop', Array.isArray(offSale.body?.items) && !offSale.body.items.some((i) => i.slug === 'e2e-lamp'),
    JSON.stringify(offSale.body));
  await checkLayout(page, 'catalogue');
  await page.click('[data-testid=catalogue] li[data-slug="e2e-lamp"] [data-testid=catalogue-edit]');
  await page.waitForSelector('[data-testid=catalogue-form][data-mode=edit]', { timeout: 10000 });
  await checkLayout(page, 'catalogue-edit');
  await page.click('[data-testid=catalogue-cancel]');

  // --- backups: the one made before the start, verified
  await page.click('.admin-tabs a[href="/admin/backups"]');
  await page.waitForSelector('[data-testid=backups] li', { timeout: 10000 });
  check('the Backups page lists the backup', (await page.$$('[data-testid=backups] li')).length === 1 &&
    (await page.textContent('[data-testid=backups] li')).includes('полная'));
  await page.click('[data-testid=backup-verify]');
  await page.waitForSelector('[data-testid=backup-verify-result]', { timeout: 30000 });
  const verified = await page.textContent('[data-testid=backup-verify-result]');
  check('an admin verifies the backup', verified.includes('Проверена'), verified);
  await checkLayout(page, 'backups');

  // --- English
  await page.click('.lang button[lang=en]');
  check('the panel speaks English when chosen', (await page.textContent('main h1')) === 'Backups', await page.textContent('main h1'));
  await page.click('.lang button[lang=ru]');

  // ================================================================ a plain user
  const player = await signIn(PLAYER, 'Алиса');
  contexts.push(player);
  check('a plain user sees no Admin link', (await player.page.$$('nav a[href="/admin"]')).length === 0);
  await go(player.page, '/admin');
  await player.page.waitForSelector('[data-testid=admin-refused]', { timeout: 10000 });
  // The four refusals arrive one by one (one request each): wait for all before counting.
  await player.page.waitForFunction(() => document.querySelectorAll('[data-testid=admin-refused]').length >= 4,
    null, { timeout: 10000 }).catch(() => {});
  const refusals = await player.page.$$eval('[data-testid=admin-refused]', (ls) => ls.map((l) => l.textContent));
  check('a plain user at /admin is refused, with the status', refusals.length === 4 && refusals.every((r) => r.includes('Нет доступа (403)')), JSON.stringify(refusals));
  check('a plain user sees no queue item', (await player.page.$$('[data-testid=reviews] li, [data-testid=claims] li')).length === 0);
  check('the API answers a plain user 403', (await apiGet(player.page, '/api/v1/admin/parser/reviews')).status === 403);
  const playerAll = await call('GET', '/api/v1/shop/items?all=true', playerToken);
  const playerCreate = await call('POST', '/api/v1/admin/items', playerToken, {
    slug: 'e2e-player', name_ru: 'x', name_en: 'x', category: 'x', rarity: 'common', base_price: '1.00', min_price: '1.00', max_price: '1.00',
  });
  check('a plain user may not list the whole catalogue nor create an item (403)', playerAll.status === 403 && playerCreate.status === 403,
    JSON.stringify([playerAll, playerCreate]));

  // ================================================================ a moderator
  const mod = await signIn(MODERATOR, 'Модератор');
  contexts.push(mod);
  check('a moderator sees the Admin link', await mod.page.isVisible('nav a[href="/admin"]'));
  await mod.page.click('nav a[href="/admin"]');
  await mod.page.waitForFunction(() => document.querySelectorAll('[data-testid=admin-refused]').length === 4, null, { timeout: 10000 });
  check('a moderator: the four admin queues are refused', true);
  await mod.page.click('.admin-tabs a[href="/admin/users"]');
  await mod.page.fill('#user-search', 'боб');
  await mod.page.click('[data-testid=user-search]');
  await mod.page.waitForSelector('[data-testid=user-results] li', { timeout: 10000 });
  check('a moderator finds users', (await mod.page.textContent('[data-testid=user-results]')).includes('@bob'));
  await mod.page.click(`[data-testid=user-results] a[href="/admin/users/${CLAIMER}"]`);
  await mod.page.waitForSelector('[data-testid=user-links]', { timeout: 10000 });
  check('a moderator reads a user\'s nickname links (the service allows it)', (await mod.page.textContent('[data-testid=user-links]')).includes('Боб'));
  check('a moderator sees the user\'s record', (await mod.page.textContent('[data-testid=user-profile]')).includes('@bob'));
  check('a moderator sees no ban form and no grant form',
    !(await mod.page.isVisible('[data-testid=ban]')) && !(await mod.page.isVisible('[data-testid=adjust-form]')));
  const hidden = await mod.page.$$eval('[data-testid=user-no-access]', (ls) => ls.length);
  check('a moderator: balances, sessions, audit trail and history are not shown', hidden === 4, String(hidden));
  check('the API refuses a moderator\'s ban', (await csrfFetch(mod.page, 'POST', `/api/v1/admin/users/${PLAYER}/ban`, { reason: 'x' })) === 403);
  const modGrant = await csrfFetch(mod.page, 'POST', `/api/v1/admin/users/${PLAYER}/adjust`, { amount: '100.00', reason: 'x' },
    { 'Idempotency-Key': 'e2e-mod-1' }, true);
  check('the API refuses a moderator\'s grant', modGrant.status === 403 && modGrant.body?.error_code === 'FORBIDDEN', JSON.stringify(modGrant));
  check('the API refuses a moderator\'s bulk grants',
    (await csrfFetch(mod.page, 'POST', '/api/v1/admin/grants/preview', { csv: `telegram_id,amount,reason\n${PLAYER},1,x\n` })) === 403);
  await mod.page.click('.admin-tabs a[href="/admin/audit"]');
  await mod.page.waitForSelector('[data-testid=admin-refused]', { timeout: 10000 });
  await mod.page.click('[data-testid=audit-verify]');
  await mod.page.waitForFunction(() => document.querySelectorAll('[data-testid=admin-refused]').length === 2, null, { timeout: 10000 });
  check('a moderator: audit search and verify are refused', true);
  await mod.page.click('.admin-tabs a[href="/admin/parser"]');
  await mod.page.waitForFunction(() => document.querySelectorAll('[data-testid=admin-refused]').length === 2, null, { timeout: 10000 });
  check('a moderator: parser status and drift are refused', true);
  const l = await layoutProblems(mod.page);
  check('refusals: no tap target under 44 px', l.small.length === 0, JSON.stringify(l.small));
  // Health, jobs and backups: a moderator reads them, but gets no run or verify button, and the
  // server refuses (and audits) the attempt all the same.
  await mod.page.click('.admin-tabs a[href="/admin/health"]');
  await mod.page.waitForSelector('[data-testid=health-charts]', { timeout: 10000 });
  check('a moderator reads the health charts', (await mod.page.$$('[data-testid=health-charts] figure')).length === 12);
  await mod.page.click('.admin-tabs a[href="/admin/jobs"]');
  await mod.page.waitForSelector('[data-testid=jobs] li[data-job="outbox.prune"]', { timeout: 10000 });
  check('a moderator sees the jobs but no run button', (await mod.page.$$('[data-testid^=job-run-]')).length === 0);
  check('the API refuses a moderator\'s job run', (await csrfFetch(mod.page, 'POST', '/api/v1/admin/jobs/outbox.prune/run')) === 403);
  await mod.page.click('.admin-tabs a[href="/admin/backups"]');
  await mod.page.waitForSelector('[data-testid=backups] li', { timeout: 10000 });
  check('a moderator sees the backups but no verify button', (await mod.page.$$('[data-testid=backup-verify]')).length === 0);
  const backupId = await mod.page.getAttribute('[data-testid=backups] li', 'data-backup');
  check('the API refuses a moderator\'s backup verification',
    (await csrfFetch(mod.page, 'POST', `/api/v1/admin/backups/${backupId}/verify`)) === 403);
  const runs = (await apiGet(page, '/api/v1/admin/audit?action=admin.job_run')).body.items.filter((e) => e.target === 'job:outbox.prune');
  check('job runs are audited: the admin\'s run and the moderator\'s refusal',
    runs.length === 2 && runs[0].actor === ADMIN && runs[0].result === 'ok' && runs[1].actor === MODERATOR && runs[1].result === 'denied',
    JSON.stringify(runs));
  const verifies = (await apiGet(page, '/api/v1/admin/audit?action=admin.backup_verify')).body.items;
  check('backup verifications are audited', verifies.length === 2 && verifies[0].result === 'ok' && verifies[1].result === 'denied',
    JSON.stringify(verifies));
  // Logs: no tab for a moderator; the page and the stream are refused by the server.
  check('a moderator has no Logs tab', !(await mod.page.isVisible('.admin-tabs a[href="/admin/logs"]')));
  check('a moderator has the Trades tab (the scam flags are for staff)', await mod.page.isVisible('.admin-tabs a[href="/admin/trades"]'));
  check('a moderator has no Catalogue tab, and the admin has one',
    !(await mod.page.isVisible('.admin-tabs a[href="/admin/catalogue"]')) && (await page.isVisible('.admin-tabs a[href="/admin/catalogue"]')));
  await go(mod.page, '/admin/catalogue');
  await mod.page.waitForSelector('[data-testid=admin-refused]', { timeout: 10000 });
  check('a moderator opening the catalogue gets no form', (await mod.page.$$('[data-testid=catalogue-form]')).length === 0);
  check('the API refuses a moderator the whole catalogue and a new item',
    (await apiGet(mod.page, '/api/v1/shop/items?all=true')).status === 403 &&
      (await csrfFetch(mod.page, 'POST', '/api/v1/admin/items', { slug: 'e2e-mod', name_ru: 'x', name_en: 'x', category: 'x', rarity: 'common',
        base_price: '1.00', min_price: '1.00', max_price: '1.00' })) === 403);
  await go(mod.page, '/admin/logs');
  await mod.page.waitForSelector('[data-testid=admin-refused]', { timeout: 10000 });
  check('a moderator opening the logs is refused', (await mod.page.$$('[data-testid=logs] li')).length === 0);
  const modStream = await mod.page.evaluate(async () => {
    const s = await (await fetch('/api/v1/auth/session')).json();
    const { token } = await (await fetch('/api/v1/ws/token', { method: 'POST', headers: { 'X-CSRF-Token': s.csrf_token } })).json();
    return new Promise((resolve) => {
      const ws = new WebSocket(`ws://${location.host}/api/v1/ws?token=${encodeURIComponent(token)}`);
      ws.onmessage = (ev) => {
        const m = JSON.parse(ev.data);
        if (m.type === 'welcome') ws.send(JSON.stringify({ op: 'subscribe', topic: 'admin.logs' }));
        if (m.type === 'error' || m.type === 'subscribed') {
          ws.close();
          resolve(m);
        }
      };
      setTimeout(() => resolve({ type: 'timeout' }), 5000);
    });
  });
  check('a moderator\'s subscription to admin.logs is refused (FORBIDDEN)',
    modStream.type === 'error' && modStream.data?.error_code === 'FORBIDDEN', JSON.stringify(modStream));
  const logRefusals = (await apiGet(page, '/api/v1/admin/audit?action=admin.logs_read')).body.items;
  check('the moderator\'s refused log read is audited', logRefusals.length === 1 && logRefusals[0].actor === MODERATOR &&
    logRefusals[0].result === 'denied', JSON.stringify(logRefusals));
  const ml = await layoutProblems(mod.page);
  check('moderator pages: no tap target under 44 px', ml.small.length === 0, JSON.stringify(ml.small));

  for (const [name, x] of [['admin', admin], ['plain user', player], ['moderator', mod]]) {
    check(`${name}: no script error or CSP violation`, x.problems.length === 0, JSON.stringify(x.problems));
  }
} catch (e) {
  check('the browser session completes', false, e.stack ?? String(e));
  for (const x of contexts) {
    console.log(`  at ${x.page.url()}: ${(await x.page.textContent('main').catch(() => '')) ?? ''}`);
    console.log(`  problems: ${JSON.stringify(x.problems)}`);

  }
} finally {
  await settleApiChecks(); // the browsers' answers are read before the browsers close
  for (const x of contexts) await x.ctx.close().catch(() => {});
  const code = await stopLucas(lucas);
  check('lucas stops cleanly', code === 0, `exit ${code}`);
  await emulator.stop();
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(profiles, { recursive: true, force: true });
  rmSync(downloads, { recursive: true, force: true });
}

finish();
