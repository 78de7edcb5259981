// Shared by the node end-to-end tests: a pass/fail tally, free ports, starting `lucas serve`, a
// WebSocket client that queues what it receives, and the OpenAPI check of every answer.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import net from 'node:net';
import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
export const WebSocket = require('ws');

const Ajv2020 = require('ajv/dist/2020.js');
const addFormats = require('ajv-formats');

export const tally = { passed: 0, failed: 0 };
export const check = (name, ok, detail = '') => {
  if (ok) {
    tally.passed += 1;
    console.log(`ok   - ${name}`);
  } else {
    tally.failed += 1;
    console.log(`FAIL - ${name} ${detail}`);
  }
};
// Ends the test: the answers still being checked against the OpenAPI document are waited for, and
// when the check was on (validateApiResponses), how many answers it validated is reported — none
// at all is a failure too (the hook would be broken).
export const finish = async () => {
  if (apiCheck.validator) {
    await settleApiChecks();
    const { validated, other, unread, failures } = apiCheck;
    check(`${validated} JSON answers validated against the OpenAPI document, ${failures} did not match` +
      ` (${other} other answers' content types checked, ${unread} bodies the browser no longer had)`,
    validated > 0 && failures === 0);
  }
  console.log(`${tally.passed} passed, ${tally.failed} failed`);
  process.exit(tally.failed === 0 ? 0 : 1);
};

export const freePort = () =>
  new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });

// Starts `lucas serve` on a free port; resolves { process, port } once it listens.
export const startLucas = (lucasPath, env, args = []) => {
  const child = spawn(lucasPath, ['serve', '--port', '0', '--http-host', '127.0.0.1', ...args], {
    env: { ...process.env, LUCAS_LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error('lucas did not start')), 15000);
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const m = out.match(/^listening (\d+)$/m);
      if (m) {
        clearTimeout(timer);
        resolve({ process: child, port: Number(m[1]) });
      }
    });
    child.on('exit', (code) => reject(new Error(`lucas exited with ${code}`)));
  });
};

export const stopLucas = async (child) => {
  if (child.exitCode !== null) return child.exitCode;
  child.kill('SIGTERM');
  return new Promise((resolve) => child.on('exit', resolve));
};

// A WebSocket whose messages are queued: next() waits for the next one (or null on timeout),
// closed resolves with {code, reason}; refused (HTTP status) when the upgrade is refused.
export const connectWs = (url, options = {}) =>
  new Promise((resolve) => {
    const ws = new WebSocket(url, options);
    const queue = [];
    const waiters = [];
    let closeInfo = null;
    const closeWaiters = [];
    const c = {
      ws,
      status: 101,
      next(timeoutMs = 5000) {
        if (queue.length) return Promise.resolve(queue.shift());
        return new Promise((res) => {
          const w = { res, timer: setTimeout(() => { waiters.splice(waiters.indexOf(w), 1); res(null); }, timeoutMs) };
          waiters.push(w);
        });
      },
      // Waits for a message matching pred, skipping others.
      async until(pred, timeoutMs = 5000) {
        const end = Date.now() + timeoutMs;
        for (;;) {
          const left = end - Date.now();
          if (left <= 0) return null;
          const m = await c.next(left);
          if (m === null || pred(m)) return m;
        }
      },
      send: (obj) => ws.send(typeof obj === 'string' ? obj : JSON.stringify(obj)),
      closed(timeoutMs = 10000) {
        if (closeInfo) return Promise.resolve(closeInfo);
        return new Promise((res) => {
          closeWaiters.push(res);
          setTimeout(() => res(null), timeoutMs);
        });
      },
      close: () => ws.close(),
    };
    ws.on('message', (data) => {
      let m;
      try {
        m = JSON.parse(data.toString());
      } catch {
        m = { unparsed: data.toString() };
      }
      const w = waiters.shift();
      if (w) {
        clearTimeout(w.timer);
        w.res(m);
      } else {
        queue.push(m);
      }
    });
    ws.on('open', () => resolve(c));
    ws.on('unexpected-response', (req, res) => {
      c.status = res.statusCode;
      let body = '';
      res.on('data', (d) => { body += d; });
      res.on('end', () => {
        try { c.body = JSON.parse(body); } catch { c.body = body; }
        // A refused upgrade is an HTTP answer of GET /api/v1/ws: checked like the others.
        const u = new URL(url);
        const origin = `${u.protocol === 'wss:' ? 'https:' : 'http:'}//${u.host}`;
        if (apiCheck.validator && apiCheck.origins.has(origin)) {
          checkResponse('GET', u.pathname + u.search, res.statusCode, res.headers['content-type'], body);
        }
        resolve(c);
      });
    });
    ws.on('close', (code, reason) => {
      closeInfo = { code, reason: reason.toString() };
      closeWaiters.forEach((r) => r(closeInfo));
    });
    ws.on('error', () => {});
  });

// Points the telegram-test-api emulator at lucas's webhook. Webhook mode refuses to start without a
// secret, and Telegram sends it back in a header with every update; the emulator keeps
// setWebhook's secret_token but does not send it, so the header is added to its webhook calls here
// (it posts them with axios, the copy in our node_modules).
export const webhookSecret = 'e2e-webhook-secret_0123';
export const pointEmulatorAt = (emulator, botToken, lucasPort) => {
  const path = createHash('sha256').update(`lucas-webhook:${botToken}`).digest('hex').slice(0, 32);
  const url = `http://127.0.0.1:${lucasPort}/telegram/webhook/${path}`;
  require('axios').interceptors.request.use((request) => {
    if (request.url === url) {
      request.headers = { ...request.headers, 'X-Telegram-Bot-Api-Secret-Token': webhookSecret };
    }
    return request;
  });
  emulator.setWebhook({ url, secret_token: webhookSecret }, botToken);
};

// The command line of a browser test: `<name>.mjs PATH/TO/lucas [WEB_DIR]` — the binary, the built
// web app (default: web/ beside the binary) and the screenshot folder beside the binary (created).
export function browserTestArgs(name) {
  const lucasPath = process.argv[2];
  if (!lucasPath) {
    console.error(`usage: ${name}.mjs PATH/TO/lucas [WEB_DIR]`);
    process.exit(2);
  }
  const webDir = resolve(process.argv[3] ?? join(dirname(lucasPath), 'web'));
  if (!existsSync(join(webDir, 'index.html'))) {
    console.error(`${name}: no built web app in ${webDir}: run scripts/build-web.sh ${webDir}`);
    process.exit(1);
  }
  const shots = join(dirname(resolve(lucasPath)), 'web-screenshots');
  mkdirSync(shots, { recursive: true });
  return { lucasPath, webDir, shots };
}

// What a browser test runs against: the Telegram emulator (started), a data directory and a
// chromium profile folder (temporary), and the environment of `lucas serve` in webhook mode with
// the built web app — plus `extraEnv`.
export async function browserTestWorld(name, botToken, webDir, extraEnv = {}) {
  const TelegramServer = require('telegram-test-api');
  const emulatorPort = await freePort();
  const emulator = new TelegramServer({ port: emulatorPort, host: '127.0.0.1', storeTimeout: 60 });
  await emulator.start();
  const slug = name.replaceAll('_', '-');
  const dataDir = mkdtempSync(join(tmpdir(), `lucas-${slug}-`));
  const profiles = mkdtempSync(join(tmpdir(), `lucas-${slug}-chromium-`));
  const env = {
    LUCAS_DATA_DIR: dataDir,
    LUCAS_TELEGRAM_TOKEN: botToken,
    LUCAS_TELEGRAM_WEBHOOK_SECRET: webhookSecret,
    LUCAS_TELEGRAM_API_URL: `http://127.0.0.1:${emulatorPort}`,
    LUCAS_TELEGRAM_BOT_USERNAME: 'lucas_bank_bot',
    LUCAS_PUBLIC_URL: 'http://lucas.test',
    LUCAS_WEB_DIR: webDir,
    LUCAS_PARSER_AUTO_TRAIN: 'false',
    ...extraEnv,
  };
  return { emulator, emulatorPort, dataDir, profiles, env };
}

// --- The OpenAPI document as the judge of every answer
//
// The server's own document (GET /api/v1/openapi.json) says, for each operation and status, what
// the body is; every answer a test gets is held against it. The document goes into ajv whole (JSON
// Schema 2020-12, OpenAPI 3.1's dialect), so that its '#/components/...' references resolve; a
// response's schema is then compiled by its JSON pointer in the document. OpenAPI's own keywords in
// schemas (example, discriminator, ...) are annotations: strict mode is off.

const DOC_ID = 'lucas-openapi.json';
const pointer = (segments) =>
  `#/${segments.map((s) => encodeURIComponent(String(s).replaceAll('~', '~0').replaceAll('/', '~1'))).join('/')}`;
const isJson = (contentType) => /^application\/([\w.+-]*\+)?json\b/i.test(contentType ?? '');
const mediaType = (contentType) => (contentType ?? '').split(';')[0].trim().toLowerCase();

// A checker of answers against `doc`: problems(method, pathOrUrl, status, contentType, body) says
// what is wrong with one answer ({ kind: 'json' | 'other' | 'skip', problem: string | null }).
export function createApiValidator(doc) {
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true });
  addFormats(ajv);
  ajv.addFormat('int64', { type: 'number', validate: (n) => Number.isInteger(n) });
  ajv.addFormat('int32', { type: 'number', validate: (n) => Number.isInteger(n) && Math.abs(n) < 2 ** 31 });
  ajv.addSchema(doc, DOC_ID);
  const compiled = new Map();
  const validatorAt = (segments) => {
    const ref = DOC_ID + pointer(segments);
    if (!compiled.has(ref)) compiled.set(ref, ajv.compile({ $ref: ref }));
    return compiled.get(ref);
  };
  // A '#/components/...' reference of the document: its target and its path in the document.
  const deref = (node, segments) => {
    for (let hops = 0; node && typeof node.$ref === 'string' && hops < 10; hops += 1) {
      segments = node.$ref.replace(/^#\//, '').split('/').map((s) => s.replaceAll('~1', '/').replaceAll('~0', '~'));
      node = segments.reduce((n, k) => n?.[k], doc);
    }
    return [node, segments];
  };
  // The path templates, most literal first: /users/me before /users/{id}.
  const templates = Object.keys(doc.paths ?? {}).map((t) => {
    const re = new RegExp(`^${t.split(/\{[^}]+\}/).map((part) => part.replace(/[.*+?^$()|[\]\\]/g, '\\$&')).join('[^/]+')}$`);
    return { t, re, literal: t.replace(/\{[^}]+\}/g, '').length };
  }).sort((a, b) => b.literal - a.literal);
  const errorSchema = doc.components?.schemas?.Error ? ['components', 'schemas', 'Error'] : null;

  const validate = (segments, body, what) => {
    const v = validatorAt(segments);
    if (v(body)) return null;
    const errors = v.errors.slice(0, 8).map((e) => `${e.instancePath || '/'} ${e.message}` +
      (e.params && Object.keys(e.params).length ? ` ${JSON.stringify(e.params)}` : '')).join('; ');
    return `${what}: ${errors} — body ${JSON.stringify(body).slice(0, 400)}`;
  };

  function problems(method, pathOrUrl, status, contentType, body) {
    const url = new URL(pathOrUrl, 'http://lucas.invalid');
    const path = url.pathname;
    const m = method.toLowerCase();
    const what = `${method.toUpperCase()} ${path} ${status}`;
    // The most literal template that matches and has this method (a template matches itself too).
    const matches = templates.filter(({ re }) => re.test(path));
    const match = matches.find(({ t }) => doc.paths[t][m]) ?? matches[0];
    const operation = match ? doc.paths[match.t][m] : undefined;
    const text = typeof body === 'string' ? body : body === undefined || body === null ? '' : null;
    let json = text === null ? body : undefined;
    if (text !== null && isJson(contentType) && text !== '') {
      try {
        json = JSON.parse(text);
      } catch {
        return { kind: 'json', problem: `${what}: the body is not JSON though ${contentType} says so: ${text.slice(0, 200)}` };
      }
    }
    if (status === 304 || (status === 101 && operation)) return { kind: 'skip', problem: null }; // no body
    if (!operation) {
      // No operation answers this (an unknown path, a wrong method, a route outside the document):
      // what can be held against the document is that an error has the Error body.
      if (status >= 400 && json !== undefined && errorSchema) {
        return { kind: 'json', problem: validate(errorSchema, json, `${what} (no operation: the Error body)`) };
      }
      return { kind: 'skip', problem: null };
    }
    const opSegments = ['paths', match.t, m];
    const responses = operation.responses ?? {};
    const key = [String(status), `${String(status)[0]}XX`, 'default'].find((k) => k in responses);
    if (!key) {
      return { kind: isJson(contentType) ? 'json' : 'other', problem: `${what}: status ${status} is not documented for ${method.toUpperCase()} ${match.t} (documented: ${Object.keys(responses).join(', ')})` };
    }
    const [response, responseSegments] = deref(responses[key], [...opSegments, 'responses', key]);
    const content = response?.content ?? {};
    const type = mediaType(contentType);
    const noBody = (text === '' || text === null && json === undefined);
    if (Object.keys(content).length === 0) {
      if (noBody) return { kind: 'other', problem: null };
      return { kind: isJson(contentType) ? 'json' : 'other', problem: `${what}: a body (${contentType}) where the document says there is none` };
    }
    const documented = Object.keys(content).find((k) => k.toLowerCase() === type) ??
      Object.keys(content).find((k) => k.endsWith('/*') && type.startsWith(k.slice(0, -1))) ??
      (content['*/*'] ? '*/*' : undefined);
    if (!documented) {
      return { kind: isJson(contentType) ? 'json' : 'other', problem: `${what}: content type ${contentType || '(none)'} is not documented (documented: ${Object.keys(content).join(', ')})` };
    }
    if (!isJson(contentType)) return { kind: 'other', problem: null };
    if (!content[documented].schema) return { kind: 'json', problem: null };
    return { kind: 'json', problem: validate([...responseSegments, 'content', documented, 'schema'], json, what) };
  }

  return { doc, problems };
}

// The check's tally: JSON answers validated, other answers (CSV, text) whose content type was
// checked, browser answers whose body could not be read any more, answers that did not match.
export const apiCheck = { validator: null, origins: new Set(), validated: 0, other: 0, unread: 0, failures: 0, pending: new Set() };

// Holds one answer against the document (validateApiResponses first); a mismatch is a failed check
// naming the answer and ajv's errors.
export function checkResponse(method, pathOrUrl, status, contentType, body) {
  const { kind, problem } = apiCheck.validator.problems(method, pathOrUrl, status, contentType, body);
  if (kind === 'json') apiCheck.validated += 1;
  if (kind === 'other') apiCheck.other += 1;
  if (problem) {
    apiCheck.failures += 1;
    check('the answer matches the OpenAPI document', false, problem);
  }
  return problem;
}

const track = (promise) => {
  const p = promise.catch((e) => check('an answer could be checked against the OpenAPI document', false, String(e?.stack ?? e)));
  apiCheck.pending.add(p);
  p.finally(() => apiCheck.pending.delete(p));
};

// Waits for the checks still running (bodies being read).
export async function settleApiChecks() {
  while (apiCheck.pending.size) await Promise.all([...apiCheck.pending]);
}

// The validator must be able to fail: a wrong body, an error body that is not the Error, an
// undocumented status and a wrong content type are each reported; a right body is not.
export function apiSelfTest(validator) {
  const p = (...args) => validator.problems(...args).problem;
  const error = JSON.stringify({ error_code: 'NOT_FOUND', message: 'x', details: null, retry_after: null, timestamp: '2026-12-07T12:00:00Z' });
  const cases = [
    ['a right body', p('GET', '/healthz', 200, 'application/json', '{"status":"ok"}') === null],
    ['a wrong value', p('GET', '/healthz', 200, 'application/json', '{"status":"broken"}') !== null],
    ['a missing field', p('GET', '/readyz', 200, 'application/json', '{"status":"ready"}') !== null],
    ['an error body that is not the Error', p('GET', '/api/v1/no-such-thing', 404, 'application/json', '{"error":"nope"}') !== null],
    ['a right error body', p('GET', '/api/v1/no-such-thing', 404, 'application/json', error) === null],
    ['an undocumented status', p('GET', '/healthz', 418, 'application/json', error) !== null],
    ['an undocumented content type', p('GET', '/healthz', 200, 'text/html', '<p>ok</p>') !== null],
    ['a body that is not JSON', p('GET', '/healthz', 200, 'application/json', '{') !== null],
  ];
  return cases.filter(([, ok]) => !ok).map(([name]) => name);
}

const originalFetch = globalThis.fetch;

// Turns the check on for the server at `base` (http://127.0.0.1:PORT): reads its document, tests the
// validator on wrong bodies, and from then on holds every answer that this process's fetch gets
// from that server against the document (finish() reports the count). Browser tests add their
// pages with watchPageApi.
export async function validateApiResponses(base) {
  const origin = new URL(base).origin;
  if (!apiCheck.validator) {
    const r = await originalFetch(`${origin}/api/v1/openapi.json`);
    const doc = await r.json();
    apiCheck.validator = createApiValidator(doc);
    const missed = apiSelfTest(apiCheck.validator);
    check('the OpenAPI check refuses wrong answers', missed.length === 0, `not reported: ${missed.join(', ')}`);
    checkResponse('GET', '/api/v1/openapi.json', r.status, r.headers.get('content-type'), doc);
    globalThis.fetch = async (input, init) => {
      const res = await originalFetch(input, init);
      const url = new URL(input instanceof Request ? input.url : String(input));
      if (apiCheck.origins.has(url.origin)) {
        const method = init?.method ?? (input instanceof Request ? input.method : 'GET');
        const copy = res.clone();
        track(copy.text().then((text) =>
          checkResponse(method, url.pathname + url.search, res.status, res.headers.get('content-type'), text)));
      }
      return res;
    };
  }
  apiCheck.origins.add(origin);
}

// Holds every answer that `page` (playwright) gets from a checked server against the document.
export function watchPageApi(page) {
  page.on('response', (response) => {
    const url = new URL(response.url());
    if (!apiCheck.origins.has(url.origin)) return;
    const status = response.status();
    const contentType = response.headers()['content-type'];
    const method = response.request().method();
    if (status >= 300 && status < 400) return; // redirects and 304: no body to check
    track(response.text().then(
      (text) => checkResponse(method, url.pathname + url.search, status, contentType, text),
      // The page went on (navigated, closed) before its body was read: nothing to check.
      () => { apiCheck.unread += 1; },
    ));
  });
}

// Visible controls smaller than 44x44 px, and the horizontal overflow of the document.
export const layoutProblems = (page) =>
  page.evaluate(() => {
    const small = [];
    for (const el of document.querySelectorAll('a[href], button, input, select, textarea, summary, [tabindex]')) {
      const r = el.getBoundingClientRect();
      if (r.width === 0 && r.height === 0) continue; // not rendered
      if (getComputedStyle(el).visibility === 'hidden') continue;
      if (r.width < 44 || r.height < 44) {
        small.push(`${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''} "${(el.textContent ?? '').trim().slice(0, 20)}" ${Math.round(r.width)}x${Math.round(r.height)}`);
      }
    }
    return { small, overflow: document.documentElement.scrollWidth - window.innerWidth };
  });

// A layout checker for one test: at 320 and 1440 px wide, no horizontal overflow and no tap
// target under 44 px, and a screenshot of each (<prefix>-<name>-<width>.png in `shots`); the page
// is left at 1440 px.
export const layoutChecker = (shots, prefix) => async (page, name) => {
  for (const width of [320, 1440]) {
    await page.setViewportSize({ width, height: 900 });
    await page.waitForTimeout(150);
    const l = await layoutProblems(page);
    check(`${name} at ${width}px: no horizontal overflow`, l.overflow <= 0, `${l.overflow}px`);
    check(`${name} at ${width}px: no tap target under 44 px`, l.small.length === 0, JSON.stringify(l.small));
    await page.screenshot({ path: join(shots, `${prefix}-${name}-${width}.png`), fullPage: true });
  }
};

// A REST caller for `base`: call(method, path, bearer?, jsonBody?) -> {status, body}.
export const apiCaller = (base) => async (method, path, bearer, body) => {
  const headers = bearer ? { Authorization: `Bearer ${bearer}` } : {};
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const r = await fetch(`${base}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: r.status, body: await r.json().catch(() => null) };
};

// A sign-in link from the bot: `/login` in a private chat with the emulated bot, as `userId`.
export const loginLinkFrom = async (emulator, botToken, base, userId, name) => {
  const dm = emulator.getClient(botToken, { userId, firstName: name, chatId: userId, type: 'private', timeout: 8000 });
  await dm.sendMessage(dm.makeMessage('/login'));
  const text = (await dm.getUpdates()).result.map((u) => u.message.text).join('\n');
  const m = text.match(/http:\/\/lucas\.test\/login#token=([0-9a-f]{64})/);
  if (!m) throw new Error(`no login link for ${userId}: ${text}`);
  return `${base}/login#token=${m[1]}`;
};

// Headless chromium's flags for the browser tests.
export const chromiumFlags = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];
