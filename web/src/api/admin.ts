// The admin panel's API calls (loaded with the panel, not in the initial bundle). Shapes as the
// server writes them: src/features/{admin,bank,parser,users}/*_http.cpp. Authorization is the
// service's: every call may answer 403, which the pages show as a refusal.
import { call, type Money, type WaitingCredit } from './api';

export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

export interface ParsedEvent {
  player: string | null;
  amount: string | null;
  currency: string;
  type: string;
}
export interface ReviewItem {
  id: number;
  chat_id: number;
  message_id: number;
  sender_game: string;
  replier_id: number;
  text: string;
  // The model's reading (AiResult): game_type, kind, events, confidence, entities, ...
  result: {
    game_type?: string;
    kind?: string;
    events?: ParsedEvent[];
    confidence?: number;
    source?: string;
    review_reason?: string | null;
  };
  confidence: number;
  reason: string;
  model_version: string;
  status: string;
  reviewed_by: number | null;
  reviewed_at: string | null;
  final: unknown;
  created_at: string;
}
export interface Decision {
  item: ReviewItem;
  already_processed: boolean;
  credits: {
    user_id: number;
    player: string | null;
    game_currency: string;
    game_amount: string;
    how: string;
    amount_minor: number;
    transfer_id: number | null;
  }[];
}
export interface Correction {
  game: string;
  kind: string;
  events?: ParsedEvent[];
}

export interface LinkClaim {
  id: number;
  game: string;
  nickname: string;
  user_id: number;
  status: string;
  note: string;
  created_at: string;
  decided_by: number | null;
  decided_at: string | null;
  competing_claims: number;
  waiting: Money;
}
export interface Link {
  game: string;
  nickname: string;
  user_id: number;
  evidence: string;
  verified_at: string;
}
// A waiting credit as admins see it: also who it was paid to and when it was settled.
export interface UnclaimedCredit extends WaitingCredit {
  paid_to: number | null;
  settled_at: string | null;
}
export interface GivenUpEvent {
  id: number;
  topic: string;
  payload: unknown;
  created_at: string;
  attempts: number;
  last_error: string;
  given_up_at: string;
}

export interface Ban {
  reason: string;
  banned_by: number;
  banned_at: string;
  until: string | null;
}
// GET /api/v1/users/{id}: the full record for admins (and the user), public fields otherwise.
export interface Profile {
  id: number;
  display_name: string;
  created_at: string;
  visibility: 'full' | 'public';
  username?: string;
  language?: string;
  role?: string;
  last_active_at?: string;
  ban?: Ban | null;
}
export interface Transaction {
  id: number;
  transfer_id: number;
  kind: string;
  amount: Money;
  balance_after: Money;
  reason: string;
  metadata: unknown;
  created_at: string;
}

export interface AuditEntry {
  seq: number;
  at: string;
  actor: number;
  action: string;
  target: string;
  ip: string;
  result: string;
  details: unknown;
  source: string;
  prev_hash: string;
  hash: string;
}
export interface AuditVerify {
  ok: boolean;
  entries: number;
  checkpoints: number;
  first_bad_seq: number | null;
  problem: string;
}
export interface AuditQuery {
  actor?: string;
  action?: string;
  since?: string;
  until?: string;
}

export interface ParserStatus {
  active_model: string | null;
  candidate_model: string | null;
  canary_share: number;
  breaker_open: boolean;
  incidents: number;
  last_incident: string;
  model_parses: number;
  rule_parses: number;
  cache_hits: number;
  cache_size: number;
  canary: {
    records: number;
    agreement: number;
    reviewed: number;
    active_accuracy: number;
    candidate_accuracy: number;
  };
  review_pending: number;
  corrections_not_trained: number;
}
export interface DriftReport {
  at: string;
  model_version: string;
  messages: number;
  psi_class: number;
  psi_confidence: number;
  alert: boolean;
  note: string;
}

const q = (params: Record<string, string | number | null | undefined>): string => {
  const s = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== null && v !== undefined && v !== '') s.set(k, String(v));
  const text = s.toString();
  return text ? `?${text}` : '';
};
const id = (n: number) => encodeURIComponent(String(n));

export const adminApi = {
  reviews: (cursor: string | null, limit = 20) =>
    call<Page<ReviewItem>>('GET', `/api/v1/admin/parser/reviews${q({ cursor, limit })}`),
  review: (n: number) => call<ReviewItem>('GET', `/api/v1/admin/parser/reviews/${id(n)}`),
  acceptReview: (n: number) => call<Decision>('POST', `/api/v1/admin/parser/reviews/${id(n)}/accept`),
  correctReview: (n: number, c: Correction) =>
    call<Decision>('POST', `/api/v1/admin/parser/reviews/${id(n)}/correct`, c),

  claims: (cursor: string | null, limit = 20) =>
    call<Page<LinkClaim>>('GET', `/api/v1/admin/links/claims${q({ cursor, limit })}`),
  approveClaim: (n: number) =>
    call<{ id: number; status: string; paid: unknown[] }>('POST', `/api/v1/admin/links/claims/${id(n)}/approve`),
  rejectClaim: (n: number, reason: string) =>
    call<LinkClaim>('POST', `/api/v1/admin/links/claims/${id(n)}/reject`, { reason }),

  givenUp: (cursor: string | null, limit = 20) =>
    call<Page<GivenUpEvent>>('GET', `/api/v1/admin/outbox/given-up${q({ cursor, limit })}`),
  retryEvent: (n: number) => call<{ retried: number }>('POST', `/api/v1/admin/outbox/given-up/${id(n)}/retry`),
  retryAll: () => call<{ retried: number }>('POST', '/api/v1/admin/outbox/given-up/retry'),

  unclaimed: (cursor: string | null, limit = 20) =>
    call<Page<UnclaimedCredit>>('GET', `/api/v1/admin/unclaimed${q({ cursor, limit })}`),

  user: (n: number) => call<Profile>('GET', `/api/v1/users/${id(n)}`),
  balance: (n: number) => call<{ user_id: number; balance: Money }>('GET', `/api/v1/users/${id(n)}/balance`),
  transactions: (n: number, cursor: string | null, limit = 20) =>
    call<Page<Transaction>>('GET', `/api/v1/users/${id(n)}/transactions${q({ cursor, limit })}`),
  links: (n: number) =>
    call<{ links: Link[]; claims: LinkClaim[]; waiting: UnclaimedCredit[] }>('GET', `/api/v1/users/${id(n)}/links`),
  ban: (n: number, reason: string, until: string | null) =>
    call<Profile>('POST', `/api/v1/admin/users/${id(n)}/ban`, { reason, until }),
  unban: (n: number) => call<Profile>('POST', `/api/v1/admin/users/${id(n)}/unban`),

  audit: (query: AuditQuery, cursor: string | null, limit = 50) =>
    call<Page<AuditEntry>>('GET', `/api/v1/admin/audit${q({ ...query, cursor, limit })}`),
  verifyAudit: () => call<AuditVerify>('GET', '/api/v1/admin/audit/verify'),

  parserStatus: () => call<ParserStatus>('GET', '/api/v1/admin/parser/status'),
  drift: (limit = 30) =>
    call<{ items: DriftReport[]; latest: DriftReport | null }>('GET', `/api/v1/admin/parser/drift${q({ limit })}`),
};
