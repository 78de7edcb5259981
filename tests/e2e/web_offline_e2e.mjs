// The web app offline (requirement 35, Property 34): headless Debian chromium (playwright-core)
// against the real `lucas serve`.
//   node tests/e2e/web_offline_e2e.mjs PATH/TO/lucas [WEB_DIR]
// The service worker (web/src/sw/sw.ts) installs, keeps the shell and the player's last reads;
// with the server gone, a reload and a typed address still open the app, and home (balance),
// history and leaderboards show the kept data with a "no connection: data as of …" mark and a
// retry at least 44 px tall, without horizontal overflow at 320 px. Signing out deletes what was
// kept, and nothing but the player's GET reads is kept (no POST, no CSV, no other user's data).
import { createHmac } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import {
  browserTestArgs, browserTestWorld, check, finish, settleApiChecks, startLucas, stopLucas,
  validateApiResponses, watchPageApi,
} from './lib.mjs';

const require = createRequire(import.meta.url);
const { chromium } = require('playwright-core');

const { lucasPath, webDir, shots } = browserTestArgs('web_offline_e2e');
const token = '525252:web-offline-token';
const { emulator, profiles, env } = await browserTestWorld('web_offline_e2e', token, webDir);
const cli = (...args) =>
  execFileSync(lucasPath, args, { env: { ...process.env, LUCAS_LOG_LEVEL: 'warn', ...env } }).toString();
cli('migrate');
cli('user', 'add', '--id', '101', '--username', 'alice', '--name', 'Алиса', '--language', 'ru');
cli('user', 'add', '--id', '102', '--username', 'bob', '--name', 'Bob', '--language', 'en');
cli('ledger', 'grant', '--user', '101', '--amount', '12.34', '--key', 'offline-101');
for (let i = 0; i < 3; i += 1) cli('ledger', 'grant', '--user', '101', '--amount', '1.00', '--key', `offline-g${i}`);
cli('ledger', 'grant', '--user', '102', '--amount', '3.00', '--key', 'offline-102');

const { process: lucas, port } = await startLucas(lucasPath, env);
const base = `http://127.0.0.1:${port}`;
await validateApiResponses(base);

// Mini App initData signed with the bot token, as Telegram signs it.
const initData = (user) => {
  const fields = { auth_date: String(Math.floor(Date.now() / 1000)), query_id: 'AAE-offline', user: JSON.stringify(user) };
  const dcs = Object.keys(fields).sort().map((k) => `${k}=${fields[k]}`).join('\n');
  const secret = createHmac('sha256', 'WebAppData').update(token).digest();
  return new URLSearchParams({ ...fields, hash: createHmac('sha256', secret).update(dcs).digest('hex') }).toString();
};

let profileCount = 0;
const browser = async () => {
  profileCount += 1;
  const ctx = await chromium.launchPersistentContext(join(profiles, `p${profileCount}`), {
    executablePath: process.env.CHROME_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 320, height: 700 },
  });
  const page = ctx.pages()[0] ?? (await ctx.newPage());
  watchPageApi(page);
  const problems = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  return { ctx, page, problems };
};
// Signs in as `user` (a browser sign-in through the sign-in endpoint, as the Mini App does) and
// opens home once the service worker controls the page.
const signIn = async (page, user) => {
  await page.goto(`${base}/login`);
  const status = await page.evaluate(
    (data) => fetch('/api/v1/auth/telegram/webapp', {
      method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ init_data: data }), credentials: 'same-origin',
    }).then((r) => r.status),
    initData(user));
  check(`${user.first_name} signs in`, status === 200, String(status));
  await page.evaluate(() => navigator.serviceWorker.ready.then(() => true));
  await page.goto(`${base}/`);
  await page.waitForSelector('[data-testid=balance]', { timeout: 10000 });
};
const cacheNames = (page) => page.evaluate(() => caches.keys());
const keptUrls = (page) => page.evaluate(async () => {
  if (!(await caches.has('lucas-data'))) return [];
  const cache = await caches.open('lucas-data');
  return (await cache.keys()).map((r) => new URL(r.url).pathname + new URL(r.url).search);
});
const overflow = (page) => page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1);

const contexts = [];
try {
  const sw = await fetch(`${base}/sw.js`);
  const swText = await sw.text();
  check('/sw.js is served and revalidated', sw.status === 200 && sw.headers.get('cache-control') === 'no-cache' &&
    /javascript/.test(sw.headers.get('content-type') ?? ''), `${sw.status} ${sw.headers.get('content-type')}`);
  const precache = JSON.parse(swText.match(/const PRECACHE = (\[.*\]);/)?.[1] ?? '[]');
  check('it precaches the shell: index.html and hashed assets, not the API explorer',
    precache.includes('/index.html') && precache.some((p) => p.startsWith('/assets/')) &&
    !precache.some((p) => p.startsWith('/docs')), String(precache.length));

  // --- Bob signs in, reads, signs out: nothing of his stays
  const b = await browser();
  contexts.push(b);
  await signIn(b.page, { id: 102, first_name: 'Bob', username: 'bob', language_code: 'en' });
  await b.page.waitForFunction(async () => (await caches.has('lucas-data')) &&
    (await (await caches.open('lucas-data')).keys()).length > 0, null, { timeout: 10000 });
  check('reads are kept while signed in', (await keptUrls(b.page)).some((u) => u.includes('/users/102')),
    (await keptUrls(b.page)).join(' '));
  await b.page.click('[data-testid=logout]');
  await b.page.waitForURL(/\/login$/);
  await b.page.waitForFunction(async () => !(await caches.has('lucas-data')), null, { timeout: 10000 });
  check('signing out deletes the kept data', !(await cacheNames(b.page)).includes('lucas-data'));
  check('...and keeps the shell', (await cacheNames(b.page)).some((n) => n.startsWith('lucas-shell-')));

  // --- Alice reads home, history and leaderboards online
  const a = await browser();
  contexts.push(a);
  await signIn(a.page, { id: 101, first_name: 'Алиса', username: 'alice', language_code: 'ru' });
  const onlineBalance = await a.page.textContent('[data-testid=balance]');
  check('online: the balance', onlineBalance?.includes('15.34') || onlineBalance?.includes('15,34'), onlineBalance);
  check('online: no offline mark', !(await a.page.isVisible('[data-testid=offline]')));
  await a.page.click('nav a[href="/history"]');
  await a.page.waitForSelector('[data-testid=history] li');
  const onlineHistory = await a.page.$$eval('[data-testid=history] li', (ls) => ls.length);
  await a.page.click('nav a[href="/leaderboards"]');
  // The board read (its empty state: nobody has won coins from a game bot today) and my place.
  const boardRead = () => a.page.waitForFunction(() => {
    const text = document.querySelector('main')?.textContent ?? '';
    return text.includes('В этом периоде ещё никого нет') && text.includes('Вас пока нет в этом рейтинге');
  }, null, { timeout: 10000 });
  await boardRead();
  const onlineBoard = await a.page.textContent('main');
  const csv = await a.page.evaluate(() => fetch('/api/v1/users/101/transactions?format=csv').then((r) => r.status));
  const keptReads = await keptUrls(a.page);
  check('kept: session, balance, history, leaderboards', ['/auth/session', '/users/101/balance', '/users/101/transactions',
    '/leaderboards'].every((p) => keptReads.some((u) => u.includes(p))), keptReads.join(' '));
  check('not kept: the CSV export, anything of Bob', csv === 200 && !keptReads.some((u) => u.includes('format=csv')) &&
    !keptReads.some((u) => u.includes('/users/102')), keptReads.join(' '));

  // --- the server goes away
  await settleApiChecks();
  await stopLucas(lucas);
  await a.page.reload();
  await boardRead().catch(() => {});
  check('offline: a reload opens the app on the page it was on', a.page.url().endsWith('/leaderboards'));
  await a.page.waitForSelector('[data-testid=offline]', { timeout: 10000 });
  const mark = await a.page.textContent('[data-testid=offline]');
  check('offline: the page says the data is kept, and since when', /Нет связи.*\d{2}:\d{2}/.test(mark ?? ''), mark);
  const retry = await a.page.$eval('[data-testid=offline] button', (e) => e.getBoundingClientRect().height);
  check('offline: the retry is a 44 px target', retry >= 44, String(retry));
  const offlineBoard = (await a.page.textContent('main')) ?? '';
  const kept = (text) => ['Монеты из игр', 'В этом периоде ещё никого нет', 'Вас пока нет в этом рейтинге']
    .every((part) => text.includes(part));
  check('offline: the leaderboard shows the kept board and my place', kept(onlineBoard ?? '') && kept(offlineBoard),
    `${offlineBoard} | ${onlineBoard}`);
  await a.page.goto(`${base}/`);
  await a.page.waitForSelector('[data-testid=balance]', { timeout: 10000 });
  const offlineBalance = await a.page.textContent('[data-testid=balance]');
  check('offline: a typed address opens home with the kept balance', offlineBalance === onlineBalance, offlineBalance);
  check('offline: no horizontal overflow at 320 px', !(await overflow(a.page)));
  await a.page.screenshot({ path: join(shots, 'offline-home-320.png'), fullPage: true });
  await a.page.click('nav a[href="/history"]');
  await a.page.waitForSelector('[data-testid=history] li', { timeout: 10000 });
  const offlineHistory = await a.page.$$eval('[data-testid=history] li', (ls) => ls.length);
  check('offline: history shows the kept lines', offlineHistory === onlineHistory && offlineHistory >= 4,
    `${offlineHistory} of ${onlineHistory}`);
  check('offline: still marked', await a.page.isVisible('[data-testid=offline]'));
  for (const c of contexts) check('no page error', c.problems.length === 0, c.problems.join(' | '));
} finally {
  for (const c of contexts) await c.ctx.close().catch(() => {});
  await stopLucas(lucas);
  await emulator.stop();
}
await finish();
