// End to end against the telegram-test-api emulator: the real `lucas serve` receives updates
// through its webhook and answers through the emulated Bot API.
//   node tests/e2e/telegram_emulator.mjs PATH/TO/lucas
// A player replies "парсинг" to a game bot's card: credited, with the credit reply; the repeat
// is refused as already processed; a forged copy typed by a person is refused; /balance shows
// the right amount; the coin board (REST and /top) shows the credit.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import net from 'node:net';

const require = createRequire(import.meta.url);
const TelegramServer = require('telegram-test-api');

const lucasPath = process.argv[2];
if (!lucasPath) {
  console.error('usage: telegram_emulator.mjs PATH/TO/lucas');
  process.exit(2);
}

let passed = 0;
let failed = 0;
const check = (name, ok, detail = '') => {
  if (ok) {
    passed += 1;
    console.log(`ok   - ${name}`);
  } else {
    failed += 1;
    console.log(`FAIL - ${name} ${detail}`);
  }
};

const freePort = () =>
  new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });

const token = '424242:emulator-token';
const emulatorPort = await freePort();
const emulator = new TelegramServer({ port: emulatorPort, host: '127.0.0.1', storeTimeout: 60 });
await emulator.start();

const dataDir = mkdtempSync(join(tmpdir(), 'lucas-tg-e2e-'));
const lucas = spawn(lucasPath, ['serve', '--port', '0', '--http-host', '127.0.0.1'], {
  env: {
    ...process.env,
    LUCAS_DATA_DIR: dataDir,
    LUCAS_LOG_LEVEL: 'warn',
    LUCAS_TELEGRAM_TOKEN: token,
    LUCAS_TELEGRAM_API_URL: `http://127.0.0.1:${emulatorPort}`,
    LUCAS_TELEGRAM_BOT_USERNAME: 'lucas_bank_bot',
  },
  stdio: ['ignore', 'pipe', 'inherit'],
});
const lucasPort = await new Promise((resolve, reject) => {
  let out = '';
  const timer = setTimeout(() => reject(new Error('lucas did not start')), 15000);
  lucas.stdout.on('data', (chunk) => {
    out += chunk;
    const m = out.match(/^listening (\d+)$/m);
    if (m) {
      clearTimeout(timer);
      resolve(Number(m[1]));
    }
  });
  lucas.on('exit', (code) => reject(new Error(`lucas exited with ${code}`)));
});
check('lucas started', lucasPort > 0);

const path = createHash('sha256').update(`lucas-webhook:${token}`).digest('hex').slice(0, 32);
emulator.setWebhook({ url: `http://127.0.0.1:${lucasPort}/telegram/webhook/${path}` }, token);

const chatId = -1001;
const client = emulator.getClient(token, {
  userId: 101,
  firstName: 'Алиса',
  userName: 'alice',
  chatId,
  type: 'supergroup',
  timeout: 8000,
});
const gameBot = { id: 900, is_bot: true, first_name: 'GDcards', username: 'gdcardsBot' };
const card = [
  '🃏 НОВАЯ КАРТА 🃏',
  '───────────────',
  'Игрок: Алиса',
  'Карта: AeonAir',
  '───────────────',
  '🔵 Редкость: Редкая (1/75) • 30.0%',
  '⭐️ Очки: +2',
  '🤩 Орбы: +5',
].join('\n');
const replyTo = (from, messageId) => ({
  reply_to_message: {
    message_id: messageId,
    date: Math.floor(Date.now() / 1000),
    chat: { id: chatId, type: 'supergroup' },
    from,
    caption: card,
  },
});
const ask = async (text, options = {}) => {
  await client.sendMessage(client.makeMessage(text, options));
  const updates = await client.getUpdates();
  return updates.result.map((u) => u.message.text).join('\n');
};

try {
  const credited = await ask('парсинг', replyTo(gameBot, 5001));
  // 2 points x 2 + 5 orbs x 1 = 9.00 coins.
  check('the card is credited', credited.includes('Зачислено 4.00 монет игроку Алиса'), credited);
  check('the orbs are credited', credited.includes('Зачислено 5.00 монет'), credited);
  const again = await ask('парсинг', replyTo(gameBot, 5001));
  check('a repeat is refused', again.includes('уже было обработано'), again);
  const person = { id: 102, is_bot: false, first_name: 'Bob' };
  const forged = await ask('парсинг', replyTo(person, 5002));
  check('a forged copy is refused', forged.includes('не игровой бот'), forged);
  const balance = await ask('/balance');
  check('/balance shows the credit once', balance === 'Баланс: 9.00 монет', balance);
  // The coin board follows the credit through the outbox (Property 26, in the real binary).
  const boardUrl = `http://127.0.0.1:${lucasPort}/api/v1/leaderboards/coins?period=daily&user_id=101`;
  let board = {};
  for (let i = 0; i < 50; i += 1) {
    board = await (await fetch(boardUrl)).json();
    if (board.entries?.[0]?.score?.amount === '9.00') break;
    await new Promise((r) => setTimeout(r, 100));
  }
  check(
    'GET /api/v1/leaderboards/coins shows the credit',
    board.entries?.[0]?.user_id === 101 && board.entries?.[0]?.name === 'Алиса' &&
      board.me?.rank === 1 && board.entries.length === 1,
    JSON.stringify(board),
  );
  const top = await ask('/top день');
  check('/top shows the credit', top.includes('1. Алиса — 9.00 🆕'), top);
  check('/top shows the asker', top.includes('Вы: #1 из 1 — 9.00'), top);
} catch (e) {
  check('the conversation completes', false, String(e));
} finally {
  lucas.kill('SIGTERM');
  const code = await new Promise((resolve) => lucas.on('exit', resolve));
  check('lucas stops cleanly', code === 0, `exit ${code}`);
  await emulator.stop();
  rmSync(dataDir, { recursive: true, force: true });
}

console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
