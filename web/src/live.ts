// One WebSocket per tab (GET /api/v1/ws), open while something listens (the shell listens while
// someone is signed in, for the unread badge; pages add their own listeners): the user's own
// notifications (money.credited, money.debited, ...) and the topics pages subscribe to
// (leaderboard.<board>.<period>). A token comes from POST /api/v1/ws/token (session cookie + CSRF).
// When the connection drops it reconnects with exponential backoff (1 s, 2 s, 4 s ... 30 s, with
// jitter) and resumes from the last notification id, so a credit that arrived meanwhile is
// replayed, never lost or repeated. The backoff starts over only after a connection lasted a
// minute: tabs beyond the server's 3 connections per user, closing each other in turn (4001),
// settle at one reconnect per 30 s instead of a storm of tokens. Topics are re-subscribed after a reconnect (they are not
// stored: pages re-read what they show).
import { api, ApiError, type LiveClientMessage, type LiveFrame } from './api';
import { session, signedOut } from './session';
import { createStore } from './store';

// A frame as the document describes it (WsServerFrame): a notification (numbered), a topic's
// broadcast or a protocol reply.
export type LiveMessage = LiveFrame;
type Listener = (m: LiveMessage) => void;
export type LiveStatus = 'idle' | 'connecting' | 'open' | 'waiting';

export const liveStatus = createStore<LiveStatus>('idle');

const listeners = new Set<Listener>();
const topics = new Map<string, number>(); // topic -> how many pages want it
let socket: WebSocket | null = null;
let lastId: number | null = null;
let lastUser = 0; // whose notifications lastId counts
let attempt = 0;
let openedAt = 0;
let retryTimer: ReturnType<typeof setTimeout> | null = null;
let generation = 0; // bumps on stop(): late callbacks of an old connection do nothing

const send = (op: LiveClientMessage) => {
  if (socket?.readyState === WebSocket.OPEN) socket.send(JSON.stringify(op));
};

function scheduleRetry(): void {
  if (listeners.size === 0) return;
  const delay = Math.min(30_000, 1000 * 2 ** attempt) * (0.5 + Math.random() / 2);
  attempt = Math.min(attempt + 1, 10);
  liveStatus.set('waiting');
  retryTimer = setTimeout(() => {
    retryTimer = null;
    void connect();
  }, delay);
}

async function connect(): Promise<void> {
  const mine = generation;
  liveStatus.set('connecting');
  let token: string;
  try {
    token = (await api.wsToken()).token;
  } catch (e) {
    if (mine !== generation) return;
    if (e instanceof ApiError && (e.status === 401 || e.code === 'USER_BANNED')) {
      stop();
      signedOut(); // the session ended (signed out elsewhere, revoked, banned)
      return;
    }
    scheduleRetry();
    return;
  }
  if (mine !== generation) return;
  const s = session.get();
  const user = s.status === 'signed-in' ? s.user.id : 0;
  if (user !== lastUser) lastId = null; // another user signed in in this tab
  lastUser = user;
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  const resume = lastId === null ? '' : `&last_event_id=${lastId}`;
  const ws = new WebSocket(
    `${scheme}://${location.host}/api/v1/ws?token=${encodeURIComponent(token)}${resume}`,
  );
  socket = ws;
  ws.onopen = () => {
    if (socket !== ws) return;
    openedAt = Date.now();
    liveStatus.set('open');
    for (const topic of topics.keys()) send({ op: 'subscribe', topic });
  };
  ws.onmessage = (ev) => {
    if (socket !== ws || typeof ev.data !== 'string') return;
    let m: LiveMessage;
    try {
      m = JSON.parse(ev.data) as LiveMessage;
    } catch {
      return;
    }
    if (typeof m.id === 'number') lastId = m.id;
    listeners.forEach((l) => l(m));
  };
  ws.onclose = (ev) => {
    if (socket !== ws) return;
    socket = null;
    // 4003: banned; the session is refused from now on.
    if (ev.code === 4003) {
      stop();
      signedOut();
      return;
    }
    if (openedAt && Date.now() - openedAt >= 60_000) attempt = 0;
    openedAt = 0;
    scheduleRetry();
  };
}

function start(): void {
  if (socket || retryTimer || liveStatus.get() === 'connecting') return;
  void connect();
}

function stop(): void {
  generation += 1;
  if (retryTimer) clearTimeout(retryTimer);
  retryTimer = null;
  const ws = socket;
  socket = null;
  ws?.close(1000);
  attempt = 0;
  openedAt = 0;
  liveStatus.set('idle');
}

// Listens to every message while the returned function is not called; the first listener opens
// the connection and the last one to leave closes it (the next one resumes from the last id).
export function listen(listener: Listener): () => void {
  listeners.add(listener);
  start();
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0) stop();
  };
}

export function subscribe(topic: string): () => void {
  const n = topics.get(topic) ?? 0;
  topics.set(topic, n + 1);
  if (n === 0) send({ op: 'subscribe', topic });
  return () => {
    const left = (topics.get(topic) ?? 1) - 1;
    if (left > 0) {
      topics.set(topic, left);
    } else {
      topics.delete(topic);
      send({ op: 'unsubscribe', topic });
    }
  };
}

// Signing out ends the connection and forgets where it was.
export function reset(): void {
  stop();
  lastId = null;
}
