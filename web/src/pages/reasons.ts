// What a history line was, in words: game results name their game; the rest by their reason. And
// what a money notification (a WebSocket frame or a stored one) says, read field by field.
import type { HistoryItem, Money, MoneyNotification } from '../api';
import { t, type Key } from '../i18n';
import { negated } from '../money';

const known: Record<string, Key> = {
  'admin.grant': 'reason_admin_grant',
  'admin.debit': 'reason_admin_debit',
  'bank.claim': 'reason_bank_claim',
  'legacy.opening_balance': 'reason_legacy',
  'shop.purchase': 'reason_shop_purchase',
  'trade.offer': 'reason_trade_offer',
  'trade.swap': 'reason_trade_swap',
  'trade.edit': 'reason_trade_return',
  'trade.cancel': 'reason_trade_return',
  'trade.decline': 'reason_trade_return',
  'trade.expired': 'reason_trade_return',
  'auction.list': 'reason_auction_list',
  'auction.bid': 'reason_auction_bid',
  'auction.outbid': 'reason_auction_return',
  'auction.cancel': 'reason_auction_return',
  'auction.unsold': 'reason_auction_return',
  'auction.sale': 'reason_auction_sale',
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

const isMoney = (v: unknown): v is Money =>
  !!v && typeof (v as Money).amount === 'string' && typeof (v as Money).currency === 'string';

// A money.credited or money.debited notification's data: the transfer, the signed amount (money
// out is negative), why, and the balance after when it is there; null for another type or data
// that is not what the document describes.
export interface MoneyEvent {
  transfer_id: number;
  amount: Money;
  reason: string;
  balance: Money | null;
}
export function moneyEvent(type: string, data: unknown): MoneyEvent | null {
  if (type !== 'money.credited' && type !== 'money.debited') return null;
  const d = (data ?? {}) as Partial<MoneyNotification>;
  if (!isMoney(d.amount)) return null;
  return {
    transfer_id: Number(d.transfer_id),
    amount: type === 'money.debited' ? negated(d.amount) : d.amount,
    reason: typeof d.reason === 'string' ? d.reason : '',
    balance: isMoney(d.balance) ? d.balance : null,
  };
}
