// Shared by the node end-to-end tests: a pass/fail tally, free ports, starting `lucas serve`, and
// a WebSocket client that queues what it receives.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import net from 'node:net';
import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
export const WebSocket = require('ws');

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
export const finish = () => {
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
