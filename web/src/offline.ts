// Offline use: the service worker (src/sw/sw.ts) keeps the shell and the last answer of each of the
// player's reads; when the network fails it serves those, stamped X-Lucas-Saved-At. Here the app
// registers it, learns from each answer whether it was live or kept (`savedAt`: the oldest kept
// answer shown since the last live one, ms; null while live), and forgets the kept data when its
// user signs out or another user signs in on this browser.
import { createStore } from './store';

export const savedAt = createStore<number | null>(null);

const DATA = 'lucas-data';
const OWNER = 'lucas.data-owner';

export function noteAnswer(response: Response): void {
  const kept = Number(response.headers.get('X-Lucas-Saved-At') ?? '');
  const current = savedAt.get();
  if (kept > 0) savedAt.set(current === null ? kept : Math.min(current, kept));
  else if (current !== null) savedAt.set(null);
}

export function registerServiceWorker(): void {
  if (!import.meta.env.PROD || !('serviceWorker' in navigator)) return;
  const register = () => {
    navigator.serviceWorker.register('/sw.js').catch(() => {
      // no service worker (a private window, an old engine): the app works online as before
    });
  };
  if (document.readyState === 'complete') register();
  else window.addEventListener('load', register, { once: true });
}

function dropData(): Promise<unknown> {
  return 'caches' in window ? caches.delete(DATA).catch(() => false) : Promise.resolve(false);
}

function remember(owner: string | null): void {
  try {
    if (owner === null) localStorage.removeItem(OWNER);
    else localStorage.setItem(OWNER, owner);
  } catch {
    // private mode: nothing was kept either
  }
}

// The kept data belongs to `userId` from now on (another user's is deleted first).
export function ownData(userId: number): void {
  let previous: string | null = null;
  try {
    previous = localStorage.getItem(OWNER);
  } catch {
    previous = null;
  }
  if (previous === String(userId)) return;
  // Another user's data goes. With no owner recorded there is none (signing out deletes both),
  // and what was just kept — this very sign-in's session answer — stays.
  if (previous !== null) void dropData();
  remember(String(userId));
}

// Signed out: nothing of the user's stays on this device.
export function forgetData(): Promise<unknown> {
  remember(null);
  savedAt.set(null);
  return dropData();
}
