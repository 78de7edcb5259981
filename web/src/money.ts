// Money as the API sends it: a decimal string with the currency's own number of fraction digits
// ("12.34", "-2.00"). It is shown by rearranging that string — grouping the whole part by
// thousands, a true minus sign — never through a floating-point number. The decimal mark stays a
// point in both languages, as the bot writes sums.
import type { Money } from './api';
import { t, type Lang } from './i18n';

export function formatAmount(amount: string, lang: Lang, signed = false): string {
  const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(amount.trim());
  if (!m) return amount;
  const [, minus, whole = '0', fraction] = m;
  const group = lang === 'en' ? ',' : '\u202f';
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, group);
  const zero = /^0+$/.test(whole) && (!fraction || /^0+$/.test(fraction));
  const sign = minus && !zero ? '\u2212' : signed && !zero ? '+' : '';
  return sign + grouped + (fraction !== undefined ? '.' + fraction : '');
}

export function currencyLabel(currency: string): string {
  return currency === 'COIN' ? t('coins') : currency;
}

export function formatMoney(money: Money, lang: Lang, signed = false): string {
  return `${formatAmount(money.amount, lang, signed)} ${currencyLabel(money.currency)}`;
}

export const isNegative = (money: Money): boolean => money.amount.trim().startsWith('-');

// The same sum with the opposite sign ("4.00" -> "-4.00", "-4.00" -> "4.00").
export function negated(money: Money): Money {
  const a = money.amount.trim();
  return { ...money, amount: a.startsWith('-') ? a.slice(1) : `-${a}` };
}
