// Who is signed in. The session itself is an HttpOnly cookie the app cannot read; the app keeps
// the user and the CSRF token the server gave it (sign-in, or GET /api/v1/auth/session).
import { api, ApiError, setCsrfToken, type SignedIn, type User } from './api';
import { suggestLanguage } from './i18n';
import { createStore } from './store';

export type SessionState =
  | { status: 'unknown' }
  | { status: 'anonymous' }
  | { status: 'signed-in'; user: User };

export const session = createStore<SessionState>({ status: 'unknown' });

export function signedIn(s: SignedIn): void {
  setCsrfToken(s.csrf_token);
  suggestLanguage(s.user.language);
  session.set({ status: 'signed-in', user: s.user });
}

export function signedOut(): void {
  setCsrfToken('');
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
