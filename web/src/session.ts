// Who is signed in. The session itself is an HttpOnly cookie the app cannot read; the app keeps
// the user and the CSRF token the server gave it (sign-in, or GET /api/v1/auth/session).
import { api, ApiError, setCsrfToken, type SignedIn, type User } from './api';
import { suggestLanguage } from './i18n';
import { forgetData, ownData } from './offline';
import { createStore } from './store';

export type SessionState =
  | { status: 'unknown' }
  | { status: 'anonymous' }
  | { status: 'signed-in'; user: User };

export const session = createStore<SessionState>({ status: 'unknown' });

export function signedIn(s: SignedIn): void {
  setCsrfToken(s.csrf_token);
  suggestLanguage(s.user.language);
  ownData(s.user.id);
  session.set({ status: 'signed-in', user: s.user });
}

// `forget`: the server said the session is over (or the user signed out), so what the service
// worker kept of the user's data goes too; a network failure keeps it.
export function signedOut(forget = true): void {
  setCsrfToken('');
  if (forget) void forgetData();
  session.set({ status: 'anonymous' });
}

// Asks the server whether the cookie still names a live session.
export async function restore(): Promise<void> {
  try {
    signedIn(await api.session());
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) signedOut();
    else throw e;
  }
}

export async function logout(): Promise<void> {
  try {
    await api.logout();
  } finally {
    signedOut();
  }
}
