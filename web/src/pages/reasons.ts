// What a history line was, in words: game results name their game; the rest by their reason.
import type { HistoryItem } from '../api';
import { t, type Key } from '../i18n';

const known: Record<string, Key> = {
  'admin.grant': 'reason_admin_grant',
  'admin.debit': 'reason_admin_debit',
  'bank.claim': 'reason_bank_claim',
  'legacy.opening_balance': 'reason_legacy',
};

// The game bots' names as players know them (the ledger keeps their ids).
const gameNames: Record<string, string> = {
  shmalala: 'Shmalala',
  gd_cards: 'GD Cards',
  true_mafia: 'True Mafia',
  bunker_rp: 'Bunker RP',
};

export const gameName = (id: string): string => gameNames[id] ?? id;

export function describe(item: Pick<HistoryItem, 'reason' | 'metadata'>): string {
  const k = known[item.reason];
  if (k) return t(k);
  const id = typeof item.metadata?.['game'] === 'string' ? (item.metadata['game'] as string) : '';
  const game = gameName(id);
  if (item.reason.startsWith('bank.')) return game ? t('reason_game', { game }) : t('reason_game_any');
  return item.reason;
}
