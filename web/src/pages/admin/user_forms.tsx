// The user page's actions: ban/unban, role, grant/debit. Each form is shown only when the server
// said the admin may (`may` of the user's page); the server checks again and its refusal shows.
import { useState } from 'preact/hooks';
import { adminApi, type Adjustment, type AdminUser, type Role } from '../../api/admin';
import { t } from '../../i18n';
import { describe } from './common';
import { roleName } from './users';

// Runs an action with busy and error state; `done` gets the answer.
function useAction<T>(done: (v: T) => void) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const run = async (action: () => Promise<T>) => {
    setBusy(true);
    setError(null);
    try {
      done(await action());
      return true;
    } catch (e) {
      setError(describe(e).text);
      return false;
    } finally {
      setBusy(false);
    }
  };
  return { error, busy, run };
}

function Failure({ error, testid }: { error: string | null; testid: string }) {
  return error ? (
    <p class="error" role="alert" data-testid={testid}>
      {error}
    </p>
  ) : null;
}

export function BanForm({ user, onChange }: { user: AdminUser; onChange: () => void }) {
  const [reason, setReason] = useState('');
  const [until, setUntil] = useState('');
  const act = useAction<AdminUser>(() => {
    setReason('');
    setUntil('');
    onChange();
  });
  return (
    <div class="admin-ban">
      <Failure error={act.error} testid="ban-error" />
      {user.ban ? (
        <button type="button" disabled={act.busy} onClick={() => act.run(() => adminApi.unban(user.id))} data-testid="unban">
          {t('admin_user_unban')}
        </button>
      ) : (
        <form
          class="admin-form"
          onSubmit={(e) => {
            e.preventDefault();
            act.run(() => adminApi.ban(user.id, reason, until || null));
          }}
        >
          <label for="ban-reason">{t('admin_user_ban_reason')}</label>
          <input id="ban-reason" required maxLength={500} value={reason} onInput={(e) => setReason((e.target as HTMLInputElement).value)} />
          <label for="ban-until">{t('admin_user_ban_until')}</label>
          <input id="ban-until" type="date" value={until} onInput={(e) => setUntil((e.target as HTMLInputElement).value)} />
          <p class="muted hint">{t('admin_user_ban_until_hint')}</p>
          <button type="submit" class="danger" disabled={act.busy} data-testid="ban">
            {t('admin_user_ban')}
          </button>
        </form>
      )}
    </div>
  );
}

export function RoleForm({ user, roles, onChange }: { user: AdminUser; roles: Role[]; onChange: () => void }) {
  const [role, setRole] = useState<Role>(user.role);
  const act = useAction<AdminUser>(onChange);
  return (
    <form
      class="admin-form"
      data-testid="role-form"
      onSubmit={(e) => {
        e.preventDefault();
        act.run(() => adminApi.setRole(user.id, role));
      }}
    >
      <label for="user-role">{t('admin_user_role_change')}</label>
      <select id="user-role" value={role} onChange={(e) => setRole((e.target as HTMLSelectElement).value as Role)}>
        {roles.map((r) => (
          <option key={r} value={r}>
            {roleName(r)}
          </option>
        ))}
      </select>
      <button type="submit" disabled={act.busy || role === user.role} data-testid="role-save">
        {t('admin_user_role_save')}
      </button>
      <Failure error={act.error} testid="role-error" />
    </form>
  );
}

const newKey = () =>
  typeof crypto.randomUUID === 'function'
    ? crypto.randomUUID()
    : Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');

// Grant or debit. The idempotency key belongs to what is typed: resending the same form after a
// lost answer reuses it (nothing moves twice); any change, or a success, takes a new one.
export function AdjustForm({ userId, currencies, onDone }: { userId: number; currencies: string[]; onDone: (a: Adjustment) => void }) {
  const [direction, setDirection] = useState<'grant' | 'debit'>('grant');
  const [amount, setAmount] = useState('');
  const [currency, setCurrency] = useState(currencies[0] ?? 'COIN');
  const [reason, setReason] = useState('');
  const [key, setKey] = useState(newKey);
  const [bad, setBad] = useState(false);
  const act = useAction<Adjustment>((a) => {
    setAmount('');
    setReason('');
    setKey(newKey());
    onDone(a);
  });
  const edit = (set: (v: string) => void) => (e: Event) => {
    set((e.target as HTMLInputElement).value);
    setKey(newKey());
  };
  return (
    <form
      class="admin-form"
      data-testid="adjust-form"
      onSubmit={(e) => {
        e.preventDefault();
        const a = amount.trim().replace(',', '.');
        if (!/^\d+(\.\d+)?$/.test(a) || /^0*(\.0*)?$/.test(a)) {
          setBad(true);
          return;
        }
        setBad(false);
        act.run(() => adminApi.adjust(userId, key, { amount: direction === 'debit' ? `-${a}` : a, currency, reason }));
      }}
    >
      <fieldset class="choice">
        <legend>{t('admin_adjust_direction')}</legend>
        {(['grant', 'debit'] as const).map((d) => (
          <label key={d}>
            <input
              type="radio"
              name="adjust-direction"
              value={d}
              checked={direction === d}
              onChange={() => {
                setDirection(d);
                setKey(newKey());
              }}
            />
            {t(d === 'grant' ? 'admin_adjust_grant' : 'admin_adjust_debit')}
          </label>
        ))}
      </fieldset>
      <label for="adjust-amount">{t('admin_adjust_amount')}</label>
      <input id="adjust-amount" inputMode="decimal" autoComplete="off" required value={amount} aria-invalid={bad} onInput={edit(setAmount)} />
      {bad && (
        <p class="error" role="alert">
          {t('admin_adjust_bad_amount')}
        </p>
      )}
      {currencies.length > 1 && (
        <>
          <label for="adjust-currency">{t('admin_adjust_currency')}</label>
          <select id="adjust-currency" value={currency} onChange={edit(setCurrency)}>
            {currencies.map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
          </select>
        </>
      )}
      <label for="adjust-reason">{t('admin_adjust_reason')}</label>
      <textarea id="adjust-reason" required maxLength={500} rows={2} value={reason} onInput={edit(setReason)} />
      <button type="submit" class={direction === 'debit' ? 'danger' : undefined} disabled={act.busy} data-testid="adjust-submit">
        {t(direction === 'grant' ? 'admin_adjust_grant_do' : 'admin_adjust_debit_do')}
      </button>
      <Failure error={act.error} testid="adjust-error" />
    </form>
  );
}
