// The web app end to end: headless Debian chromium (driven by playwright-core) against the real
// `lucas serve`, with the Telegram emulator as the bot's API.
//   node tests/e2e/web_e2e.mjs PATH/TO/lucas [WEB_DIR]   (WEB_DIR: default web/ beside the binary)
// Signs in by a login link the bot sends (/login in private; the link works once), by Mini App
// initData computed here with the bot token (and a forged initData is refused), with Telegram's
// theme; a state-changing request without the CSRF token is refused; my sessions; sign-out; the
// static files (cache headers, compression, CSP, SPA fallback) through the binary; the player's
// pages: home with the latest credits arriving live over the WebSocket — a credit made through the
// bot appears on the open dashboard within 2 s (Property 33), and after the server drops the
// connection the app reconnects and resumes —, history (paging, filters, the CSV download's
// content), leaderboards (my line highlighted, period switch, re-read when the board changes),
// profile (language, nicknames with their state and the credits waiting for them); every page at
// 320, 768, 1440 and 3840 px with no horizontal overflow and no tap target under 44 px
// (screenshots in build/<preset>/web-screenshots/), and the keyboard's Tab reaching every nav link
// and control with a visible focus. The API explorer at /docs under the same CSP: every operation
// of the document shown, "Try it out" against this server (with the session's CSRF token). Every
// API answer, to this process or to the browser, is held against the server's OpenAPI document.
import { createHash, createHmac } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import {
  browserTestArgs, browserTestWorld, check, connectWs, finish, freePort, pointEmulatorAt, settleApiChecks, startLucas,
  stopLucas, validateApiResponses, watchPageApi, webhookSecret, chromiumFlags,
} from './lib.mjs';

const require = createRequire(import.meta.url);
const TelegramServer = require('telegram-test-api');
const { chromium } = require('playwright-core');

const { lucasPath, webDir, shots } = browserTestArgs('web_e2e');

const token = '515151:web-e2e-token';
// web.login_domain set: the sign-in page offers Telegram's own sign-in page (the Login Widget).
const { emulator, emulatorPort, dataDir, profiles, env } = await browserTestWorld(
  'web_e2e', token, webDir, { LUCAS_WEB_LOGIN_DOMAIN: 'lucas.test' });
const cli = (...args) =>
  execFileSync(lucasPath, args, { env: { ...process.env, LUCAS_LOG_LEVEL: 'warn', ...env } }).toString();
cli('migrate');
cli('user', 'add', '--id', '101', '--username', 'alice', '--name', 'Алиса', '--language', 'ru');
cli('user', 'add', '--id', '7', '--username', 'boss', '--name', 'Boss', '--role', 'admin');
cli('ledger', 'grant', '--user', '101', '--amount', '12.34', '--key', 'web-e2e-101');
// 25 lines of history for Alice (a page is 20): 22 grants of 1.00 and two debits of 0.50.
for (let i = 0; i < 22; i += 1) {
  cli('ledger', 'grant', '--user', '101', '--amount', '1.00', '--key', `web-e2e-g${i}`);
}
for (const k of ['d1', 'd2']) cli('ledger', 'grant', '--user', '101', '--amount', '-0.50', '--key', `web-e2e-${k}`);

const { process: lucas, port } = await startLucas(lucasPath, env);
const base = `http://127.0.0.1:${port}`;
pointEmulatorAt(emulator, token, port);
await validateApiResponses(base);

// Telegram's Mini App initData, signed as Telegram signs it (or with another token: forged).
const initData = (user, botToken = token) => {
  const fields = {
    auth_date: String(Math.floor(Date.now() / 1000)),
    query_id: 'AAE-web-e2e',
    user: JSON.stringify(user),
  };
  const dcs = Object.keys(fields).sort().map((k) => `${k}=${fields[k]}`).join('\n');
  const secret = createHmac('sha256', 'WebAppData').update(botToken).digest();
  const hash = createHmac('sha256', secret).update(dcs).digest('hex');
  return new URLSearchParams({ ...fields, hash }).toString();
};
const theme = { bg_color: '#17212b', secondary_bg_color: '#232e3c', text_color: '#f5f5f5',
  hint_color: '#708499', link_color: '#6ab3f3', button_color: '#5288c1', button_text_color: '#ffffff' };
const miniAppUrl = (data) =>
  `${base}/#tgWebAppData=${encodeURIComponent(data)}&tgWebAppVersion=8.0&tgWebAppPlatform=tdesktop` +
  `&tgWebAppThemeParams=${encodeURIComponent(JSON.stringify(theme))}`;

const dm = emulator.getClient(token, {
  userId: 101, firstName: 'Алиса', userName: 'alice', chatId: 101, type: 'private', timeout: 8000,
});
const askPrivately = async (text) => {
  await dm.sendMessage(dm.makeMessage(text));
  const updates = await dm.getUpdates();
  return updates.result.map((u) => u.message.text).join('\n');
};

const flags = chromiumFlags;
let profileCount = 0;
const browserContext = async () => {
  profileCount += 1;
  const ctx = await chromium.launchPersistentContext(join(profiles, `p${profileCount}`), {
    executablePath: process.env.CHROME_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: flags,
    viewport: { width: 390, height: 844 },
  });
  const page = ctx.pages()[0] ?? (await ctx.newPage());
  watchPageApi(page);
  const problems = [];
  const foreign = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && !/Failed to load resource/.test(m.text())) problems.push(m.text());
  });
  page.on('request', (r) => {
    if (!r.url().startsWith(base) && !r.url().startsWith('data:')) foreign.push(r.url());
  });
  return { ctx, page, problems, foreign };
};
const apiStatus = (page, method, path, headers = {}) =>
  page.evaluate(
    ([m, p, h]) => fetch(p, { method: m, headers: h, credentials: 'same-origin' }).then((r) => r.status),
    [method, path, headers],
  );

const contexts = [];
try {
  // --- the static files through the binary
  const index = await fetch(`${base}/`, { headers: { 'accept-encoding': 'br, gzip' } });
  const indexText = await index.text();
  check('/ serves the app', index.status === 200 && indexText.includes('<div id="app">'), String(index.status));
  check('index.html is revalidated', index.headers.get('cache-control') === 'no-cache', index.headers.get('cache-control'));
  const csp = index.headers.get('content-security-policy') ?? '';
  check('a CSP without inline script', csp.includes("script-src 'self'") && !csp.includes('unsafe-inline'), csp);
  const asset = indexText.match(/src="(\/assets\/[^"]+\.js)"/)?.[1];
  const js = await fetch(`${base}${asset}`, { headers: { 'accept-encoding': 'br' } });
  check('hashed assets are immutable for a year', js.headers.get('cache-control') === 'public, max-age=31536000, immutable', js.headers.get('cache-control'));
  check('brotli when accepted', js.headers.get('content-encoding') === 'br', js.headers.get('content-encoding'));
  const spa = await fetch(`${base}/sessions`);
  check('client routes fall back to index.html', spa.status === 200 && (await spa.text()).includes('<div id="app">'));
  const api404 = await fetch(`${base}/api/v1/nothing`);
  check('/api/ never falls back', api404.status === 404 && (await api404.json()).error_code === 'NOT_FOUND');
  check('a missing asset is 404', (await fetch(`${base}/assets/missing-abc.js`)).status === 404);

  // --- sign in with a login link from the bot (never shown in a group)
  const group = emulator.getClient(token, {
    userId: 101, firstName: 'Алиса', userName: 'alice', chatId: -1002, type: 'supergroup', timeout: 8000,
  });
  await group.sendMessage(group.makeMessage('/login'));
  const inGroup = (await group.getUpdates()).result.map((u) => u.message.text).join('\n');
  check('/login in a group shows no link', inGroup.includes('личные сообщения') && !inGroup.includes('token='), inGroup);
  const reply = await askPrivately('/login');
  const link = reply.match(/http:\/\/lucas\.test\/login#token=([0-9a-f]{64})/);
  check('/login in private answers a one-time link', !!link, reply);
  const a = await browserContext();
  contexts.push(a);
  // The app keeps one WebSocket while someone is signed in (the unread badge follows every page).
  const wsOpened = [];
  a.page.on('websocket', (ws) => wsOpened.push(ws.url()));
  await a.page.goto(`${base}/login#token=${link?.[1]}`);
  await a.page.waitForSelector('[data-testid=balance]', { timeout: 10000 });
  const balance = await a.page.textContent('[data-testid=balance]');
  check('the link opens the dashboard with the balance', balance?.includes('33.34'), balance);
  check('the token leaves the address bar', !a.page.url().includes('token'), a.page.url());
  const cookies = await a.ctx.cookies(base);
  const cookie = cookies.find((c) => c.name === 'lucas_session');
  check('the session cookie is HttpOnly and SameSite=Lax', cookie?.httpOnly && cookie?.sameSite === 'Lax', JSON.stringify(cookies));
  check('Russian by default', (await a.page.textContent('h1'))?.startsWith('Здравствуйте'), await a.page.textContent('h1'));

  // --- CSRF: the cookie alone does not change anything
  check('a POST with the cookie and no CSRF token is refused', (await apiStatus(a.page, 'POST', '/api/v1/auth/logout')) === 403);
  check('a POST with a wrong CSRF token is refused',
    (await apiStatus(a.page, 'POST', '/api/v1/auth/logout', { 'X-CSRF-Token': 'nope' })) === 403);
  check('a GET with the cookie works', (await apiStatus(a.page, 'GET', '/api/v1/me')) === 200);

  // --- the link works once
  const b = await browserContext();
  contexts.push(b);
  await b.page.goto(`${base}/login#token=${link?.[1]}`);
  await b.page.waitForSelector('[data-testid=login-error]', { timeout: 10000 });
  check('a used link is refused', (await b.page.textContent('[data-testid=login-error]'))?.includes('/login'));
  check('a browser without a session gets the link explanation', await b.page.isVisible('[data-testid=login-link-help]'));

  // --- my sessions
  await a.page.click('a[href="/sessions"]');
  await a.page.waitForSelector('[data-testid=sessions] li');
  const rows = await a.page.$$eval('[data-testid=sessions] li', (ls) => ls.map((l) => l.textContent));
  check('my sessions lists this one', rows.length === 1 && rows[0].includes('этот сеанс'), JSON.stringify(rows));

  // --- the player's pages
  const gameBot = { id: 900, is_bot: true, first_name: 'GDcards', username: 'gdcardsBot' };
  const aliceUser = { id: 101, is_bot: false, first_name: 'Алиса', username: 'alice' };
  let cardNo = 0;
  // A fresh GD Cards card naming Alice with a text_mention, replied to with "парсинг" in the
  // group: 2 points x 2 + 5 orbs = 9.00 coins, in two credits (4.00 and 5.00).
  const gameCard = () => {
    cardNo += 1;
    const text = ['🃏 НОВАЯ КАРТА 🃏', 'Игрок: Алиса', `Карта: WebE2E${cardNo}`,
      '🔵 Редкость: Редкая (1/75) • 30.0%', '⭐️ Очки: +2', '🤩 Орбы: +5'].join('\n');
    return group.makeMessage('парсинг', {
      reply_to_message: {
        message_id: 7000 + cardNo,
        date: Math.floor(Date.now() / 1000) - 5,
        chat: { id: -1002, type: 'supergroup' },
        from: gameBot,
        text,
        entities: [{ type: 'text_mention', offset: text.indexOf('Алиса'), length: 'Алиса'.length, user: aliceUser }],
      },
    });
  };
  const groupReplies = async () => (await group.getUpdates()).result.map((u) => u.message.text).join('\n');
  const waitFor = async (fn, ms = 10000) => {
    const end = Date.now() + ms;
    for (;;) {
      const v = await fn();
      if (v || Date.now() > end) return v;
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  // Home: the latest credits, and the WebSocket open (the one opened at sign-in).
  await a.page.click('a[href="/"]');
  await a.page.waitForSelector('[data-testid=credits] li');
  const latest = await a.page.$$eval('[data-testid=credits] li', (ls) => ls.map((l) => l.textContent));
  check('home lists the latest credits', latest.length === 8 && latest.every((t) => t.includes('+1.00 монет')), JSON.stringify(latest));
  await a.page.waitForSelector('[data-testid=live-status].open', { timeout: 10000 });
  check('home opens the WebSocket on our own origin', wsOpened.length === 1 && wsOpened[0].startsWith(base.replace('http', 'ws') + '/api/v1/ws?token='), JSON.stringify(wsOpened));

  // Property 33: a credit made through the Telegram bot appears on the open dashboard within 2 s.
  await group.sendMessage(gameCard());
  const sentAt = Date.now();
  const arrived = await a.page
    .waitForSelector('[data-testid=credits] li.fresh:has-text("+4.00")', { timeout: 2000 })
    .then(() => true, () => false);
  check('Property 33: a bot credit appears on the open dashboard within 2 s', arrived, `after ${Date.now() - sentAt} ms`);
  const botSaid = await groupReplies();
  check('...the bot credited it', botSaid.includes('Зачислено 4.00 монет игроку Алиса'), botSaid);
  await a.page.waitForSelector('[data-testid=credits] li.fresh:has-text("+5.00")');
  await a.page.waitForFunction(() => document.querySelector('[data-testid=balance]')?.textContent?.includes('42.34'));
  check('the balance follows live', (await a.page.textContent('[data-testid=balance]'))?.includes('42.34'));

  // The server drops the connection (a 4th connection of the user closes the oldest): the app
  // reconnects by itself and resumes, so a credit made meanwhile by another process still arrives.
  const others = [];
  for (let i = 0; i < 3; i += 1) {
    const tok = JSON.parse(cli('ws', 'token', '--user', '101')).token;
    others.push(await connectWs(`${base.replace('http', 'ws')}/api/v1/ws?token=${tok}`));
  }
  cli('ledger', 'grant', '--user', '101', '--amount', '0.07', '--key', 'web-e2e-while-away');
  const reconnected = await waitFor(() => wsOpened.length >= 2, 15000);
  check('after the server drops it, the app reconnects', reconnected, JSON.stringify(wsOpened));
  check('...resuming from the last notification it saw', /last_event_id=\d+/.test(wsOpened[1] ?? ''), wsOpened[1]);
  await a.page.waitForSelector('[data-testid=credits] li:has-text("+0.07")', { timeout: 15000 }).catch(() => {});
  check('...and the credit made meanwhile arrives', await a.page.isVisible('[data-testid=credits] li:has-text("+0.07")'));
  for (const o of others) o.close();

  // History: 20 a page, then the rest; filters; the CSV of the filter.
  await a.page.click('a[href="/history"]');
  await a.page.waitForSelector('[data-testid=history] li');
  const historyRows = () => a.page.$$eval('[data-testid=history] li', (ls) => ls.map((l) => l.textContent));
  check('history shows a page of 20', (await historyRows()).length === 20, String((await historyRows()).length));
  await a.page.click('[data-testid=history-more]');
  await a.page.waitForFunction(() => document.querySelectorAll('[data-testid=history] li').length > 20);
  const everything = await historyRows();
  // 1 + 22 grants, 2 debits, 2 game credits, the 0.07 grant.
  check('"show more" pages on to the end', everything.length === 28 && !(await a.page.isVisible('[data-testid=history-more]')), String(everything.length));
  check('history is newest first', everything[0].includes('+0.07') && everything[27].includes('+12.34'), `${everything[0]} … ${everything[27]}`);
  // A filter change reads the history again: wait for that answer, then for the list it gives.
  const refilter = async (action, count) => {
    await Promise.all([
      a.page.waitForResponse((r) => r.url().includes('/api/v1/users/101/transactions?')),
      action(),
    ]);
    await a.page.waitForFunction((n) => document.querySelectorAll('[data-testid=history] li').length === n &&
      document.querySelector('[data-testid=history]')?.getAttribute('aria-busy') === 'false', count);
  };
  await refilter(() => a.page.selectOption('select[name=kind]', 'out'), 2);
  const outs = await historyRows();
  check('the kind filter: money out', outs.length === 2 && outs.every((t) => t.includes('−0.50')), JSON.stringify(outs));
  const [download] = await Promise.all([a.page.waitForEvent('download'), a.page.click('[data-testid=history-csv]')]);
  const csv = readFileSync(await download.path(), 'utf8').trim().split(/\r?\n/);
  check('the CSV is the filtered history', csv.length === 3 && csv[0].startsWith('created_at,amount,currency') &&
    csv.slice(1).every((l) => /^\d{4}-\d\d-\d\dT[^,]+,-0\.50,COIN,\d+\.\d\d,admin\.debit,/.test(l)), JSON.stringify(csv));
  check('the CSV download has a file name', download.suggestedFilename() === 'lucas-history-101.csv', download.suggestedFilename());
  await refilter(() => a.page.selectOption('select[name=kind]', 'games'), 2);
  check('the kind filter: games', (await historyRows()).every((t) => t.includes('Игра GD Cards')), JSON.stringify(await historyRows()));
  const today = new Date().toISOString().slice(0, 10);
  const tomorrow = new Date(Date.now() + 86400000).toISOString().slice(0, 10);
  await refilter(() => a.page.fill('input[name=from]', tomorrow), 0);
  check('the date filter: nothing from tomorrow on', await a.page.isVisible('text=Нет операций по этому фильтру'));
  await refilter(() => a.page.fill('input[name=from]', today), 2);
  await refilter(() => a.page.fill('input[name=to]', today), 2);
  check('the date filter: today', (await historyRows()).length === 2);
  await refilter(() => a.page.selectOption('select[name=kind]', 'all'), 20);
  await refilter(() => a.page.fill('input[name=from]', ''), 20);
  await refilter(() => a.page.fill('input[name=to]', ''), 20);

  // Leaderboards: the coin board of the day, my line highlighted; the period switch; a change of
  // the board is pushed and the page reads it again.
  await a.page.click('a[href="/leaderboards"]');
  await a.page.waitForSelector('[data-testid=board] li.me');
  const mine = await a.page.textContent('[data-testid=board] li.me');
  check('my line is highlighted on the board', mine.includes('Алиса') && mine.includes('вы') && mine.includes('9.00'), mine);
  await a.page.click('[data-period=all_time]');
  await a.page.waitForSelector('[data-period=all_time][aria-pressed=true]');
  await a.page.waitForSelector('[data-testid=board] li.me');
  check('the period switch shows another period', (await a.page.textContent('[data-testid=board] li.me'))?.includes('Алиса'));
  await a.page.click('[data-period=daily]');
  await a.page.waitForSelector('[data-testid=board] li.me:has-text("9.00")');
  await group.sendMessage(gameCard());
  await groupReplies();
  const live = await a.page
    .waitForSelector('[data-testid=board] li.me:has-text("18.00")', { timeout: 15000 })
    .then(() => true, () => false);
  check('the board follows a change pushed over the WebSocket', live, await a.page.textContent('[data-testid=board]'));
  check('the board says when it was updated', /Обновлено в \d/.test(await a.page.textContent('[data-testid=board-updated]')));

  // Profile: a nickname verified by the game bot's mention, a claim waiting for an admin with the
  // credit waiting for it, the language choice (remembered).
  await group.sendMessage(group.makeMessage('парсинг', {
    reply_to_message: {
      message_id: 7100,
      date: Math.floor(Date.now() / 1000) - 5,
      chat: { id: -1002, type: 'supergroup' },
      from: { id: 901, is_bot: true, first_name: 'Shmalala', username: 'shmalala_bot' },
      text: '🎣 [Рыбалка] 🎣\n\nРыбак: Боб\nОпыт: +4 (405 / 782)🔋\n\nМонеты: +30 (3947)💰\nЭнергии осталось: 6 ⚡️',
    },
  }));
  const waits = await groupReplies();
  check('a stranger\'s result waits for its nickname', waits.includes('Боб'), waits);
  const claimed = await askPrivately('/link shmalala Боб');
  check('/link claims the nickname', claimed.includes('Боб'), claimed);
  await a.page.click('a[href="/profile"]');
  await a.page.waitForSelector('[data-testid=links] li');
  const links = await a.page.$$eval('[data-testid=links] li', (ls) => ls.map((l) => l.textContent));
  check('profile: the nickname the game bot verified', links.some((t) => t.includes('Алиса') && t.includes('GD Cards') && t.includes('подтверждён')), JSON.stringify(links));
  check('profile: the claim waiting for review', links.some((t) => t.includes('Боб') && t.includes('Shmalala') && t.includes('ждёт проверки')), JSON.stringify(links));
  const waiting = await a.page.textContent('[data-testid=waiting]').catch(() => '');
  check('profile: the credit waiting for the claimed nickname', waiting.includes('Боб') && /\+\d+\.\d\d монет/.test(waiting), waiting);
  // An admin rejects the claim: the profile says so, with the reason; nothing waits for it now.
  const admin = cli('token', 'create', '--user', '7').trim();
  const claimId = (await (await fetch(`${base}/api/v1/admin/links/claims?status=pending`, {
    headers: { Authorization: `Bearer ${admin}` },
  })).json()).items?.find((c) => c.nickname === 'Боб')?.id;
  const rejected = await fetch(`${base}/api/v1/admin/links/claims/${claimId}/reject`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${admin}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ reason: 'это не Алиса' }),
  });
  check('an admin rejects the claim', rejected.status === 200, String(rejected.status));
  await a.page.reload();
  await a.page.waitForSelector('[data-testid=links] li:has-text("отклонён")');
  const afterReject = await a.page.textContent('[data-testid=links]');
  check('profile: the rejected claim, with the reason', afterReject.includes('Боб') && afterReject.includes('это не Алиса'), afterReject);
  check('profile: nothing waits for a rejected claim', !(await a.page.isVisible('[data-testid=waiting]')));
  await a.page.check('input[name=language][value=en]');
  await a.page.waitForSelector('h1:has-text("Profile and settings")');
  await a.page.reload();
  await a.page.waitForSelector('h1#profile-title');
  check('the language choice is remembered', (await a.page.textContent('h1#profile-title')) === 'Profile and settings', await a.page.textContent('h1#profile-title'));
  check('...and the navigation follows it', (await a.page.textContent('nav.tabs'))?.includes('Leaderboards'));
  await a.page.check('input[name=language][value=ru]');
  await a.page.waitForSelector('h1:has-text("Профиль и настройки")');

  // The keyboard alone reaches every nav link and every control of every page, with a visible focus.
  const tabWalk = (page) => page.evaluate(() => {
    const controls = [...document.querySelectorAll('a[href], button:not([disabled]), input, select')].filter((el) => {
      const r = el.getBoundingClientRect();
      return r.width > 0 && r.height > 0 && getComputedStyle(el).visibility !== 'hidden';
    });
    // One radio of a group is a tab stop (arrows move within it).
    const want = controls.filter((el, i) => !(el.type === 'radio' && controls.findIndex((o) => o.type === 'radio' && o.name === el.name) !== i));
    want.forEach((el, i) => el.setAttribute('data-tab-k', String(i)));
    document.activeElement?.blur?.();
    return want.map((el) => el.getAttribute('href') ?? el.getAttribute('name') ?? el.textContent.trim());
  });
  const focused = (page) => page.evaluate(() => {
    const el = document.activeElement;
    if (!el || el === document.body) return null;
    const s = getComputedStyle(el);
    const k = el.type === 'radio'
      ? document.querySelector(`input[type=radio][name="${el.name}"][data-tab-k]`)?.getAttribute('data-tab-k')
      : el.getAttribute('data-tab-k');
    // Not :focus: the focus is on a part of the control that the browser draws itself (a date
    // input's calendar button), with the browser's own focus ring.
    if (!el.matches(':focus')) return { k, visible: true };
    return { k, visible: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2 };
  });
  for (const [name, path] of [['home', '/'], ['history', '/history'], ['leaderboards', '/leaderboards'], ['profile', '/profile'], ['sessions', '/sessions']]) {
    await a.page.evaluate((p) => { history.pushState(null, '', p); dispatchEvent(new PopStateEvent('popstate')); }, path);
    await a.page.waitForSelector('main .card h1, main .card h2');
    await a.page.waitForTimeout(300);
    const want = await tabWalk(a.page);
    const reached = new Set();
    let invisible = [];
    for (let i = 0; i < want.length * 4 + 10; i += 1) {
      await a.page.keyboard.press('Tab');
      const f = await focused(a.page);
      if (!f) continue;
      if (f.k !== null && f.k !== undefined) reached.add(Number(f.k));
      if (!f.visible) invisible.push(want[Number(f.k)]);
      if (reached.size === want.length) break;
    }
    const missed = want.filter((_, i) => !reached.has(i));
    check(`${name}: Tab reaches every nav link and control (${want.length})`, missed.length === 0 && want.filter((w) => ['/', '/history', '/leaderboards', '/profile', '/sessions'].includes(w)).length >= 5, JSON.stringify(missed));
    invisible = [...new Set(invisible)];
    check(`${name}: the keyboard focus is visible`, invisible.length === 0, JSON.stringify(invisible));
  }

  // --- no horizontal overflow, no tap target under 44 px, screenshots
  const smallTargets = (page) => page.evaluate(() => {
    const out = [];
    for (const el of document.querySelectorAll('a[href], button, input, select, [role=button]')) {
      // A radio or checkbox is tapped through its label.
      const target = el.matches('input[type=radio], input[type=checkbox]') && el.closest('label') ? el.closest('label') : el;
      const r = target.getBoundingClientRect();
      if (r.width === 0 || r.height === 0 || getComputedStyle(el).visibility === 'hidden') continue;
      if (r.width < 44 || r.height < 44) out.push(`${el.tagName} ${(el.textContent || el.getAttribute('name') || '').trim().slice(0, 24)} ${Math.round(r.width)}x${Math.round(r.height)}`);
    }
    return out;
  });
  const pagesToCheck = [['home', '/'], ['history', '/history'], ['leaderboards', '/leaderboards'], ['profile', '/profile'], ['sessions', '/sessions']];
  for (const width of [320, 768, 1440, 3840]) {
    for (const [name, path] of pagesToCheck) {
      await a.page.setViewportSize({ width, height: width > 2000 ? 2160 : 900 });
      await a.page.evaluate((p) => { history.pushState(null, '', p); dispatchEvent(new PopStateEvent('popstate')); }, path);
      await a.page.waitForSelector('main .card h1, main .card h2');
      await a.page.waitForLoadState('networkidle').catch(() => {});
      await a.page.waitForTimeout(200);
      const overflow = await a.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      check(`${name} at ${width}px has no horizontal overflow`, overflow <= 0, `${overflow}px`);
      const small = await smallTargets(a.page);
      check(`${name} at ${width}px has no tap target under 44 px`, small.length === 0, JSON.stringify(small));
      await a.page.screenshot({ path: join(shots, `${name}-${width}.png`), fullPage: true });
    }
    if (width === 1440) {  // the README's pictures: home as a phone and a desktop window show it
      await a.page.evaluate(() => { history.pushState(null, '', '/'); dispatchEvent(new PopStateEvent('popstate')); });
      await a.page.waitForSelector('[data-testid=credits] li');
      await a.page.setViewportSize({ width: 390, height: 844 });
      await a.page.waitForTimeout(200);
      await a.page.screenshot({ path: join(shots, 'readme-phone.png') });
      await a.page.setViewportSize({ width: 1440, height: 900 });
      await a.page.waitForTimeout(200);
      await a.page.screenshot({ path: join(shots, 'readme-desktop.png') });
    }
    await b.page.setViewportSize({ width, height: 900 });
    await b.page.waitForTimeout(100);
    const overflow = await b.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    check(`login at ${width}px has no horizontal overflow`, overflow <= 0, `${overflow}px`);
    const small = await smallTargets(b.page);
    check(`login at ${width}px has no tap target under 44 px`, small.length === 0, JSON.stringify(small));
    await b.page.screenshot({ path: join(shots, `login-${width}.png`), fullPage: true });
  }

  // --- the Mini App signs in by itself, in the user's language and Telegram's colours
  const c = await browserContext();
  contexts.push(c);
  const posted = [];
  await c.page.exposeFunction('__posted', (type) => posted.push(type));
  await c.page.addInitScript(() => {
    window.TelegramWebviewProxy = { postEvent: (type) => window.__posted(type) };
  });
  await c.page.goto(miniAppUrl(initData({ id: 102, first_name: 'Bob', username: 'bob', language_code: 'en' })));
  await c.page.waitForSelector('[data-testid=balance]', { timeout: 10000 });
  check('the Mini App signs in with initData', (await c.page.textContent('h1')) === 'Hello, Bob!', await c.page.textContent('h1'));
  check('the Mini App shows the balance', (await c.page.textContent('[data-testid=balance]'))?.includes('0.00'));
  const bg = await c.page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  check("Telegram's theme colours are used", bg === 'rgb(23, 33, 43)', bg);
  check('the app tells Telegram it is ready', posted.includes('web_app_ready'), JSON.stringify(posted));
  await c.page.screenshot({ path: join(shots, 'miniapp-390.png'), fullPage: true });

  const d = await browserContext();
  contexts.push(d);
  await d.page.goto(miniAppUrl(initData({ id: 101, first_name: 'Алиса' }, '999:forged-token')));
  await d.page.waitForSelector('[data-testid=login-error]', { timeout: 10000 });
  check('forged initData is refused', (await d.ctx.cookies(base)).length === 0);

  // --- the Login Widget: "Sign in with Telegram" goes to Telegram's sign-in page for this bot,
  // which comes back to /login#tgAuthResult=<base64url of the user object, signed as Telegram
  // signs widget answers: HMAC-SHA256 under SHA-256(bot token)>.
  const widgetAnswer = (user, botToken = token) => {
    const fields = { ...user, auth_date: Math.floor(Date.now() / 1000) };
    const dcs = Object.keys(fields).sort().map((k) => `${k}=${fields[k]}`).join('\n');
    const secret = createHash('sha256').update(botToken).digest();
    const hash = createHmac('sha256', secret).update(dcs).digest('hex');
    return Buffer.from(JSON.stringify({ ...fields, hash })).toString('base64url');
  };
  const w = await browserContext();
  contexts.push(w);
  await w.page.goto(`${base}/login`);
  await w.page.waitForSelector('[data-testid=login-telegram]', { timeout: 10000 });
  const telegramUrl = new URL((await w.page.getAttribute('[data-testid=login-telegram]', 'href')) ?? 'x:');
  check('"Sign in with Telegram" goes to Telegram for this bot and back to /login',
    telegramUrl.origin === 'https://oauth.telegram.org' && telegramUrl.searchParams.get('bot_id') === '515151' &&
    telegramUrl.searchParams.get('origin') === base && telegramUrl.searchParams.get('return_to') === `${base}/login`,
    telegramUrl.toString());
  await w.page.goto('about:blank');  // Telegram's page comes back with a new page load, not a hash change
  await w.page.goto(`${base}/login#tgAuthResult=${widgetAnswer({ id: 103, first_name: 'Carol', username: 'carol' })}`);
  await w.page.waitForSelector('[data-testid=balance]', { timeout: 10000 });
  check("Telegram's answer signs in (a new user is created)", (await w.page.textContent('h1'))?.includes('Carol'),
    await w.page.textContent('h1'));
  check('the answer leaves the address bar', !w.page.url().includes('tgAuthResult'), w.page.url());
  const wf = await browserContext();
  contexts.push(wf);
  await wf.page.goto(`${base}/login#tgAuthResult=${widgetAnswer({ id: 101, first_name: 'Алиса' }, '999:forged-token')}`);
  await wf.page.waitForSelector('[data-testid=login-error]', { timeout: 10000 });
  check("a forged widget answer is refused with the widget's reason",
    (await wf.page.textContent('[data-testid=login-error]'))?.includes('Telegram') && (await wf.ctx.cookies(base)).length === 0);

  // --- the API explorer (Swagger UI, served by the binary under the same CSP): every operation of
  // the document, "Try it out" against this server with the session's cookie — and, for a POST,
  // the session's CSRF token, which the explorer reads by itself.
  const doc = await (await fetch(`${base}/api/v1/openapi.json`)).json();
  const operations = Object.values(doc.paths).flatMap((item) =>
    Object.keys(item).filter((m) => ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'].includes(m)));
  const docs = await a.ctx.newPage();
  watchPageApi(docs);
  const docsProblems = [];
  const docsForeign = [];
  docs.on('pageerror', (e) => docsProblems.push(`page error: ${e.message}`));
  docs.on('console', (m) => {
    if (m.type() === 'error' && !/Failed to load resource/.test(m.text())) docsProblems.push(m.text());
  });
  docs.on('request', (r) => {
    if (!r.url().startsWith(base) && !r.url().startsWith('data:')) docsForeign.push(r.url());
  });
  await docs.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) =>
      console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`));
  });
  await docs.setViewportSize({ width: 1280, height: 900 });
  await docs.goto(`${base}/docs`);
  check('/docs redirects to the explorer at /docs/', new URL(docs.url()).pathname === '/docs/', docs.url());
  await docs.waitForSelector('.opblock', { timeout: 20000 });
  check('the explorer is titled Lucas API', (await docs.title()) === 'Lucas API' &&
    (await docs.textContent('.info .title'))?.includes('Lucas API'), await docs.title());
  const shown = await docs.locator('.opblock').count();
  check(`the explorer shows every operation of the document (${operations.length})`, shown === operations.length && shown > 40, `${shown}`);
  const tryOut = async (method, path) => {
    const block = docs.locator(`.opblock-${method}:has(.opblock-summary-path[data-path="${path}"])`);
    await block.locator('.opblock-summary-control').click();
    await block.locator('button.try-out__btn').click();
    const [answer] = await Promise.all([
      docs.waitForResponse((r) => new URL(r.url()).pathname === path && r.request().method() === method.toUpperCase()),
      block.locator('button.execute').click(),
    ]);
    const shown = block.locator('.live-responses-table td.response-col_status:not(.col_header)');
    await shown.waitFor();
    return { status: answer.status(), body: await answer.json().catch(() => null), shownStatus: (await shown.textContent())?.trim() };
  };
  const me = await tryOut('get', '/api/v1/me');
  check('"Try it out" of GET /api/v1/me answers from this server, with the session', me.status === 200 && me.body?.id === 101 && me.shownStatus === '200', JSON.stringify(me));
  const wsToken = await tryOut('post', '/api/v1/ws/token');
  check('"Try it out" of a POST carries the session\'s CSRF token', wsToken.status === 200 && wsToken.body?.user_id === 101 && wsToken.shownStatus === '200', JSON.stringify(wsToken));
  await docs.screenshot({ path: join(shots, 'docs-1280.png') });
  check('the explorer: no script error or CSP violation', docsProblems.length === 0, JSON.stringify(docsProblems));
  check('the explorer: nothing loaded from elsewhere', docsForeign.length === 0, JSON.stringify(docsForeign));
  await docs.close();

  // --- sign out
  await a.page.setViewportSize({ width: 390, height: 844 });
  await a.page.click('[data-testid=logout]');
  await a.page.waitForSelector('[data-testid=login-link-help]');
  check('sign-out ends the session', (await apiStatus(a.page, 'GET', '/api/v1/auth/session')) === 401);

  for (const [name, x] of [['link', a], ['used link', b], ['mini app', c], ['forged', d]]) {
    check(`${name}: no script error or CSP violation`, x.problems.length === 0, JSON.stringify(x.problems));
    check(`${name}: nothing loaded from elsewhere`, x.foreign.length === 0, JSON.stringify(x.foreign));
  }
} catch (e) {
  check('the browser session completes', false, e.stack ?? String(e));
  for (const x of contexts) {
    console.log(`  at ${x.page.url()}: ${(await x.page.textContent('body').catch(() => '')) ?? ''}`);
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
}

finish();
