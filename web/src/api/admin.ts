// The admin panel's API calls (loaded with the panel, not in the initial bundle), typed from the
// OpenAPI document like the player's (./index.ts). Authorization is the service's: every call may
// answer 403, which the pages show as a refusal.
import { request, type Query, type Schemas } from './client';

// What every paged answer of the document has (ReviewPage, AuditPage, ...): the pages' list
// helper takes any of them, so a renamed `items` or `next_cursor` fails where it is passed.
export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

export type ReviewItem = Schemas['ReviewItem'];
export type ReviewEvent = Schemas['ReviewEvent'];
export type Correction = Schemas['ReviewCorrection'];
export type CorrectionEvent = Schemas['ReviewCorrectionEvent'];
export type Decision = Schemas['ReviewDecision'];
export type LinkClaim = Schemas['BankLinkClaim'];
export type Link = Schemas['BankLink'];
export type UnclaimedCredit = Schemas['BankUnclaimedCredit'];
export type GivenUpEvent = Schemas['AdminGivenUpEvent'];
// GET /api/v1/users/{id}: the full record for admins (and the user), public fields otherwise.
export type Profile = Schemas['UserProfile'];
export type Transaction = Schemas['UserTransaction'];
export type AuditEntry = Schemas['AuditEntry'];
export type AuditVerify = Schemas['AuditVerifyReport'];
export type AuditQuery = Pick<Query<'/api/v1/admin/audit'>, 'actor' | 'action' | 'since' | 'until'>;
export type AdminUser = Schemas['AdminUserRecord'];
export type UserOverview = Schemas['AdminUserOverview'];
export type Adjustment = Schemas['AdminAdjustment'];
export type Role = Schemas['AdminRoleRequest']['role'];
export type GrantBatch = Schemas['AdminGrantBatch'];
export type GrantRow = Schemas['AdminGrantRow'];
export type ParserStatus = Schemas['ReviewParserStatus'];
export type DriftReport = Schemas['ParserDriftReport'];
export type HealthReport = Schemas['HealthReport'];
export type HealthSeries = Schemas['HealthSeries'];
export type Job = Schemas['Job'];
export type Backup = Schemas['Backup'];
export type BackupList = Schemas['BackupList'];
export type BackupVerify = Schemas['BackupVerifyResult'];
export type TradeFlag = Schemas['TradeFlag'];

// The lists' cursors are integers in the document's queries; their pages give the next one as a
// decimal string (next_cursor). Ids stay far below 2^53.
const after = (cursor: string | null) => (cursor === null ? {} : { cursor: Number(cursor) });

export const adminApi = {
  reviews: (cursor: string | null, limit = 20) =>
    request('get', '/api/v1/admin/parser/reviews', { query: { ...after(cursor), limit } }),
  review: (id: number) => request('get', '/api/v1/admin/parser/reviews/{id}', { path: { id } }),
  acceptReview: (id: number) =>
    request('post', '/api/v1/admin/parser/reviews/{id}/accept', { path: { id } }),
  correctReview: (id: number, body: Correction) =>
    request('post', '/api/v1/admin/parser/reviews/{id}/correct', { path: { id }, body }),

  claims: (cursor: string | null, limit = 20) =>
    request('get', '/api/v1/admin/links/claims', { query: { ...after(cursor), limit } }),
  approveClaim: (id: number) =>
    request('post', '/api/v1/admin/links/claims/{id}/approve', { path: { id } }),
  rejectClaim: (id: number, reason: string) =>
    request('post', '/api/v1/admin/links/claims/{id}/reject', { path: { id }, body: { reason } }),

  givenUp: (cursor: string | null, limit = 20) =>
    request('get', '/api/v1/admin/outbox/given-up', { query: { ...after(cursor), limit } }),
  retryEvent: (id: number) =>
    request('post', '/api/v1/admin/outbox/given-up/{id}/retry', { path: { id } }),
  retryAll: () => request('post', '/api/v1/admin/outbox/given-up/retry'),

  unclaimed: (cursor: string | null, limit = 20) =>
    request('get', '/api/v1/admin/unclaimed', { query: { ...after(cursor), limit } }),

  searchUsers: (q: string, cursor: string | null, limit = 20) =>
    request('get', '/api/v1/admin/users', { query: { q, limit, ...(cursor === null ? {} : { cursor }) } }),
  userPage: (id: number) => request('get', '/api/v1/admin/users/{id}', { path: { id } }),
  // `key` names this adjustment: a retry after a lost answer sends the same key and moves nothing
  // twice.
  adjust: (id: number, key: string, body: Schemas['AdminAdjustRequest']) =>
    request('post', '/api/v1/admin/users/{id}/adjust', { path: { id }, header: { 'Idempotency-Key': key }, body }),
  setRole: (id: number, role: Role) => request('post', '/api/v1/admin/users/{id}/role', { path: { id }, body: { role } }),
  previewGrants: (csv: string) => request('post', '/api/v1/admin/grants/preview', { body: { csv } }),
  applyGrants: (csv: string, batch_key: string) =>
    request('post', '/api/v1/admin/grants/apply', { body: { csv, batch_key } }),
  user: (id: number) => request('get', '/api/v1/users/{id}', { path: { id } }),
  balance: (id: number) => request('get', '/api/v1/users/{id}/balance', { path: { id } }),
  transactions: (id: number, cursor: string | null, limit = 20) =>
    request('get', '/api/v1/users/{id}/transactions', {
      path: { id },
      query: { limit, ...(cursor === null ? {} : { cursor }) },
    }),
  links: (id: number) => request('get', '/api/v1/users/{id}/links', { path: { id } }),
  ban: (id: number, reason: string, until: string | null) =>
    request('post', '/api/v1/admin/users/{id}/ban', { path: { id }, body: { reason, until } }),
  unban: (id: number) => request('post', '/api/v1/admin/users/{id}/unban', { path: { id } }),

  audit: (query: AuditQuery, cursor: string | null, limit = 50) =>
    request('get', '/api/v1/admin/audit', { query: { ...query, ...after(cursor), limit } }),
  verifyAudit: () => request('get', '/api/v1/admin/audit/verify'),

  parserStatus: () => request('get', '/api/v1/admin/parser/status'),
  drift: (limit = 30) => request('get', '/api/v1/admin/parser/drift', { query: { limit } }),

  health: (window: 'hour' | 'day') => request('get', '/api/v1/admin/health', { query: { window } }),
  jobs: () => request('get', '/api/v1/admin/jobs'),
  runJob: (name: string) => request('post', '/api/v1/admin/jobs/{name}/run', { path: { name } }),
  backups: () => request('get', '/api/v1/admin/backups'),
  logs: (query: Query<'/api/v1/admin/logs'>) => request('get', '/api/v1/admin/logs', { query }),
  // The catalogue: every item, inactive ones too (admins), and an item created or changed (a
  // change sends only the fields that change).
  catalogue: (offset: number, limit = 100) =>
    request('get', '/api/v1/shop/items', { query: { all: true, limit, offset } }),
  createItem: (body: Schemas['ItemDraft']) => request('post', '/api/v1/admin/items', { body }),
  updateItem: (id: number, body: Schemas['ItemDraft']) =>
    request('patch', '/api/v1/admin/items/{id}', { path: { id }, body }),
  // The trades' scam flags, newest first, paged by id (next_before).
  tradeFlags: (before: number | null, limit = 50) =>
    request('get', '/api/v1/admin/trade-flags', { query: { limit, ...(before === null ? {} : { before }) } }),
  verifyBackup: (name: string) =>
    request('post', '/api/v1/admin/backups/{name}/verify', { path: { name } }),
};
