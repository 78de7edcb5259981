// Make an offer (/trades/new; ?to=<id> names the recipient, ?give=<item id> puts one of my items on
// my side) or change my open one (?edit=<trade id>): the recipient, what I give — coins and
// tradeable items of my inventory, no more than I hold — what I want — coins and items of the
// shop's catalogue — and a note. As the form changes the server values it (POST
// /api/v1/trades/preview, debounced): both sides, the fees and whether it is lopsided; when I give
// over ten times what I get it is sent only after "I understand". Sending is POST /api/v1/trades
// with one Idempotency-Key per attempt, kept while the offer is unchanged, so a retry after a lost
// answer makes no second offer; a change is PUT /api/v1/trades/{id}. The server's 400 goes beside
// the field it names; every other refusal is said in words, and nothing moved.
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, ApiError, type InventoryEntry, type Money, type ShopListedItem, type Trade, type User } from '../api';
import { t, useLanguage } from '../i18n';
import { onLinkClick } from '../router';
import { ErrorRetry } from '../fields';
import { itemName, newKey } from './shop-parts';
import {
  FieldError,
  fieldOf,
  fieldText,
  iGiveMore,
  LinePicker,
  MAX_NOTE,
  noteBytes,
  PreviewBox,
  toDraft,
  type Choice,
  type Errors,
  type Form,
  type Line,
  type PreviewState,
} from './trade-form';
import { coinsFromMinor, detailNumber, hasCoins, LowValueWarning, reasonOf, tradeRefusal, Understand } from './trade-parts';

const EMPTY: Form = { to: '', giveCoins: '', give: [], wantCoins: '', want: [], note: '' };
const DEBOUNCE_MS = 400;

const param = (name: string): string | null => new URLSearchParams(location.search).get(name);
const idParam = (name: string): number | null => {
  const v = param(name);
  return v && /^\d{1,15}$/.test(v) ? Number(v) : null;
};

// The offer being changed as the form shows it.
function fromTrade(tr: Trade): Form {
  const lines = (side: Trade['give']): Line[] =>
    side.items.map((l) => ({ item_id: l.item_id, quantity: String(l.quantity ?? 1), serials: l.serials ?? [] }));
  const coins = (m: Money) => (hasCoins(m) ? m.amount : '');
  return {
    to: String(tr.to),
    giveCoins: coins(tr.give.coins),
    give: lines(tr.give),
    wantCoins: coins(tr.want.coins),
    want: lines(tr.want),
    note: tr.note,
  };
}

// Every item of the shop that may be traded (the catalogue, page by page).
async function catalogue(): Promise<ShopListedItem[]> {
  const out: ShopListedItem[] = [];
  let offset: number | null = 0;
  for (let pages = 0; offset !== null && pages < 20; pages += 1) {
    const p = await api.shopItems({ sort: 'name' }, 100, offset);
    out.push(...p.items.filter((i) => i.tradeable));
    offset = p.next_offset;
  }
  return out;
}

export function TradeNewPage({ user }: { user: User }) {
  const lang = useLanguage();
  const editId = idParam('edit');
  const [form, setForm] = useState<Form>(() => ({ ...EMPTY, to: String(idParam('to') ?? '') }));
  const [inventory, setInventory] = useState<InventoryEntry[] | null>(null);
  const [shop, setShop] = useState<ShopListedItem[] | null>(null);
  const [editing, setEditing] = useState<Trade | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [preview, setPreview] = useState<PreviewState>({ at: 'idle' });
  const [serverErrors, setServerErrors] = useState<Errors>({});
  const [tried, setTried] = useState(false);
  const [understood, setUnderstood] = useState(false);
  // The server asked for "I understand" (its values, in minor units) although no preview said so.
  const [asked, setAsked] = useState<{ give: Money; get: Money } | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [sending, setSending] = useState(false);
  const [done, setDone] = useState<Trade | null>(null);
  const attempt = useRef<{ sig: string; key: string } | null>(null);
  const previewSeq = useRef(0);

  const load = () => {
    setLoadError(null);
    const fail = (e: unknown) => setLoadError(tradeRefusal(e));
    api.inventory(user.id).then((r) => setInventory(r.items), fail);
    catalogue().then(setShop, fail);
    if (editId !== null) {
      api.trade(editId).then((tr) => {
        if (tr.from !== user.id || tr.state !== 'pending') {
          setLoadError(t('trade_not_editable', { id: tr.id }));
          return;
        }
        setEditing(tr);
        setForm(fromTrade(tr));
      }, fail);
    }
  };
  useEffect(load, [user.id, editId]);

  // My side: tradeable items I hold; changing an offer, what it holds now is mine to give again.
  const giveChoices: Choice[] = [];
  for (const h of inventory ?? []) {
    if (h.item.tradeable) giveChoices.push({ id: h.item.id, name: itemName(h.item, lang), held: h.quantity });
  }
  for (const l of editing?.give.items ?? []) {
    const c = giveChoices.find((x) => x.id === l.item_id);
    const q = l.quantity ?? 1;
    if (c) c.held = (c.held ?? 0) + q;
    else giveChoices.push({ id: l.item_id, name: l.name?.[lang] || l.name?.ru || `#${l.item_id}`, held: q });
  }
  // ?give=<item>: one unit of it on my side, once the inventory says I hold it.
  const giveParam = idParam('give');
  useEffect(() => {
    if (giveParam === null || editId !== null || !inventory) return;
    if (giveChoices.some((c) => c.id === giveParam)) {
      setForm((f) => (f.give.length ? f : { ...f, give: [{ item_id: giveParam, quantity: '1' }] }));
    }
  }, [inventory]);

  const { draft, errors: local } = toDraft(form, user.id, inventory ? giveChoices : []);
  const sig = JSON.stringify(draft);
  const valid = Object.keys(local).length === 0;

  // The server's values of the offer as it stands, a moment after the last change.
  useEffect(() => {
    const mine = ++previewSeq.current;
    if (!valid) {
      setPreview({ at: 'idle' });
      return;
    }
    setPreview((p) => ({ at: 'busy', last: p.at === 'ok' ? p.preview : p.at === 'busy' ? p.last : null }));
    const timer = setTimeout(() => {
      api.previewTrade(draft).then(
        (p) => {
          if (mine === previewSeq.current) setPreview({ at: 'ok', preview: p });
        },
        (e: unknown) => {
          if (mine !== previewSeq.current) return;
          const field = fieldOf(e);
          if (field && e instanceof ApiError) setServerErrors({ [field]: fieldText(field, e) });
          setPreview({ at: 'error', text: field && e instanceof ApiError ? fieldText(field, e) : tradeRefusal(e) });
        },
      );
    }, DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [sig, valid]);

  const change = (patch: Partial<Form>) => {
    setForm((f) => ({ ...f, ...patch }));
    setServerErrors({});
    setFailure(null);
    setAsked(null);
  };

  const shownPreview = preview.at === 'ok' ? preview.preview : null;
  const lopsidedMine = shownPreview ? shownPreview.lopsided && iGiveMore(shownPreview) : false;
  const mustConfirm = lopsidedMine || asked !== null;
  const warning = asked ?? (shownPreview && lopsidedMine ? { give: shownPreview.give_value, get: shownPreview.want_value } : null);
  useEffect(() => setUnderstood(false), [sig]);

  const submit = async () => {
    setTried(true);
    setFailure(null);
    if (!valid || (mustConfirm && !understood)) return;
    const body = { ...draft, confirm_low_value: mustConfirm && understood };
    // One key per attempt at this offer: a retry of the same offer sends it again.
    if (attempt.current?.sig !== sig) attempt.current = { sig, key: newKey() };
    setSending(true);
    try {
      const tr = editing ? await api.changeTrade(editing.id, body) : await api.offerTrade(body, attempt.current.key);
      attempt.current = null;
      setDone(tr);
    } catch (e) {
      const field = fieldOf(e);
      if (reasonOf(e) === 'confirm_low_value' && e instanceof ApiError) {
        setAsked({ give: coinsFromMinor(detailNumber(e, 'give_value')), get: coinsFromMinor(detailNumber(e, 'want_value')) });
        setUnderstood(false);
      } else if (field && e instanceof ApiError) {
        setServerErrors({ [field]: fieldText(field, e) });
      } else {
        setFailure(tradeRefusal(e));
      }
    } finally {
      setSending(false);
    }
  };

  const errors: Errors = { ...(tried ? local : {}), ...serverErrors };
  const back = (
    <a class="button secondary item-back" href="/trades" onClick={onLinkClick}>
      {t('trades_back')}
    </a>
  );
  if (done) {
    return (
      <section class="card" aria-labelledby="trade-new-title" data-testid="trade-new-page">
        {back}
        <h1 id="trade-new-title">{t(editing ? 'trade_edit_title' : 'trade_new_title', { id: done.id })}</h1>
        <p class="status" role="status" data-testid="trade-sent" data-trade-id={done.id}>
          {t(editing ? 'trade_saved' : 'trade_sent', { id: done.id, to: done.to })}
        </p>
        <div class="buy-actions">
          <a class="button" href="/trades" onClick={onLinkClick}>
            {t('trade_to_trades')}
          </a>
        </div>
      </section>
    );
  }
  const bytes = noteBytes(form.note);
  return (
    <section class="card" aria-labelledby="trade-new-title" data-testid="trade-new-page">
      {back}
      <h1 id="trade-new-title">{editId !== null ? t('trade_edit_title', { id: editId }) : t('trade_new_title')}</h1>
      <p class="muted hint">{t('trade_new_intro')}</p>
      {loadError && <ErrorRetry message={loadError} onRetry={load} />}
      <form
        class="trade-form"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <label class="trade-field">
          <span>{t('trade_to')}</span>
          <input
            name="to"
            inputMode="numeric"
            autoComplete="off"
            value={form.to}
            disabled={editId !== null}
            aria-invalid={errors.to ? true : undefined}
            aria-describedby={errors.to ? 'trade-to-error' : undefined}
            onInput={(e) => change({ to: (e.currentTarget as HTMLInputElement).value })}
          />
        </label>
        <FieldError field="to" errors={errors} />
        <fieldset class="trade-fieldset" data-side="give">
          <legend>{t('trade_you_give')}</legend>
          <label class="trade-field">
            <span>{t('trade_coins')}</span>
            <input
              name="give-coins"
              inputMode="decimal"
              placeholder="0.00"
              value={form.giveCoins}
              aria-invalid={errors['give.coins'] ? true : undefined}
              onInput={(e) => change({ giveCoins: (e.currentTarget as HTMLInputElement).value })}
            />
          </label>
          <FieldError field="give.coins" errors={errors} />
          <LinePicker
            side="give"
            lines={form.give}
            choices={inventory ? giveChoices : []}
            empty={inventory ? t('trade_no_items_to_give') : t('loading')}
            onChange={(give) => change({ give })}
          />
          <FieldError field="give.items" errors={errors} />
          <FieldError field="give" errors={errors} />
        </fieldset>
        <fieldset class="trade-fieldset" data-side="want">
          <legend>{t('trade_you_want')}</legend>
          <label class="trade-field">
            <span>{t('trade_coins')}</span>
            <input
              name="want-coins"
              inputMode="decimal"
              placeholder="0.00"
              value={form.wantCoins}
              aria-invalid={errors['want.coins'] ? true : undefined}
              onInput={(e) => change({ wantCoins: (e.currentTarget as HTMLInputElement).value })}
            />
          </label>
          <FieldError field="want.coins" errors={errors} />
          <LinePicker
            side="want"
            lines={form.want}
            choices={(shop ?? []).map((i) => ({ id: i.id, name: itemName(i, lang) }))}
            empty={shop ? t('trade_no_items_to_want') : t('loading')}
            onChange={(want) => change({ want })}
          />
          <FieldError field="want.items" errors={errors} />
        </fieldset>
        <label class="trade-field">
          <span>{t('trade_note_label')}</span>
          <textarea
            name="note"
            rows={2}
            value={form.note}
            aria-invalid={errors.note ? true : undefined}
            onInput={(e) => change({ note: (e.currentTarget as HTMLTextAreaElement).value })}
          />
          <span class={bytes > MAX_NOTE ? 'error hint' : 'muted hint'}>{t('trade_note_bytes', { n: bytes, max: MAX_NOTE })}</span>
        </label>
        <FieldError field="note" errors={errors} />
        <PreviewBox state={preview} lang={lang} />
        {warning && mustConfirm && (
          <div class="trade-confirm">
            <LowValueWarning give={warning.give} get={warning.get} lang={lang} />
            <Understand checked={understood} onChange={setUnderstood} />
          </div>
        )}
        {failure && (
          <p class="error" role="alert" data-testid="trade-form-error">
            {failure}
          </p>
        )}
        {tried && !valid && (
          <p class="error" role="alert">
            {t('trade_fix')}
          </p>
        )}
        <div class="buy-actions">
          <button type="submit" data-testid="trade-submit" disabled={sending || (mustConfirm && !understood)}>
            {sending ? t('trade_sending') : editId !== null ? t('trade_save') : t('trade_submit')}
          </button>
        </div>
      </form>
    </section>
  );
}
