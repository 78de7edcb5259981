// One money line as the player's pages show it — home's latest credits, the history, the
// notifications: what it was in words (describe), when (and, when given, more on the same muted
// line), and the signed sum. The one place these lines are formatted.
import type { HistoryItem, Money } from '../api';
import { formatTime, type Lang } from '../i18n';
import { formatMoney, isNegative } from '../money';
import { describe } from './reasons';

export function MoneyLine({
  reason,
  metadata,
  amount,
  time,
  lang,
  extra,
}: {
  reason: string;
  metadata: HistoryItem['metadata'];
  amount: Money;
  time: string;
  lang: Lang;
  extra?: string | undefined;
}) {
  return (
    <>
      <span class="what">
        {describe({ reason, metadata })}
        <span class="muted when">
          {formatTime(time, lang)}
          {extra ? ` · ${extra}` : ''}
        </span>
      </span>
      <span class={`sum ${isNegative(amount) ? 'minus' : 'plus'}`}>{formatMoney(amount, lang, true)}</span>
    </>
  );
}
