// The Notifications page end to end: headless Debian chromium (playwright-core) against the real
// `lucas serve`, with the Telegram emulator as the bot's API.
//   node tests/e2e/web_notifications_e2e.mjs PATH/TO/lucas [WEB_DIR]   (WEB_DIR: default web/ beside the binary)
// The API first (every answer held against the OpenAPI document): Alice's notifications newest
// first in pages of 20 with `unread`, limits 0 and 101 and an empty type refused naming the field,
// no credentials 401, a token without the `ws` scope 403, Bob never sees one of hers and marking
// "up to" her ids reads only his own; the read marker only moves forward. Then the browser: the
// nav's unread badge at sign-in; a credit made meanwhile by another process (`lucas ledger grant`
// on the same data directory) bumps it live; opening the page lists the notifications (the ones
// that were new highlighted), pages on with "show more", and clears the badge; a credit arriving
// while the page is open joins the top and bumps the badge; the type filter; "mark as read"; the
// state survives a reload; a POST with the cookie and no CSRF token is refused. The page at 320,
// 768 and 1440 px without horizontal overflow or a tap target under 44 px (screenshots in
// web-screenshots/ beside the binary), and Tab reaching every control with a visible focus.
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import {
  browserTestArgs, browserTestWorld, check, finish, pointEmulatorAt, settleApiChecks, startLucas, stopLucas,
  validateApiResponses, watchPageApi, apiCaller,
} from './lib.mjs';

const require = createRequire(import.meta.url);
const { chromium } = require('playwright-core');

const { lucasPath, webDir, shots } = browserTestArgs('web_notifications_e2e');

const token = '535353:web-notifications-e2e-token';
const { emulator, dataDir, profiles, env } = await browserTestWorld('web_notifications_e2e', token, webDir);
const cli = (...args) =>
  execFileSync(lucasPath, args, { env: { ...process.env, LUCAS_LOG_LEVEL: 'warn', ...env } }).toString();
cli('migrate');
cli('user', 'add', '--id', '101', '--username', 'alice', '--name', 'Алиса', '--language', 'ru');
cli('user', 'add', '--id', '102', '--username', 'bob', '--name', 'Bob', '--language', 'en');
// 25 notifications for Alice (a page is 20): 24 grants of 1.00 and one debit of 0.50; one for Bob.
for (let i = 0; i < 24; i += 1) cli('ledger', 'grant', '--user', '101', '--amount', '1.00', '--key', `wn-g${i}`);
cli('ledger', 'grant', '--user', '101', '--amount', '-0.50', '--key', 'wn-d1');
cli('ledger', 'grant', '--user', '102', '--amount', '7.77', '--key', 'wn-bob');
const alice = cli('token', 'create', '--user', '101').trim();
const aliceNoWs = cli('token', 'create', '--user', '101', '--scope', 'balance:read history:read profile:read').trim();
const bob = cli('token', 'create', '--user', '102').trim();

const { process: lucas, port } = await startLucas(lucasPath, env);
const base = `http://127.0.0.1:${port}`;
pointEmulatorAt(emulator, token, port);
await validateApiResponses(base);

const call = apiCaller(base);
const waitFor = async (fn, ms = 10000) => {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v || Date.now() > end) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
};
const unreadOf = async (bearer) => (await call('GET', '/api/v1/me/notifications?limit=1', bearer)).body?.unread;

const contexts = [];
try {
  // --- the API. The grants made before the start become notifications as the server catches up
  // with the ledger's events.
  await waitFor(async () => (await unreadOf(alice)) === 25);
  const first = await call('GET', '/api/v1/me/notifications', alice);
  const ids = first.body?.items?.map((n) => n.id) ?? [];
  check('a page of 20, newest first, all unread', first.status === 200 && ids.length === 20 &&
    ids.every((id, i) => i === 0 || id < ids[i - 1]) && first.body.items.every((n) => n.read === false) &&
    first.body.unread === 25 && first.body.read_up_to === 0, JSON.stringify(first.body).slice(0, 300));
  const debit = first.body?.items?.[0];
  check('each carries its money: the debit first, with the balance after', debit?.type === 'money.debited' &&
    debit.data?.amount?.amount === '0.50' && debit.data?.amount?.currency === 'COIN' &&
    debit.data?.balance?.amount === '23.50' && debit.data?.reason === 'admin.debit', JSON.stringify(debit));
  const rest = await call('GET', `/api/v1/me/notifications?before=${first.body?.next_before}`, alice);
  check('"before" pages on to the end', rest.body?.items?.length === 5 && rest.body.next_before === null &&
    rest.body.items[0].id < ids[19], JSON.stringify(rest.body).slice(0, 200));
  const debits = await call('GET', '/api/v1/me/notifications?type=money.debited', alice);
  check('the type filter', debits.body?.items?.length === 1 && debits.body.items[0].type === 'money.debited' &&
    debits.body.unread === 25, JSON.stringify(debits.body).slice(0, 200));
  for (const [query, field] of [['limit=0', 'limit'], ['limit=101', 'limit'], ['type=', 'type'], ['before=0', 'before']]) {
    const bad = await call('GET', `/api/v1/me/notifications?${query}`, alice);
    check(`${query} is refused, naming ${field}`, bad.status === 400 && bad.body?.error_code === 'INVALID_ARGUMENT' &&
      bad.body?.details?.field === field, JSON.stringify(bad.body));
  }
  check('no credentials: 401', (await call('GET', '/api/v1/me/notifications')).status === 401);
  const noScope = await call('GET', '/api/v1/me/notifications', aliceNoWs);
  check('a token without the ws scope: 403 naming it', noScope.status === 403 &&
    noScope.body?.error_code === 'INSUFFICIENT_SCOPE' && noScope.body?.details?.scope === 'ws', JSON.stringify(noScope.body));
  // Hostile: Bob sees his one notification only; marking "up to" Alice's ids reads only his own.
  const bobs = await call('GET', '/api/v1/me/notifications?limit=100', bob);
  const bobId = bobs.body?.items?.[0]?.id;
  check('Bob sees only his own notification', bobs.body?.items?.length === 1 &&
    bobs.body.items[0].data?.amount?.amount === '7.77' && !bobs.body.items.some((n) => ids.includes(n.id)), JSON.stringify(bobs.body));
  // His was made after all of Alice's: up to her newest, nothing of his is there to read.
  const bobUpToHers = await call('POST', '/api/v1/me/notifications/read', bob, { up_to_id: ids[0] });
  check('Bob marking up to Alice\'s newest reads nothing', bobUpToHers.status === 200 &&
    bobUpToHers.body?.read_up_to === 0 && bobUpToHers.body?.unread === 1, JSON.stringify(bobUpToHers.body));
  const bobBeyond = await call('POST', '/api/v1/me/notifications/read', bob, { up_to_id: bobId + 1000 });
  check('Bob marking beyond everything reads his own, and stops at it', bobBeyond.body?.read_up_to === bobId &&
    bobBeyond.body?.unread === 0, JSON.stringify(bobBeyond.body));
  check('...and Alice\'s stay unread', (await unreadOf(alice)) === 25);
  check('a body without up_to_id is refused', (await call('POST', '/api/v1/me/notifications/read', alice, {})).status === 400);
  check('a negative id is refused', (await call('POST', '/api/v1/me/notifications/read', alice, { up_to_id: -1 })).status === 400);

  // --- the browser: Alice signs in with the bot's one-time link
  const dm = emulator.getClient(token, {
    userId: 101, firstName: 'Алиса', userName: 'alice', chatId: 101, type: 'private', timeout: 8000,
  });
  await dm.sendMessage(dm.makeMessage('/login'));
  const reply = (await dm.getUpdates()).result.map((u) => u.message.text).join('\n');
  const link = reply.match(/http:\/\/lucas\.test\/login#token=([0-9a-f]{64})/)?.[1];
  check('the bot sends a login link', !!link, reply);
  const ctx = await chromium.launchPersistentContext(join(profiles, 'p1'), {
    executablePath: process.env.CHROME_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 390, height: 844 },
  });
  const page = ctx.pages()[0] ?? (await ctx.newPage());
  watchPageApi(page);
  const problems = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && !/Failed to load resource/.test(m.text())) problems.push(m.text());
  });
  contexts.push(ctx);
  await page.goto(`${base}/login#token=${link}`);
  await page.waitForSelector('[data-testid=balance]', { timeout: 10000 });
  const badge = () => page.evaluate(() => document.querySelector('[data-testid=unread-badge]')?.textContent?.trim() ?? null);
  const badgeIs = (text, ms = 5000) => page.waitForFunction(
    (want) => (document.querySelector('[data-testid=unread-badge]')?.textContent?.trim() ?? null) === want, text, { timeout: ms },
  ).then(() => true, () => false);
  check('the nav shows the unread count', await badgeIs('(25)'), String(await badge()));
  const navText = await page.textContent('a[href="/notifications"]');
  check('...on the Notifications link, in words for a screen reader', navText === 'Уведомления (25)', navText);
  await page.waitForSelector('[data-testid=live-status].open', { timeout: 10000 });

  // A credit made meanwhile by another process bumps the badge live (the page is home).
  cli('ledger', 'grant', '--user', '101', '--amount', '0.05', '--key', 'wn-live-1');
  check('a credit made meanwhile bumps the badge live', await badgeIs('(26)', 10000), String(await badge()));

  // Opening the page: the list, the new ones highlighted, and the badge cleared.
  await page.click('a[href="/notifications"]');
  await page.waitForSelector('[data-testid=notifications] li');
  const rows = () => page.$$eval('[data-testid=notifications] li', (ls) => ls.map((l) => l.textContent));
  const shown = await rows();
  check('the page lists 20, newest first', shown.length === 20 && shown[0].includes('+0.05 монет') &&
    shown[1].includes('−0.50 монет') && shown[2].includes('+1.00 монет'), JSON.stringify(shown.slice(0, 3)));
  check('...in words: the admin\'s grant, the balance after', shown[0].includes('Начисление администратора') &&
    shown[0].includes('баланс 23.55 монет'), shown[0]);
  check('...the new ones highlighted', (await page.$$('[data-testid=notifications] li.unread')).length === 20);
  check('opening the page clears the badge', await badgeIs(null), String(await badge()));
  check('...and the server agrees', await waitFor(async () => (await unreadOf(alice)) === 0), String(await unreadOf(alice)));
  await page.click('[data-testid=notifications-more]');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=notifications] li').length > 20);
  const all = await rows();
  check('"show more" pages on to the end', all.length === 26 && !(await page.isVisible('[data-testid=notifications-more]')) &&
    all[25].includes('+1.00'), String(all.length));
  check('Bob\'s notification is not among them', !all.some((t) => t.includes('7.77')));

  // A credit while the page is open: at the top, new, and counted on the badge.
  cli('ledger', 'grant', '--user', '101', '--amount', '0.09', '--key', 'wn-live-2');
  const arrived = await page.waitForSelector('[data-testid=notifications] li.fresh.unread:has-text("+0.09")', { timeout: 10000 })
    .then(() => true, () => false);
  check('a credit arriving while the page is open joins the top', arrived &&
    (await rows())[0].includes('+0.09'), JSON.stringify((await rows()).slice(0, 2)));
  check('...and bumps the badge', await badgeIs('(1)'), String(await badge()));

  // The type filter.
  await Promise.all([
    page.waitForResponse((r) => r.url().includes('/api/v1/me/notifications?') && r.url().includes('type=money.debited')),
    page.selectOption('select[name=type]', 'money.debited'),
  ]);
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=notifications] li').length === 1);
  check('the filter: money out only', (await rows())[0].includes('−0.50'), JSON.stringify(await rows()));
  await page.selectOption('select[name=type]', '');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=notifications] li').length === 20);

  // CSRF: the cookie alone does not mark anything.
  const csrfless = await page.evaluate(() => fetch('/api/v1/me/notifications/read', {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, credentials: 'same-origin', body: '{"up_to_id":999999}',
  }).then((r) => r.status));
  check('a POST with the cookie and no CSRF token is refused', csrfless === 403, String(csrfless));
  check('...and marks nothing', (await unreadOf(alice)) === 1);

  // "Mark as read", and the state survives a reload.
  await page.click('[data-testid=notifications-mark-read]');
  check('"mark as read" clears the badge', await badgeIs(null), String(await badge()));
  check('...on the server too', await waitFor(async () => (await unreadOf(alice)) === 0));
  await page.reload();
  await page.waitForSelector('[data-testid=notifications] li');
  await page.waitForTimeout(500);
  check('after a reload the badge stays clear', (await badge()) === null, String(await badge()));
  check('...and nothing is new', (await page.$$('[data-testid=notifications] li.unread')).length === 0);
  // Another page: a credit counts; reopening the page reads it; a reload keeps it read.
  await page.click('a[href="/history"]');
  await page.waitForSelector('[data-testid=history] li');
  cli('ledger', 'grant', '--user', '101', '--amount', '0.11', '--key', 'wn-live-3');
  check('on another page a credit bumps the badge too', await badgeIs('(1)', 10000), String(await badge()));
  await page.click('a[href="/notifications"]');
  await page.waitForSelector('[data-testid=notifications] li.unread:has-text("+0.11")');
  check('reopening the page clears it', await badgeIs(null), String(await badge()));
  await page.reload();
  await page.waitForSelector('[data-testid=notifications] li');
  await page.waitForTimeout(500);
  check('...for good', (await badge()) === null && (await unreadOf(alice)) === 0, String(await badge()));

  // The read marker never goes back: a lower id changes nothing.
  const lower = await call('POST', '/api/v1/me/notifications/read', alice, { up_to_id: ids[19] });
  check('a lower id un-reads nothing', lower.status === 200 && lower.body?.unread === 0 && lower.body?.read_up_to > ids[0],
    JSON.stringify(lower.body));

  // --- the keyboard reaches every nav link and control of the page, with a visible focus
  const want = await page.evaluate(() => {
    const controls = [...document.querySelectorAll('a[href], button:not([disabled]), input, select')].filter((el) => {
      const r = el.getBoundingClientRect();
      return r.width > 0 && r.height > 0 && getComputedStyle(el).visibility !== 'hidden';
    });
    controls.forEach((el, i) => el.setAttribute('data-tab-k', String(i)));
    document.activeElement?.blur?.();
    return controls.map((el) => el.getAttribute('href') ?? el.getAttribute('name') ?? el.textContent.trim());
  });
  const reached = new Set();
  const invisible = new Set();
  for (let i = 0; i < want.length * 3 + 10 && reached.size < want.length; i += 1) {
    await page.keyboard.press('Tab');
    const f = await page.evaluate(() => {
      const el = document.activeElement;
      if (!el || el === document.body) return null;
      const s = getComputedStyle(el);
      return { k: el.getAttribute('data-tab-k'), visible: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2 };
    });
    if (f?.k !== null && f?.k !== undefined) {
      reached.add(Number(f.k));
      if (!f.visible) invisible.add(want[Number(f.k)]);
    }
  }
  check(`Tab reaches every nav link and control of the page (${want.length})`,
    want.includes('/notifications') && want.includes('type') && reached.size === want.length,
    JSON.stringify(want.filter((_, i) => !reached.has(i))));
  check('the keyboard focus is visible', invisible.size === 0, JSON.stringify([...invisible]));

  // --- no horizontal overflow, no tap target under 44 px (with the badge showing on home: a credit
  // before each width), screenshots
  for (const width of [320, 768, 1440]) {
    cli('ledger', 'grant', '--user', '101', '--amount', '0.13', '--key', `wn-layout-${width}`);
    check(`a credit for the badge at ${width}px`, await badgeIs('(1)', 10000), String(await badge()));
    for (const [name, path] of [['home', '/'], ['notifications', '/notifications']]) {
      await page.setViewportSize({ width, height: 900 });
      await page.evaluate((p) => { history.pushState(null, '', p); dispatchEvent(new PopStateEvent('popstate')); }, path);
      await page.waitForSelector('main .card h1');
      if (name === 'notifications') await page.waitForSelector('[data-testid=notifications] li');
      await page.waitForLoadState('networkidle').catch(() => {});
      await page.waitForTimeout(200);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      check(`${name} at ${width}px has no horizontal overflow`, overflow <= 0, `${overflow}px`);
      const small = await page.evaluate(() => [...document.querySelectorAll('a[href], button, input, select')]
        .map((el) => [el, el.getBoundingClientRect()])
        .filter(([el, r]) => r.width > 0 && r.height > 0 && getComputedStyle(el).visibility !== 'hidden' && (r.width < 44 || r.height < 44))
        .map(([el, r]) => `${el.tagName} ${(el.textContent || el.getAttribute('name') || '').trim().slice(0, 24)} ${Math.round(r.width)}x${Math.round(r.height)}`));
      check(`${name} at ${width}px has no tap target under 44 px`, small.length === 0, JSON.stringify(small));
      // The badge stays inside its link (the phone's tab bar puts it on the tab's corner).
      const badgeInside = await page.evaluate(() => {
        const b = document.querySelector('[data-testid=unread-badge]')?.getBoundingClientRect();
        const a = document.querySelector('a[href="/notifications"]')?.getBoundingClientRect();
        return !b || (!!a && b.left >= a.left - 1 && b.right <= a.right + 1 && b.top >= a.top - 1 && b.bottom <= a.bottom + 1);
      });
      check(`${name} at ${width}px: the badge sits within its link`, badgeInside);
      await page.screenshot({ path: join(shots, `notifications-${name}-${width}.png`), fullPage: true });
      // The phone's screen as it is seen (the tab bar over the page).
      if (width === 320) await page.screenshot({ path: join(shots, `notifications-${name}-${width}-screen.png`) });
    }
  }
  // Opened last: the page read the last credit.
  check('the last visit read the last credit', await badgeIs(null));

  await page.setViewportSize({ width: 390, height: 844 });
  await page.click('a[href="/"]');
  await page.waitForSelector('[data-testid=balance]');
  await page.click('[data-testid=logout]');
  await page.waitForSelector('[data-testid=login-link-help]');
  check('signed out: no badge', (await badge()) === null);
  check('no script error or CSP violation', problems.length === 0, JSON.stringify(problems));
} catch (e) {
  check('the browser session completes', false, e.stack ?? String(e));
} finally {
  await settleApiChecks();
  for (const x of contexts) await x.close().catch(() => {});
  const code = await stopLucas(lucas);
  check('lucas stops cleanly', code === 0, `exit ${code}`);
  await emulator.stop();
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(profiles, { recursive: true, force: true });
}

finish();
