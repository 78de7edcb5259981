// The signed-in home: the balance and the latest credits, both kept current over the WebSocket
// (money.credited / money.debited carry the new balance), with the connection's state shown.
import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, type HistoryItem, type Money, type User } from '../api';
import { t, useLanguage } from '../i18n';
import { listen, type LiveMessage } from '../live';
import { currencyLabel, formatAmount } from '../money';
import { MoneyLine } from './money-line';
import { moneyEvent } from './reasons';
import { LiveStatusDot } from '../live_status';

interface Credit {
  transfer_id: number;
  amount: Money;
  reason: string;
  metadata: HistoryItem['metadata'];
  time: string;
  live: boolean;
}
const SHOWN = 8;

function errorText(e: unknown): string {
  if (e instanceof ApiError) {
    return e.status === 0 ? t('error_network') : e.message || t('error_generic', { status: e.status });
  }
  return String(e);
}

export function HomePage({ user }: { user: User }) {
  const lang = useLanguage();
  const [balance, setBalance] = useState<Money | null>(null);
  const [credits, setCredits] = useState<Credit[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = () => {
    setError(null);
    api.balance(user.id).then(
      (b) => setBalance(b.balance),
      (e) => setError(errorText(e)),
    );
    api.transactions(user.id, { direction: 'credit' }, SHOWN).then(
      (p) =>
        setCredits((now) => {
          const loaded = p.items.map((i) => ({
            transfer_id: i.transfer_id,
            amount: i.amount,
            reason: i.reason,
            metadata: i.metadata,
            time: i.created_at,
            live: false,
          }));
          const seen = new Set(loaded.map((c) => c.transfer_id));
          // Live ones that came before this answer stay on top.
          return [...(now ?? []).filter((c) => !seen.has(c.transfer_id)), ...loaded].slice(0, SHOWN);
        }),
      () => setCredits((now) => now ?? []),
    );
  };
  useEffect(load, [user.id]);

  useEffect(
    () =>
      listen((m: LiveMessage) => {
        // money.credited / money.debited carry the new balance; credits join the list.
        const ev = moneyEvent(m.type, m.data);
        if (!ev) return;
        if (ev.balance?.currency === 'COIN') setBalance(ev.balance);
        if (m.type !== 'money.credited') return;
        const credit: Credit = {
          transfer_id: ev.transfer_id,
          amount: ev.amount,
          reason: ev.reason,
          metadata: {}, // a notification has none: a game's name shows once the history is read
          time: m.time,
          live: true,
        };
        setCredits((now) =>
          [credit, ...(now ?? []).filter((c) => c.transfer_id !== credit.transfer_id)].slice(0, SHOWN),
        );
      }),
    [user.id],
  );

  return (
    <section class="card" aria-labelledby="home-title">
      <h1 id="home-title">{t('home_hello', { name: user.display_name || user.username })}</h1>
      <div class="balance">
        <span class="label">{t('home_balance')}</span>
        {balance ? (
          <span class="amount" data-testid="balance" aria-live="polite">
            {formatAmount(balance.amount, lang)} <small>{currencyLabel(balance.currency)}</small>
          </span>
        ) : error ? (
          <span class="error" role="alert">
            {t('home_balance_error', { reason: error })}{' '}
            <button type="button" onClick={load}>
              {t('retry')}
            </button>
          </span>
        ) : (
          <span class="amount muted">{t('loading')}</span>
        )}
      </div>
      <div class="section-head">
        <h2>{t('home_latest_credits')}</h2>
        <LiveStatusDot />
      </div>
      {credits === null && <p class="muted">{t('loading')}</p>}
      {credits?.length === 0 && <p class="muted">{t('home_no_credits')}</p>}
      <ul class="rows" data-testid="credits" aria-live="polite">
        {credits?.map((c) => (
          <li key={c.transfer_id} class={c.live ? 'fresh' : ''} data-transfer={c.transfer_id}>
            <MoneyLine
              reason={c.reason}
              metadata={c.metadata}
              amount={c.amount}
              time={c.time}
              lang={lang}
            />
          </li>
        ))}
      </ul>
    </section>
  );
}
