// What a history line was, in words: game results name their game; the rest by their reason.
import type { HistoryItem } from '../api';
import { t, type Key } from '../i18n';

const known: Record<string, Key> = {
  'admin.grant': 'reason_admin_grant',
  'admin.debit': 'reason_admin_debit',
  'bank.claim': 'reason_bank_claim',
  'legacy.opening_balance': 'reason_legacy',
};

export function describe(item: Pick<HistoryItem, 'reason' | 'metadata'>): string {
  const k = known[item.reason];
  if (k) return t(k);
  const game = typeof item.metadata?.['game'] === 'string' ? (item.metadata['game'] as string) : '';
  if (item.reason.startsWith('bank.')) return game ? t('reason_game', { game }) : t('reason_game_any');
  return item.reason;
}
