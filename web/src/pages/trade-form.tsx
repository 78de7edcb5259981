// The offer form's pieces: the form as typed and the request it makes (checked here first: the
// recipient, coins as 0 or at least 1.00, quantities 1..1000 and no more than I hold, a note of up
// to 200 bytes), the picker of item lines of one side, and the server's values of the offer.
import { useState } from 'preact/hooks';
import { ApiError, type Money, type TradeDraft, type TradePreview } from '../api';
import { t, type Lang } from '../i18n';
import { formatMoney } from '../money';
import { minorUnits } from './shop-parts';

export interface Line {
  item_id: number;
  quantity: string;
  serials?: number[]; // kept from the offer being changed while its quantity stays
}
export interface Form {
  to: string;
  giveCoins: string;
  give: Line[];
  wantCoins: string;
  want: Line[];
  note: string;
}
export type Field = 'to' | 'give' | 'give.coins' | 'give.items' | 'want.coins' | 'want.items' | 'note';
export type Errors = Partial<Record<Field, string>>;
export const FIELDS: readonly Field[] = ['to', 'give', 'give.coins', 'give.items', 'want.coins', 'want.items', 'note'];

// An item that may go on a side: its name, and for my side how many I may give.
export interface Choice {
  id: number;
  name: string;
  held?: number;
}

export const MAX_LINES = 10;
export const MAX_NOTE = 200;
export const noteBytes = (note: string): number => new TextEncoder().encode(note).length;

// "12.5" -> "12.50", "" -> "" (none), anything else -> null.
function amount(text: string): string | null {
  const s = text.trim();
  if (s === '') return '';
  const m = /^(\d{1,13})(?:[.,](\d{1,2}))?$/.exec(s);
  if (!m) return null;
  return `${String(Number(m[1]))}.${(m[2] ?? '').padEnd(2, '0')}`;
}

// The request the form makes, and what is wrong with it (in the reader's words, by field).
export function toDraft(form: Form, me: number, give: readonly Choice[]): { draft: TradeDraft; errors: Errors } {
  const errors: Errors = {};
  const to = /^\d{1,15}$/.test(form.to.trim()) ? Number(form.to.trim()) : 0;
  if (to <= 0 || to === me) errors.to = t('trade_err_to');
  const side = (name: 'give' | 'want', coinsText: string, lines: readonly Line[]) => {
    const coins = amount(coinsText);
    if (coins === null || (coins !== '' && minorUnits(coins) !== 0 && minorUnits(coins) < 100)) {
      errors[`${name}.coins`] = t('trade_err_coins');
    }
    const items = [];
    for (const l of lines) {
      const q = /^\d{1,4}$/.test(l.quantity.trim()) ? Number(l.quantity.trim()) : 0;
      const held = name === 'give' ? give.find((c) => c.id === l.item_id)?.held : undefined;
      if (q < 1 || q > 1000) errors[`${name}.items`] = t('trade_err_items');
      else if (held !== undefined && q > held) {
        const what = give.find((c) => c.id === l.item_id)?.name ?? `#${l.item_id}`;
        errors[`${name}.items`] = t('trade_err_held', { name: what, n: held });
      }
      items.push({ item_id: l.item_id, quantity: q, ...(l.serials?.length === q ? { serials: l.serials } : {}) });
    }
    const some = (coins !== null && coins !== '' && minorUnits(coins) > 0) || items.length > 0;
    return { side: { ...(coins && minorUnits(coins) > 0 ? { coins } : {}), items }, some };
  };
  const g = side('give', form.giveCoins, form.give);
  const w = side('want', form.wantCoins, form.want);
  if (!g.some && !w.some) errors.give = t('trade_err_empty');
  if (noteBytes(form.note) > MAX_NOTE) errors.note = t('trade_err_note');
  const note = form.note.trim();
  return { draft: { to, give: g.side, want: w.side, ...(note ? { note } : {}) }, errors };
}

// The server's 400 (or 404 for the recipient) named a field: its words go beside that field.
export function fieldOf(e: unknown): Field | null {
  if (!(e instanceof ApiError)) return null;
  const f = e.details['field'];
  if (typeof f !== 'string') return null;
  if (f === 'items') return 'give.items';
  return (FIELDS as readonly string[]).includes(f) ? (f as Field) : null;
}
export function fieldText(field: Field, e: ApiError): string {
  if (field === 'to') return e.status === 404 ? t('trade_err_to_unknown') : t('trade_err_to');
  if (field === 'give') return t('trade_err_empty');
  if (field === 'note') return t('trade_err_note');
  if (field.endsWith('.coins')) return t('trade_err_coins');
  return t('trade_err_items');
}

export function FieldError({ field, errors }: { field: Field; errors: Errors }) {
  const text = errors[field];
  if (!text) return null;
  return (
    <p class="error" role="alert" id={`trade-${field.replace('.', '-')}-error`} data-testid={`field-error-${field}`}>
      {text}
    </p>
  );
}

// The item lines of one side: each with its quantity and Remove, then a select and Add.
export function LinePicker({
  side,
  lines,
  choices,
  empty,
  onChange,
}: {
  side: 'give' | 'want';
  lines: readonly Line[];
  choices: readonly Choice[];
  empty: string;
  onChange: (lines: Line[]) => void;
}) {
  const [pick, setPick] = useState('');
  const free = choices.filter((c) => !lines.some((l) => l.item_id === c.id));
  const nameOf = (id: number) => choices.find((c) => c.id === id)?.name ?? `#${id}`;
  const add = () => {
    const id = Number(pick);
    if (!id || lines.some((l) => l.item_id === id)) return;
    onChange([...lines, { item_id: id, quantity: '1' }]);
    setPick('');
  };
  return (
    <div class="trade-lines" data-testid={`${side}-lines`}>
      {lines.length > 0 && (
        <ul>
          {lines.map((l) => {
            const held = choices.find((c) => c.id === l.item_id)?.held;
            return (
              <li key={l.item_id} data-item-id={l.item_id}>
                <label>
                  <span>
                    {nameOf(l.item_id)}
                    {held !== undefined && <span class="muted"> · {t('trade_held', { n: held })}</span>}
                  </span>
                  <input
                    type="number"
                    name={`${side}-qty-${l.item_id}`}
                    inputMode="numeric"
                    min={1}
                    max={held ?? 1000}
                    step={1}
                    value={l.quantity}
                    onInput={(e) => {
                      const quantity = (e.currentTarget as HTMLInputElement).value;
                      onChange(lines.map((x) => (x.item_id === l.item_id ? { item_id: x.item_id, quantity } : x)));
                    }}
                  />
                </label>
                <button
                  type="button"
                  class="secondary"
                  aria-label={t('trade_remove_named', { name: nameOf(l.item_id) })}
                  onClick={() => onChange(lines.filter((x) => x.item_id !== l.item_id))}
                >
                  {t('trade_remove')}
                </button>
              </li>
            );
          })}
        </ul>
      )}
      {choices.length === 0 && <p class="muted">{empty}</p>}
      {lines.length < MAX_LINES && free.length > 0 && (
        <div class="trade-add">
          <label>
            <span>{t('trade_pick_item')}</span>
            <select name={`${side}-pick`} value={pick} onChange={(e) => setPick((e.currentTarget as HTMLSelectElement).value)}>
              <option value="">{t('trade_pick_none')}</option>
              {free.map((c) => (
                <option key={c.id} value={String(c.id)}>
                  {c.held === undefined ? c.name : `${c.name} (${t('trade_held', { n: c.held })})`}
                </option>
              ))}
            </select>
          </label>
          <button type="button" class="secondary" data-testid={`${side}-add`} disabled={!pick} onClick={add}>
            {t('trade_add_item')}
          </button>
        </div>
      )}
    </div>
  );
}

export type PreviewState =
  | { at: 'idle' }
  | { at: 'busy'; last: TradePreview | null }
  | { at: 'ok'; preview: TradePreview }
  | { at: 'error'; text: string };

// I give over ten times what I get.
export const iGiveMore = (p: Pick<TradePreview, 'give_value' | 'want_value'>): boolean =>
  minorUnits(p.give_value.amount) > minorUnits(p.want_value.amount);

function Row({ label, value, testid, lang }: { label: string; value: Money; testid: string; lang: Lang }) {
  return (
    <>
      <dt>{label}</dt>
      <dd data-testid={testid}>{formatMoney(value, lang)}</dd>
    </>
  );
}

// The server's values of the offer as it stands: both sides, the fees, and who must confirm.
export function PreviewBox({ state, lang }: { state: PreviewState; lang: Lang }) {
  const p = state.at === 'ok' ? state.preview : state.at === 'busy' ? state.last : null;
  return (
    <div class="trade-preview" data-testid="trade-preview" data-state={state.at} aria-live="polite" aria-busy={state.at === 'busy'}>
      <h2>{t('trade_preview_title')}</h2>
      {state.at === 'idle' && <p class="muted">{t('trade_preview_need')}</p>}
      {state.at === 'busy' && !p && <p class="muted">{t('trade_preview_busy')}</p>}
      {state.at === 'error' && (
        <p class="error" data-testid="preview-error">
          {state.text}
        </p>
      )}
      {p && (
        <dl class="facts">
          <Row label={t('trade_preview_give')} value={p.give_value} testid="preview-give" lang={lang} />
          <Row label={t('trade_preview_get')} value={p.want_value} testid="preview-get" lang={lang} />
          <Row label={t('trade_preview_fee_mine')} value={p.want_fee} testid="preview-fee" lang={lang} />
          <Row label={t('trade_preview_fee_theirs')} value={p.give_fee} testid="preview-fee-theirs" lang={lang} />
        </dl>
      )}
      {p?.lopsided && !iGiveMore(p) && <p class="muted">{t('trade_preview_they_give_more')}</p>}
    </div>
  );
}
