// The signed-in home: who you are and your balance.
import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, type Money, type User } from '../api';
import { t, useLanguage } from '../i18n';

export function HomePage({ user }: { user: User }) {
  useLanguage();
  const [balance, setBalance] = useState<Money | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = () => {
    setError(null);
    api.balance(user.id).then(
      (b) => setBalance(b.balance),
      (e) =>
        setError(
          e instanceof ApiError && e.status === 0
            ? t('error_network')
            : e instanceof ApiError
              ? e.message || t('error_generic', { status: e.status })
              : String(e),
        ),
    );
  };
  useEffect(load, [user.id]);
  return (
    <section class="card" aria-labelledby="home-title">
      <h1 id="home-title">{t('home_hello', { name: user.display_name || user.username })}</h1>
      <div class="balance" aria-live="polite">
        <span class="label">{t('home_balance')}</span>
        {balance ? (
          <span class="amount" data-testid="balance">
            {balance.amount} <small>{balance.currency === 'COIN' ? t('home_coins') : balance.currency}</small>
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
    </section>
  );
}
