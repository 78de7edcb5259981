// A labelled select whose options' texts come from the catalogue (history's and notifications'
// filters).
import { t, type Key } from './i18n';

export interface Choice {
  value: string;
  label: Key;
}

// <label><span>label</span><select>…</select></label>, the options' texts from the catalogue.
export function SelectField({
  name,
  label,
  value,
  choices,
  onChange,
}: {
  name: string;
  label: Key;
  value: string;
  choices: readonly Choice[];
  onChange: (value: string) => void;
}) {
  return (
    <label>
      <span>{t(label)}</span>
      <select
        name={name}
        value={value}
        onChange={(e) => onChange((e.currentTarget as HTMLSelectElement).value)}
      >
        {choices.map((c) => (
          <option key={c.value} value={c.value}>
            {t(c.label)}
          </option>
        ))}
      </select>
    </label>
  );
}

// "Show more" under a paged list (history, notifications): disabled while a page loads.
export function MoreButton({
  testid,
  busy,
  onMore,
}: {
  testid: string;
  busy: boolean;
  onMore: () => void;
}) {
  return (
    <button type="button" class="more" data-testid={testid} disabled={busy} onClick={onMore}>
      {t('history_more')}
    </button>
  );
}

// A failure the user can retry: the reason, then "retry" (an alert for screen readers).
export function ErrorRetry({ message, onRetry }: { message: string; onRetry: () => void }) {
  return (
    <p class="error" role="alert">
      {message}{' '}
      <button type="button" onClick={onRetry}>
        {t('retry')}
      </button>
    </p>
  );
}
