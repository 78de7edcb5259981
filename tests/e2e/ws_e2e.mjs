// End to end: the WebSocket endpoint of the real `lucas serve` binary, with the `ws` client.
//   node tests/e2e/ws_e2e.mjs PATH/TO/lucas
// Tokens (missing, forged, valid; every attempt audited with the IP), the protocol (subscribe,
// ping, bad and oversized frames), at most 3 connections per user, resume from the last event
// id after money moved while the user was away, the heartbeat closing a silent peer, /metrics,
// and a graceful shutdown that says 1001. Every HTTP answer (refused upgrades included) is held
// against the server's OpenAPI document.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { check, connectWs, finish, startLucas, stopLucas, validateApiResponses } from './lib.mjs';

const lucasPath = process.argv[2];
if (!lucasPath) {
  console.error('usage: ws_e2e.mjs PATH/TO/lucas');
  process.exit(2);
}
const dataDir = mkdtempSync(join(tmpdir(), 'lucas-ws-e2e-'));
const env = { LUCAS_DATA_DIR: dataDir, LUCAS_WS_HEARTBEAT_S: '2', LUCAS_HTTP_ACCESS_LOG: 'false' };
const cli = (...args) =>
  execFileSync(lucasPath, args, { env: { ...process.env, LUCAS_LOG_LEVEL: 'warn', ...env } }).toString();

cli('user', 'add', '--id', '101', '--name', 'Алиса');
cli('user', 'add', '--id', '102', '--name', 'Bob');
const { process: lucas, port } = await startLucas(lucasPath, env);
const base = `ws://127.0.0.1:${port}/api/v1/ws`;
await validateApiResponses(`http://127.0.0.1:${port}`);
const tokenFor = (user) => JSON.parse(cli('ws', 'token', '--user', String(user)));

try {
  // --- authentication
  let c = await connectWs(base);
  check('no token: 401', c.status === 401, String(c.status));
  check('no token: the error says how to get one', c.body?.error_code === 'UNAUTHORIZED', JSON.stringify(c.body));
  const issued = tokenFor(101);
  check('ws token prints the URL', issued.url.endsWith('/api/v1/ws'), issued.url);
  const forged = issued.token.slice(0, -2) + (issued.token.endsWith('AA') ? 'BB' : 'AA');
  c = await connectWs(`${base}?token=${forged}`);
  check('forged token: 401', c.status === 401, String(c.status));
  c = await connectWs(`${base}?token=${issued.token}&last_event_id=abc`);
  check('bad last_event_id: 400', c.status === 400, String(c.status));
  const plain = await fetch(`http://127.0.0.1:${port}/api/v1/ws`);
  check('a plain GET is told to upgrade', plain.status === 400 && (await plain.text()).includes('WebSocket upgrade'));

  // POST /api/v1/ws/token: for an authenticated caller only
  const api = `http://127.0.0.1:${port}/api/v1/ws/token`;
  const anon = await fetch(api, { method: 'POST' });
  check('POST /api/v1/ws/token without a bearer token: 401', anon.status === 401, String(anon.status));
  const bearer = cli('token', 'create', '--user', '101').trim();
  const viaApi = await fetch(api, { method: 'POST', headers: { Authorization: `Bearer ${bearer}` } });
  const apiBody = await viaApi.json();
  check('POST /api/v1/ws/token gives a token and the URL', viaApi.status === 200 && apiBody.user_id === 101 && apiBody.url.endsWith('/api/v1/ws') && apiBody.expires_at, JSON.stringify(apiBody));
  const viaApiWs = await connectWs(`${base}?token=${apiBody.token}`);
  check('...and that token opens a WebSocket', (await viaApiWs.next())?.data?.user_id === 101);
  viaApiWs.close();
  await viaApiWs.closed();

  const a = await connectWs(`${base}?token=${issued.token}`);
  check('valid token: upgraded', a.status === 101, String(a.status));
  const welcome = await a.next();
  check('welcome names the user', welcome?.type === 'welcome' && welcome.data.user_id === 101, JSON.stringify(welcome));

  // --- protocol
  a.send({ op: 'ping' });
  check('ping -> pong', (await a.next())?.type === 'pong');
  a.send({ op: 'subscribe', topic: 'leaderboard.coins.daily' });
  const sub = await a.next();
  check('subscribe is confirmed', sub?.type === 'subscribed' && sub.data.topic === 'leaderboard.coins.daily', JSON.stringify(sub));
  a.send('not json');
  const e1 = await a.next();
  check('a non-JSON frame gets an error, not a close', e1?.type === 'error' && e1.data.error_code === 'INVALID_ARGUMENT', JSON.stringify(e1));
  a.send({ op: 'frobnicate' });
  check('an unknown op gets an error', (await a.next())?.type === 'error');
  a.send({ op: 'subscribe', topic: 'Bad Topic!' });
  check('a malformed topic is refused', (await a.next())?.type === 'error');
  a.ws.send(Buffer.from([1, 2, 3]), { binary: true });
  check('a binary frame gets an error', (await a.next())?.type === 'error');
  a.send({ op: 'ping' });
  check('the connection still works after bad frames', (await a.next())?.type === 'pong');

  // --- resume: money moves while the user is away (another process, so nothing is live here)
  a.close();
  await a.closed();
  cli('ledger', 'grant', '--user', '101', '--amount', '12.34', '--key', 'ws-e2e-1', '--note', 'gift');
  cli('ledger', 'grant', '--user', '101', '--amount', '-2.00', '--key', 'ws-e2e-2', '--note', 'fee');
  const r = await connectWs(`${base}?token=${tokenFor(101).token}&last_event_id=0`);
  check('resume welcome says resuming', (await r.next())?.data?.resuming === true);
  const n1 = await r.next();
  const n2 = await r.next();
  const done = await r.next();
  check('missed credit replayed', n1?.type === 'money.credited' && n1.data.amount.amount === '12.34' && n1.data.amount.currency === 'COIN', JSON.stringify(n1));
  check('missed debit replayed with the balance', n2?.type === 'money.debited' && n2.data.amount.amount === '2.00' && n2.data.balance.amount === '10.34', JSON.stringify(n2));
  check('ids increase', n1?.id > 0 && n2?.id > n1.id);
  check('resume reports completion', done?.type === 'resumed' && done.data.replayed === 2 && done.data.complete === true, JSON.stringify(done));
  r.close();
  await r.closed();
  const r2 = await connectWs(`${base}?token=${tokenFor(101).token}&last_event_id=${n1.id}`);
  await r2.next();
  const only = await r2.next();
  check('resume from the last id replays only what came after', only?.id === n2.id, JSON.stringify(only));
  check('...and nothing else', (await r2.next())?.type === 'resumed');

  // --- at most 3 connections per user: the 4th closes the oldest
  const t = tokenFor(102).token;
  const conns = [];
  for (let i = 0; i < 4; i += 1) {
    conns.push(await connectWs(`${base}?token=${t}`));
    await conns[i].next();
  }
  const evicted = await conns[0].closed(5000);
  check('the oldest of 4 is closed with 4001', evicted?.code === 4001, JSON.stringify(evicted));
  check('the close reason says why', evicted?.reason.includes('at most 3'), evicted?.reason);
  conns[3].send({ op: 'ping' });
  check('the newest still works', (await conns[3].next())?.type === 'pong');

  // --- oversized frame
  const big = await connectWs(`${base}?token=${t}`);
  await big.next();
  big.send({ op: 'ping', pad: 'x'.repeat(10000) });
  const tooBig = await big.closed(5000);
  check('an oversized frame closes with 1009', tooBig?.code === 1009, JSON.stringify(tooBig));

  // --- heartbeat: a peer that never answers pings is closed (heartbeat 2 s here)
  const silent = await connectWs(`${base}?token=${t}`, { autoPong: false });
  await silent.next();
  const started = Date.now();
  const dead = await silent.closed(15000);
  check('a peer that ignores pings is closed', dead !== null, `after ${Date.now() - started} ms`);

  // --- an admin's topic broadcast reaches the subscribers; others may not broadcast
  cli('user', 'add', '--id', '1', '--name', 'Admin', '--role', 'admin');
  // Tokens first: a synchronous CLI call blocks this process, and a listener that cannot answer
  // pings for 2 s (the heartbeat here) is rightly closed by the server.
  const bearerOf = { 1: cli('token', 'create', '--user', '1').trim(), 102: cli('token', 'create', '--user', '102').trim() };
  const listenerToken = tokenFor(101).token;
  const listener = await connectWs(`${base}?token=${listenerToken}`);
  await listener.next();
  listener.send({ op: 'subscribe', topic: 'news.all' });
  await listener.next();
  const post = (who, body) => fetch(`http://127.0.0.1:${port}/api/v1/ws/broadcast`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${bearerOf[who]}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  check('a user may not broadcast', (await post(102, { topic: 'news.all', type: 'news' })).status === 403);
  check('a bad broadcast is refused', (await post(1, { topic: 'News!', type: 'news' })).status === 400);
  check('an admin broadcast is accepted', (await post(1, { topic: 'news.all', type: 'news', data: { text: 'hi' } })).status === 200);
  const news = await listener.next();
  check('the subscriber gets the broadcast', news?.topic === 'news.all' && news.type === 'news' && news.data.text === 'hi' && news.id === null, JSON.stringify(news));
  listener.close();
  await listener.closed();

  // --- metrics and audit
  const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  check('metrics count connections', /lucas_ws_connections_opened_total \d+/.test(metrics));
  check('metrics count replaced connections', /lucas_ws_replaced_total [1-9]/.test(metrics));
  check('metrics count slow-client drops', metrics.includes('lucas_ws_slow_clients_dropped_total'));

  // --- graceful shutdown: open clients hear 1001
  const last = await connectWs(`${base}?token=${tokenFor(101).token}`);
  await last.next();
  const code = await stopLucas(lucas);
  const bye = await last.closed(5000);
  check('shutdown closes clients with 1001', bye?.code === 1001, JSON.stringify(bye));
  check('lucas stops cleanly', code === 0, `exit ${code}`);

  const audit = cli('audit', 'search', '--action', 'ws.');
  const lines = audit.trim().split('\n').map((l) => JSON.parse(l));
  const denied = lines.filter((l) => l.action === 'ws.auth' && l.result === 'denied');
  const ok = lines.filter((l) => l.action === 'ws.auth' && l.result === 'ok');
  check('failed authentications are audited with the IP', denied.length >= 2 && denied.every((l) => l.ip === '127.0.0.1'), JSON.stringify(denied[0]));
  check('the reason is recorded', denied.some((l) => l.details.reason === 'bad_signature') && denied.some((l) => l.details.reason === 'missing'));
  check('successful authentications are audited', ok.length >= 8 && ok.every((l) => l.ip === '127.0.0.1'));
  check('token issuance is audited', lines.some((l) => l.action === 'ws.token.issue' && l.details.via === 'cli'));
  check('API token issuance is audited with the IP', lines.some((l) => l.action === 'ws.token.issue' && l.details.via === 'api' && l.ip === '127.0.0.1'));
  check('no token is ever in the audit log', !audit.includes(issued.token.split('.')[1]));
  check('the broadcast is audited as an admin action', cli('audit', 'search', '--action', 'admin.ws').includes('"topic":"news.all"'));
  check('audit chain intact', cli('audit', 'verify').includes('chain intact'));
} catch (e) {
  check('the scenario completes', false, String(e?.stack ?? e));
} finally {
  await stopLucas(lucas);
  rmSync(dataDir, { recursive: true, force: true });
}
finish();
