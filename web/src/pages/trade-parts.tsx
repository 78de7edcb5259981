// What the trade pages share: a side of a trade in words (items in the reader's language with
// their quantity and serial numbers, then coins), the scam-protection flags as warnings, the
// "I understand" confirmation of a lopsided trade, the refusals of the trade API in words, and
// sums that the API gives in minor units (a refusal's details) as money.
import { ApiError, type Money, type Trade, type TradeLine, type TradeSide } from '../api';
import './trades.css';
import { t, type Key, type Lang } from '../i18n';
import { formatMoney } from '../money';
import { fromMinor, minorUnits, serialList } from './shop-parts';

// 12000 minor units -> 120.00 coins.
export const coinsFromMinor = (minor: number): Money => ({ currency: 'COIN', amount: fromMinor(minor, 2) });

export const hasCoins = (m: Money): boolean => minorUnits(m.amount) > 0;

const lineName = (l: TradeLine, lang: Lang): string => l.name?.[lang] || l.name?.ru || `#${l.item_id}`;

// "Golden dice × 1 (No. 17)".
export function lineText(l: TradeLine, lang: Lang): string {
  const text = t('trade_line', { name: lineName(l, lang), quantity: l.quantity ?? 1 });
  return l.serials && l.serials.length > 0 ? `${text} (${serialList(l.serials)})` : text;
}

export function SideList({ side, lang, testid }: { side: TradeSide; lang: Lang; testid: string }) {
  const lines = side.items.map((l) => lineText(l, lang));
  if (hasCoins(side.coins)) lines.push(formatMoney(side.coins, lang));
  return (
    <ul class="trade-side" data-testid={testid}>
      {lines.length === 0 ? <li class="muted">{t('trade_nothing')}</li> : lines.map((l) => <li key={l}>{l}</li>)}
    </ul>
  );
}

const stateKey: Record<Trade['state'], Key> = {
  pending: 'trade_state_pending',
  accepted: 'trade_state_accepted',
  declined: 'trade_state_declined',
  cancelled: 'trade_state_cancelled',
  expired: 'trade_state_expired',
};
export const stateText = (state: string): string =>
  state in stateKey ? t(stateKey[state as Trade['state']]) : state;

const flagKey: Record<string, Key> = {
  low_value: 'trade_flag_low_value',
  changed_after_seen: 'trade_flag_changed_after_seen',
  new_account: 'trade_flag_new_account',
  one_sided_repeat: 'trade_flag_one_sided_repeat',
};
export const flagText = (kind: string): string => {
  const key = flagKey[kind];
  return key ? t(key) : t('trade_flag_other', { kind });
};

// The scam-protection flags of a trade as warnings.
export function Flags({ flags }: { flags: readonly string[] }) {
  if (flags.length === 0) return null;
  return (
    <ul class="trade-flags" data-testid="trade-flags" aria-label={t('trade_flags_label')}>
      {flags.map((f) => (
        <li key={f} data-flag={f}>
          <span aria-hidden="true">⚠ </span>
          {flagText(f)}
        </li>
      ))}
    </ul>
  );
}

// Seconds as h:mm:ss.
export function clock(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const two = (n: number) => String(n).padStart(2, '0');
  return `${Math.floor(s / 3600)}:${two(Math.floor((s % 3600) / 60))}:${two(s % 60)}`;
}

// The warning of a lopsided trade for the side that gives more: both values, in words.
export function LowValueWarning({ give, get, lang }: { give: Money; get: Money; lang: Lang }) {
  return (
    <div class="trade-warning" role="alert" data-testid="low-value-warning">
      <strong>{t('trade_low_title')}</strong>
      <p>{t('trade_low_values', { give: formatMoney(give, lang), get: formatMoney(get, lang) })}</p>
    </div>
  );
}

// The explicit "I understand" of a lopsided trade.
export function Understand({ checked, onChange }: { checked: boolean; onChange: (v: boolean) => void }) {
  return (
    <label class="understand">
      <input
        type="checkbox"
        name="understand"
        data-testid="understand"
        checked={checked}
        onChange={(e) => onChange((e.currentTarget as HTMLInputElement).checked)}
      />
      <span>{t('trade_understand')}</span>
    </label>
  );
}

export const reasonOf = (e: unknown): string =>
  e instanceof ApiError && typeof e.details['reason'] === 'string' ? e.details['reason'] : '';
export const detailNumber = (e: ApiError, name: string): number => {
  const v = e.details[name];
  return typeof v === 'number' ? v : Number(v ?? 0);
};

// A refusal of the trade API in words (nothing moved on any of them). `confirm_low_value` is not
// one: the pages ask "I understand" instead.
export function tradeRefusal(e: unknown): string {
  if (!(e instanceof ApiError)) return String(e);
  if (e.status === 0) return t('error_network');
  if (e.code === 'INSUFFICIENT_FUNDS') return t('trade_err_funds');
  switch (reasonOf(e)) {
    case 'offer_changed':
      return t('trade_err_changed');
    case 'expired':
      return t('trade_err_expired');
    case 'not_pending':
      return t('trade_err_not_pending', { state: stateText(String(e.details['state'] ?? '')) });
    case 'not_tradeable':
      return t('trade_err_not_tradeable');
    case 'serial_not_owned':
      return t('trade_err_serial', { serial: t('serial', { n: detailNumber(e, 'serial') }) });
    case 'too_many_open':
      return t('trade_err_too_many', { limit: detailNumber(e, 'limit') || 20 });
  }
  if (e.status === 404) return t('trade_not_found');
  if (e.status === 429) return t('trade_err_rate');
  return e.message || t('error_generic', { status: e.status });
}
