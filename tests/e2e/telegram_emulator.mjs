// End to end against the telegram-test-api emulator: the real `lucas serve` receives updates
// through its webhook and answers through the emulated Bot API.
//   node tests/e2e/telegram_emulator.mjs PATH/TO/lucas
// A player replies "парсинг" to a game bot's card (the bot names her with a text_mention):
// credited, with the credit reply; the repeat is refused as already processed, and so is a
// forward of the same card by someone else in private (one result, one credit); a forged copy
// typed by a person is refused; a game message older than 48 h is refused; a hostile player who
// replies to a stranger's fishing result gets nothing (the credit waits for the stranger's
// nickname); /balance shows the right amounts. /web in a private chat gives a WebSocket token (refused in the group), and
// the credit reaches the player's open WebSocket as it happens (Property 27 through the binary);
// the coin board (REST and /top) shows the credit. Every REST answer is held against the server's
// OpenAPI document.
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  check, connectWs, finish, freePort, pointEmulatorAt, startLucas, stopLucas, validateApiResponses, webhookSecret,
} from './lib.mjs';

const require = createRequire(import.meta.url);
const TelegramServer = require('telegram-test-api');

const lucasPath = process.argv[2];
if (!lucasPath) {
  console.error('usage: telegram_emulator.mjs PATH/TO/lucas');
  process.exit(2);
}

const token = '424242:emulator-token';
const emulatorPort = await freePort();
const emulator = new TelegramServer({ port: emulatorPort, host: '127.0.0.1', storeTimeout: 60 });
await emulator.start();

const dataDir = mkdtempSync(join(tmpdir(), 'lucas-tg-e2e-'));
const { process: lucas, port: lucasPort } = await startLucas(lucasPath, {
  LUCAS_DATA_DIR: dataDir,
  LUCAS_TELEGRAM_TOKEN: token,
  LUCAS_TELEGRAM_WEBHOOK_SECRET: webhookSecret,
  LUCAS_TELEGRAM_API_URL: `http://127.0.0.1:${emulatorPort}`,
  LUCAS_TELEGRAM_BOT_USERNAME: 'lucas_bank_bot',
  LUCAS_PUBLIC_URL: 'https://lucas.example',
});
check('lucas started', lucasPort > 0);
await validateApiResponses(`http://127.0.0.1:${lucasPort}`);

pointEmulatorAt(emulator, token, lucasPort);

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
// GD Cards names the player with a text_mention on the nickname (offsets in UTF-16 units, as JS
// strings count).
const alice = { id: 101, is_bot: false, first_name: 'Алиса', username: 'alice' };
const mention = [{ type: 'text_mention', offset: card.indexOf('Алиса'), length: 'Алиса'.length, user: alice }];
const cardDate = Math.floor(Date.now() / 1000) - 30;
const replyTo = (from, messageId, extra = {}) => ({
  reply_to_message: {
    message_id: messageId,
    date: cardDate,
    chat: { id: chatId, type: 'supergroup' },
    from,
    caption: card,
    caption_entities: mention,
    ...extra,
  },
});
const ask = async (text, options = {}) => {
  await client.sendMessage(client.makeMessage(text, options));
  const updates = await client.getUpdates();
  return updates.result.map((u) => u.message.text).join('\n');
};

const dm = emulator.getClient(token, {
  userId: 101,
  firstName: 'Алиса',
  userName: 'alice',
  chatId: 101,
  type: 'private',
  timeout: 8000,
});
const askPrivately = async (text) => {
  await dm.sendMessage(dm.makeMessage(text));
  const updates = await dm.getUpdates();
  return updates.result.map((u) => u.message.text).join('\n');
};

// Mallory, a hostile player in the same group.
const mallory = emulator.getClient(token, {
  userId: 103,
  firstName: 'Mallory',
  userName: 'mallory',
  chatId,
  type: 'supergroup',
  timeout: 8000,
});
const malloryAsks = async (text, options = {}) => {
  await mallory.sendMessage(mallory.makeMessage(text, options));
  const updates = await mallory.getUpdates();
  return updates.result.map((u) => u.message.text).join('\n');
};
const shmalala = { id: 901, is_bot: true, first_name: 'Shmalala', username: 'shmalala_bot' };
const fishing = '🎣 [Рыбалка] 🎣\n\nРыбак: Боб\nОпыт: +4 (405 / 782)🔋\n\nМонеты: +30 (3947)💰\nЭнергии осталось: 6 ⚡️';

let live = null;
try {
  const inGroup = await ask('/web');
  check('/web in a group shows no token', inGroup.includes('личные сообщения') && !inGroup.includes('token='), inGroup);
  const web = await askPrivately('/web');
  const wsToken = web.match(/\?token=(\S+)/)?.[1];
  check('/web in private gives a token and the URL from public_url', web.includes('wss://lucas.example/api/v1/ws?token=') && !!wsToken, web);
  live = await connectWs(`ws://127.0.0.1:${lucasPort}/api/v1/ws?token=${wsToken}`);
  const hello = await live.next();
  check('the token opens a WebSocket as the player', hello?.type === 'welcome' && hello.data.user_id === 101, JSON.stringify(hello));
  const credited = await ask('парсинг', replyTo(gameBot, 5001));
  // 2 points x 2 + 5 orbs x 1 = 9.00 coins.
  check('the card is credited', credited.includes('Зачислено 4.00 монет игроку Алиса'), credited);
  check('the orbs are credited', credited.includes('Зачислено 5.00 монет'), credited);
  // Delivered at all within a generous timeout; the 1 s figure is the benchmark's.
  const pushed = [await live.until((m) => m.type === 'money.credited', 10000),
    await live.until((m) => m.type === 'money.credited', 10000)];
  check('both credits reach the open WebSocket', pushed.every((m) => m?.data.reason.startsWith('bank.')) && pushed[1]?.data.balance.amount === '9.00', JSON.stringify(pushed));
  const again = await ask('парсинг', replyTo(gameBot, 5001));
  check('a repeat is refused', again.includes('уже было обработано'), again);
  // The same card forwarded later by Mallory into the group: Telegram keeps the original's date
  // in forward_origin, so it is the same game result.
  const malloryUser = { id: 103, is_bot: false, first_name: 'Mallory' };
  const forwarded = await malloryAsks('парсинг', replyTo(malloryUser, 5003, {
    date: Math.floor(Date.now() / 1000),
    forward_origin: { type: 'user', date: cardDate, sender_user: gameBot },
  }));
  check('a forward of the same card is refused as already processed', forwarded.includes('уже было обработано'), forwarded);
  const stale = await ask('парсинг', replyTo(gameBot, 5004, { date: Math.floor(Date.now() / 1000) - 49 * 3600 }));
  check('a card older than 48 h is refused', stale.includes('больше 48 ч'), stale);
  // Mallory replies to a stranger's fishing result: the coins wait for Боб, Mallory gets none.
  const stolen = await malloryAsks('парсинг', {
    reply_to_message: {
      message_id: 5005,
      date: Math.floor(Date.now() / 1000) - 10,
      chat: { id: chatId, type: 'supergroup' },
      from: shmalala,
      text: fishing,
    },
  });
  check('a stranger\'s result waits for its player', stolen.includes('ждут') && stolen.includes('Боб'), stolen);
  const malloryBalance = await malloryAsks('/balance');
  check('the hostile replier got nothing', malloryBalance === 'Баланс: 0.00 монет', malloryBalance);
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
  await client.sendMessage(client.makeMessage('/top день'));
  const topUpdate = (await client.getUpdates()).result.find((u) => u.message.text?.includes('Топ'));
  const top = topUpdate?.message.text ?? '';
  check('/top shows the credit', top.includes('1. Алиса — 9.00 🆕'), top);
  check('/top shows the asker', top.includes('Вы: #1 из 1 — 9.00'), top);
  // Its buttons are the other periods; pressing one edits the same message in place.
  const buttons = (topUpdate?.message.reply_markup?.inline_keyboard ?? []).flat();
  check(
    '/top carries a button per period, the current one marked',
    buttons.map((b) => b.callback_data).join(',') === '/top daily,/top weekly,/top monthly,/top all_time' &&
      buttons[0].text.startsWith('✓ '),
    JSON.stringify(buttons),
  );
  const edited = Promise.race([
    emulator.waitBotEdits(),
    new Promise((_, reject) => setTimeout(() => reject(new Error('no edit within 8 s')), 8000)),
  ]);
  await client.sendCallback(
    client.makeCallbackQuery('/top weekly', { message: { message_id: topUpdate.messageId } }),
  );
  await edited;
  const after = (await client.getUpdatesHistory()).find((u) => u.messageId === topUpdate.messageId);
  const afterButtons = (after?.message.reply_markup?.inline_keyboard ?? []).flat();
  check(
    'pressing "week" edits the /top message to the weekly board',
    after?.message.text?.includes('1. Алиса — 9.00') && after.message.text !== top &&
      afterButtons[1]?.text.startsWith('✓ '),
    JSON.stringify(after?.message),
  );
} catch (e) {
  check('the conversation completes', false, String(e));
} finally {
  live?.close();
  const code = await stopLucas(lucas);
  check('lucas stops cleanly', code === 0, `exit ${code}`);
  await emulator.stop();
  rmSync(dataDir, { recursive: true, force: true });
}

finish();
