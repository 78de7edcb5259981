// The web app end to end: headless Debian chromium (driven by playwright-core) against the real
// `lucas serve`, with the Telegram emulator as the bot's API.
//   node tests/e2e/web_e2e.mjs PATH/TO/lucas [WEB_DIR]   (WEB_DIR: default web/ beside the binary)
// Signs in by a login link the bot sends (/login in private; the link works once), by Mini App
// initData computed here with the bot token (and a forged initData is refused), with Telegram's
// theme; a state-changing request without the CSRF token is refused; my sessions; sign-out; the
// static files (cache headers, compression, CSP, SPA fallback) through the binary; no horizontal
// overflow at 320, 768, 1440 and 3840 px (screenshots in build/<preset>/web-screenshots/).
import { createHmac } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import {
  check, finish, freePort, pointEmulatorAt, startLucas, stopLucas, webhookSecret,
} from './lib.mjs';

const require = createRequire(import.meta.url);
const TelegramServer = require('telegram-test-api');
const { chromium } = require('playwright-core');

const lucasPath = process.argv[2];
if (!lucasPath) {
  console.error('usage: web_e2e.mjs PATH/TO/lucas [WEB_DIR]');
  process.exit(2);
}
const webDir = resolve(process.argv[3] ?? join(dirname(lucasPath), 'web'));
if (!existsSync(join(webDir, 'index.html'))) {
  console.error(`web_e2e: no built web app in ${webDir}: run scripts/build-web.sh ${webDir}`);
  process.exit(1);
}
const shots = join(dirname(resolve(lucasPath)), 'web-screenshots');
mkdirSync(shots, { recursive: true });

const token = '515151:web-e2e-token';
const emulatorPort = await freePort();
const emulator = new TelegramServer({ port: emulatorPort, host: '127.0.0.1', storeTimeout: 60 });
await emulator.start();

const dataDir = mkdtempSync(join(tmpdir(), 'lucas-web-e2e-'));
const profiles = mkdtempSync(join(tmpdir(), 'lucas-web-e2e-chromium-'));
const env = {
  LUCAS_DATA_DIR: dataDir,
  LUCAS_TELEGRAM_TOKEN: token,
  LUCAS_TELEGRAM_WEBHOOK_SECRET: webhookSecret,
  LUCAS_TELEGRAM_API_URL: `http://127.0.0.1:${emulatorPort}`,
  LUCAS_TELEGRAM_BOT_USERNAME: 'lucas_bank_bot',
  LUCAS_PUBLIC_URL: 'http://lucas.test',
  LUCAS_WEB_DIR: webDir,
  LUCAS_PARSER_AUTO_TRAIN: 'false',
};
const cli = (...args) =>
  execFileSync(lucasPath, args, { env: { ...process.env, LUCAS_LOG_LEVEL: 'warn', ...env } }).toString();
cli('migrate');
cli('user', 'add', '--id', '101', '--username', 'alice', '--name', 'Алиса', '--language', 'ru');
cli('ledger', 'grant', '--user', '101', '--amount', '12.34', '--key', 'web-e2e-101');

const { process: lucas, port } = await startLucas(lucasPath, env);
const base = `http://127.0.0.1:${port}`;
pointEmulatorAt(emulator, token, port);

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

const flags = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];
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
  await a.page.goto(`${base}/login#token=${link?.[1]}`);
  await a.page.waitForSelector('[data-testid=balance]', { timeout: 10000 });
  const balance = await a.page.textContent('[data-testid=balance]');
  check('the link opens the dashboard with the balance', balance?.includes('12.34'), balance);
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

  // --- no horizontal overflow, screenshots
  for (const width of [320, 768, 1440, 3840]) {
    for (const [name, path] of [['home', '/'], ['sessions', '/sessions']]) {
      await a.page.setViewportSize({ width, height: width > 2000 ? 2160 : 900 });
      await a.page.evaluate((p) => { history.pushState(null, '', p); dispatchEvent(new PopStateEvent('popstate')); }, path);
      await a.page.waitForTimeout(150);
      const overflow = await a.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      check(`${name} at ${width}px has no horizontal overflow`, overflow <= 0, `${overflow}px`);
      await a.page.screenshot({ path: join(shots, `${name}-${width}.png`), fullPage: true });
    }
    await b.page.setViewportSize({ width, height: 900 });
    await b.page.waitForTimeout(100);
    const overflow = await b.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    check(`login at ${width}px has no horizontal overflow`, overflow <= 0, `${overflow}px`);
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
  for (const x of contexts) await x.ctx.close().catch(() => {});
  const code = await stopLucas(lucas);
  check('lucas stops cleanly', code === 0, `exit ${code}`);
  await emulator.stop();
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(profiles, { recursive: true, force: true });
}

finish();
