// A tiny fetch wrapper for the few endpoints the shell uses. TEMPORARY: it is replaced by the
// client generated from GET /api/v1/openapi.json (issue 16) once that exists; until then every
// hand-written API type lives in this one file.
export interface User {
  id: number; // the Telegram user id
  username: string;
  display_name: string;
  language: string;
  role: string;
}
export interface Money {
  currency: string;
  amount: string;
}
export interface WebSession {
  id: string;
  method: string;
  created_at: string;
  last_seen_at: string;
  expires_at: string;
  ip: string;
  last_ip: string;
  user_agent: string;
  current?: boolean;
}
export interface SignedIn {
  user: User;
  csrf_token: string;
  session: WebSession;
}
export interface AuthConfig {
  bot_username: string;
  telegram: boolean;
  widget: { domain: string } | null;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

let csrfToken = '';
export const setCsrfToken = (token: string) => {
  csrfToken = token;
};

export async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['X-CSRF-Token'] = csrfToken;
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers,
      credentials: 'same-origin',
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  } catch {
    throw new ApiError(0, 'NETWORK', 'network');
  }
  const json = await res.json().catch(() => ({}));
  if (!res.ok) {
    throw new ApiError(res.status, json.error_code ?? 'HTTP', json.message ?? '', json.details ?? {});
  }
  return json as T;
}

export const api = {
  config: () => call<AuthConfig>('GET', '/api/v1/auth/config'),
  session: () => call<SignedIn>('GET', '/api/v1/auth/session'),
  signInWebApp: (init_data: string) =>
    call<SignedIn>('POST', '/api/v1/auth/telegram/webapp', { init_data }),
  signInLink: (token: string) => call<SignedIn>('POST', '/api/v1/auth/login-link', { token }),
  logout: () => call<{ signed_out: boolean }>('POST', '/api/v1/auth/logout'),
  balance: (userId: number) =>
    call<{ user_id: number; balance: Money }>('GET', `/api/v1/users/${userId}/balance`),
  sessions: () => call<{ items: WebSession[] }>('GET', '/api/v1/me/sessions'),
  revokeSession: (id: string) =>
    call<{ revoked: string }>('DELETE', `/api/v1/me/sessions/${encodeURIComponent(id)}`),
};
