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

export interface HistoryItem {
  id: number; // the ledger entry
  transfer_id: number;
  kind: string;
  amount: Money; // negative when money left the account
  balance_after: Money;
  reason: string; // "bank.<event>" game results, "admin.grant", "admin.debit", "bank.claim", ...
  metadata: Record<string, unknown>;
  created_at: string;
}
export interface HistoryPage {
  items: HistoryItem[];
  next_cursor: string | null;
}
// The history's filters (GET /api/v1/users/{id}/transactions): money in or out, a reason prefix,
// and [since, until) as dates or RFC 3339 UTC times.
export interface HistoryFilter {
  direction?: 'credit' | 'debit';
  reason?: string;
  since?: string;
  until?: string;
}
export interface WsToken {
  token: string;
  expires_at: string;
  url: string;
  user_id: number;
}
export interface Board {
  name: string;
  description: string;
  score: { kind: 'money'; currency: string } | { kind: 'points' };
  periods: string[];
}
export interface BoardEntry {
  rank: number | null;
  user_id: number;
  name: string;
  score: Money;
  previous_rank: number | null;
  rank_change: number | null;
  change: 'up' | 'down' | 'same' | 'new';
}
export interface BoardView {
  board: string;
  period: string;
  period_id: string;
  total: number;
  entries: BoardEntry[];
  me: BoardEntry | null;
}
export interface Link {
  game: string;
  nickname: string;
  user_id: number;
  evidence: string;
  verified_at: string;
}
export interface LinkClaim {
  id: number;
  game: string;
  nickname: string;
  status: 'pending' | 'approved' | 'rejected';
  note: string;
  created_at: string;
  decided_at: string | null;
  waiting: Money;
}
export interface WaitingCredit {
  id: number;
  game: string;
  nickname: string;
  amount: Money;
  status: string;
  created_at: string;
  expires_at: string;
}
export interface PlayerLinks {
  links: Link[];
  claims: LinkClaim[];
  waiting: WaitingCredit[];
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

const query = (params: Record<string, string | number | undefined>): string => {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') q.set(k, String(v));
  const text = q.toString();
  return text ? `?${text}` : '';
};

// The CSV export of the filtered history (a plain GET: the session cookie is enough).
export const historyCsvUrl = (userId: number, filter: HistoryFilter): string =>
  `/api/v1/users/${userId}/transactions${query({ ...filter, format: 'csv' })}`;

export const api = {
  config: () => call<AuthConfig>('GET', '/api/v1/auth/config'),
  session: () => call<SignedIn>('GET', '/api/v1/auth/session'),
  signInWebApp: (init_data: string) =>
    call<SignedIn>('POST', '/api/v1/auth/telegram/webapp', { init_data }),
  signInLink: (token: string) => call<SignedIn>('POST', '/api/v1/auth/login-link', { token }),
  logout: () => call<{ signed_out: boolean }>('POST', '/api/v1/auth/logout'),
  balance: (userId: number) =>
    call<{ user_id: number; balance: Money }>('GET', `/api/v1/users/${userId}/balance`),
  transactions: (userId: number, filter: HistoryFilter, limit: number, cursor?: string) =>
    call<HistoryPage>(
      'GET',
      `/api/v1/users/${userId}/transactions${query({ ...filter, limit, cursor })}`,
    ),
  wsToken: () => call<WsToken>('POST', '/api/v1/ws/token'),
  boards: () => call<{ boards: Board[] }>('GET', '/api/v1/leaderboards'),
  board: (name: string, period: string) =>
    call<BoardView>(
      'GET',
      `/api/v1/leaderboards/${encodeURIComponent(name)}${query({ period, limit: 100 })}`,
    ),
  links: (userId: number) => call<PlayerLinks>('GET', `/api/v1/users/${userId}/links`),
  sessions: () => call<{ items: WebSession[] }>('GET', '/api/v1/me/sessions'),
  revokeSession: (id: string) =>
    call<{ revoked: string }>('DELETE', `/api/v1/me/sessions/${encodeURIComponent(id)}`),
};
