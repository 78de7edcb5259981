// The navigation's unread badge: how many of my notifications are unread. The server's count
// (GET /api/v1/me/notifications: `unread`) is read whenever the WebSocket connects afresh (its
// `welcome`; a resuming connection replays what it missed instead) and after marking read, and
// every notification the WebSocket brings (numbered frames are the user's stored notifications)
// adds one. Ids only grow, so the count goes by id: a frame already counted (a resume replays) is
// not counted again, and one that came while the server's count was on its way is added to it.
import { api } from './api';
import type { LiveMessage } from './live';
import { createStore } from './store';

export const unread = createStore<number | null>(null);
let counted = 0; // the largest notification id the count includes
let recent: number[] = []; // ids the WebSocket brought (the last 100)
let asked = 0; // only the newest reading counts

// The server's count: `count` unread as of its newest notification, `newest` (0: none).
export function settleUnread(count: number, newest: number): void {
  asked += 1;
  counted = Math.max(counted, newest);
  unread.set(count + recent.filter((id) => id > newest).length);
}

export function refreshUnread(): void {
  const mine = ++asked;
  api.notifications({ limit: 1 }).then(
    (p) => {
      if (mine === asked) settleUnread(p.unread, p.items[0]?.id ?? 0);
    },
    () => {}, // the badge keeps what it had; the next page opened asks again
  );
}

// A WebSocket message (the shell listens while someone is signed in).
export function countLive(m: LiveMessage): void {
  if (m.type === 'welcome' && !(m.data as { resuming?: unknown } | null)?.resuming) refreshUnread();
  if (typeof m.id !== 'number' || m.id <= counted) return;
  counted = m.id;
  recent = [...recent.slice(-99), m.id];
  unread.set((unread.get() ?? 0) + 1);
}

// Signed out, or another user: nothing is known.
export function forgetUnread(): void {
  asked += 1;
  counted = 0;
  recent = [];
  unread.set(null);
}
