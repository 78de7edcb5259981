// The item catalogue (/admin/catalogue, admins and the owner): every item of the shop, inactive
// ones too, and a form that creates an item or changes one. Prices are decimal strings as the API
// takes them; total supply and numbering are fixed at creation (disabled when editing); a change
// sends only the fields that changed (an emptied limit or sale window clears it). The form's
// hints are hints: the server decides, and its 400 is shown beside the field it names.
import { useEffect, useState } from 'preact/hooks';
import { ApiError, type Rarity, type Schemas, type ShopItem } from '../../api';
import { adminApi } from '../../api/admin';
import { t, useLanguage, type Key } from '../../i18n';
import { rarityKey } from '../shop-parts';
import { describe, ErrorNote, Facts, money } from './common';

type Draft = Schemas['ItemDraft'];
const RARITIES: Rarity[] = ['common', 'uncommon', 'rare', 'epic', 'legendary'];

// The form as typed: every field a string or a flag.
interface Form {
  slug: string;
  name_ru: string;
  name_en: string;
  description_ru: string;
  description_en: string;
  category: string;
  rarity: Rarity;
  base_price: string;
  min_price: string;
  max_price: string;
  total_supply: string;
  per_user_limit: string;
  seasonal_pct: string;
  available_from: string;
  available_until: string;
  serialized: boolean;
  tradeable: boolean;
  giftable: boolean;
  active: boolean;
}
type Field = keyof Form;
type TextField = { [K in Field]: Form[K] extends string ? K : never }[Field];
type FlagField = { [K in Field]: Form[K] extends boolean ? K : never }[Field];

const EMPTY: Form = {
  slug: '',
  name_ru: '',
  name_en: '',
  description_ru: '',
  description_en: '',
  category: '',
  rarity: 'common',
  base_price: '',
  min_price: '',
  max_price: '',
  total_supply: '',
  per_user_limit: '',
  seasonal_pct: '100',
  available_from: '',
  available_until: '',
  serialized: false,
  tradeable: true,
  giftable: true,
  active: true,
};

const fromItem = (i: ShopItem): Form => ({
  slug: i.slug,
  name_ru: i.name.ru,
  name_en: i.name.en,
  description_ru: i.description.ru,
  description_en: i.description.en,
  category: i.category,
  rarity: i.rarity,
  base_price: i.base_price.amount,
  min_price: i.min_price.amount,
  max_price: i.max_price.amount,
  total_supply: i.total_supply === null ? '' : String(i.total_supply),
  per_user_limit: i.per_user_limit === null ? '' : String(i.per_user_limit),
  seasonal_pct: String(i.seasonal_pct),
  available_from: i.available_from ?? '',
  available_until: i.available_until ?? '',
  serialized: i.serialized,
  tradeable: i.tradeable,
  giftable: i.giftable,
  active: i.active,
});

type Errors = Partial<Record<Field, string>>;
const whole = (s: string) => (/^\d{1,15}$/.test(s.trim()) ? Number(s.trim()) : null);
const decimal = (s: string) => /^\d{1,15}(\.\d{1,2})?$/.test(s.trim());

// The request body: on creation every field given; on a change only those that differ from
// `before` (an emptied limit or date: null). Numbers that are not whole numbers are caught here.
function toDraft(form: Form, before: Form | null): { draft: Draft; errors: Errors } {
  const errors: Errors = {};
  const draft: Record<string, unknown> = {};
  const changed = (f: Field) => before === null || form[f] !== before[f];
  for (const f of ['slug', 'name_ru', 'name_en', 'description_ru', 'description_en', 'category'] as const) {
    if (changed(f) && (before !== null || form[f].trim() !== '')) draft[f] = form[f].trim();
  }
  if (changed('rarity')) draft.rarity = form.rarity;
  for (const f of ['base_price', 'min_price', 'max_price'] as const) {
    if (!changed(f)) continue;
    if (!decimal(form[f])) errors[f] = t('admin_catalogue_hint_price');
    draft[f] = form[f].trim();
  }
  for (const f of ['total_supply', 'per_user_limit', 'seasonal_pct'] as const) {
    if (!changed(f) || (f === 'total_supply' && before !== null)) continue;
    const text = form[f].trim();
    if (text === '') {
      if (f === 'per_user_limit' && before !== null) draft[f] = null;
      else if (f === 'seasonal_pct') errors[f] = t('admin_catalogue_hint_whole');
      continue;
    }
    const n = whole(text);
    if (n === null) errors[f] = t('admin_catalogue_hint_whole');
    else draft[f] = n;
  }
  for (const f of ['available_from', 'available_until'] as const) {
    if (!changed(f)) continue;
    const text = form[f].trim();
    if (text !== '') draft[f] = text;
    else if (before !== null) draft[f] = null;
  }
  for (const f of ['tradeable', 'giftable', 'active'] as const) if (changed(f)) draft[f] = form[f];
  if (before === null && form.serialized) draft.serialized = true;
  return { draft: draft as Draft, errors };
}

// Every item, page by page (100 a page).
async function allItems(): Promise<ShopItem[]> {
  const items: ShopItem[] = [];
  let offset: number | null = 0;
  while (offset !== null && items.length < 10000) {
    const page = await adminApi.catalogue(offset);
    items.push(...page.items);
    offset = page.next_offset;
  }
  return items;
}

function TextInput({
  form,
  field,
  label,
  hint,
  errors,
  disabled = false,
  multiline = false,
  inputMode,
  onInput,
}: {
  form: Form;
  field: TextField;
  label: Key;
  hint?: Key;
  errors: Errors;
  disabled?: boolean;
  multiline?: boolean;
  inputMode?: 'decimal' | 'numeric';
  onInput: (f: TextField, v: string) => void;
}) {
  const id = `item-${field}`;
  const error = errors[field];
  const common = {
    id,
    name: field,
    value: form[field],
    disabled,
    'aria-invalid': error ? true : undefined,
    'aria-describedby': error ? `${id}-error` : hint ? `${id}-hint` : undefined,
  };
  return (
    <div class="catalogue-field" data-field={field}>
      <label for={id}>{t(label)}</label>
      {multiline ? (
        <textarea {...common} rows={2} onInput={(e) => onInput(field, (e.target as HTMLTextAreaElement).value)} />
      ) : (
        <input {...common} inputMode={inputMode} onInput={(e) => onInput(field, (e.target as HTMLInputElement).value)} />
      )}
      {hint && !error && (
        <p class="muted hint" id={`${id}-hint`}>
          {t(hint)}
        </p>
      )}
      {error && (
        <p class="error" role="alert" id={`${id}-error`} data-testid={`field-error-${field}`}>
          {error}
        </p>
      )}
    </div>
  );
}

function Flag({
  form,
  field,
  label,
  errors,
  disabled = false,
  onChange,
}: {
  form: Form;
  field: FlagField;
  label: Key;
  errors: Errors;
  disabled?: boolean;
  onChange: (f: FlagField, v: boolean) => void;
}) {
  const error = errors[field];
  return (
    <div class="catalogue-flag" data-field={field}>
      <label>
        <input
          type="checkbox"
          name={field}
          checked={form[field]}
          disabled={disabled}
          onChange={(e) => onChange(field, (e.target as HTMLInputElement).checked)}
        />
        <span>{t(label)}</span>
      </label>
      {error && (
        <p class="error" role="alert" data-testid={`field-error-${field}`}>
          {error}
        </p>
      )}
    </div>
  );
}

function ItemForm({ editing, onSaved, onCancel }: { editing: ShopItem | null; onSaved: (i: ShopItem, created: boolean) => void; onCancel: () => void }) {
  const before = editing ? fromItem(editing) : null;
  const [form, setForm] = useState<Form>(before ?? EMPTY);
  const [errors, setErrors] = useState<Errors>({});
  const [failure, setFailure] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const setText = (f: TextField, v: string) => setForm((old) => ({ ...old, [f]: v }));
  const setFlag = (f: FlagField, v: boolean) => setForm((old) => ({ ...old, [f]: v }));
  const submit = async () => {
    setFailure(null);
    const { draft, errors: local } = toDraft(form, before);
    setErrors(local);
    if (Object.keys(local).length > 0) return;
    if (editing && Object.keys(draft).length === 0) {
      setFailure(new Error(t('admin_catalogue_nothing_changed')));
      return;
    }
    setBusy(true);
    try {
      const item = editing ? await adminApi.updateItem(editing.id, draft) : await adminApi.createItem(draft);
      onSaved(item, !editing);
    } catch (e) {
      // The server names the field it refuses: its words go beside that field.
      const field = e instanceof ApiError ? e.details.field : undefined;
      if (typeof field === 'string' && field in EMPTY) setErrors({ [field]: describe(e).text });
      else setFailure(e);
    } finally {
      setBusy(false);
    }
  };
  const input = { form, errors, onInput: setText };
  return (
    <form
      class="card admin-form catalogue-form"
      data-testid="catalogue-form"
      data-mode={editing ? 'edit' : 'create'}
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
    >
      <h2>{editing ? t('admin_catalogue_edit_title', { slug: editing.slug }) : t('admin_catalogue_new_title')}</h2>
      <div class="catalogue-grid">
        <TextInput {...input} field="slug" label="admin_catalogue_slug" hint="admin_catalogue_hint_slug" />
        <TextInput {...input} field="category" label="admin_catalogue_category" hint="admin_catalogue_hint_category" />
        <TextInput {...input} field="name_ru" label="admin_catalogue_name_ru" />
        <TextInput {...input} field="name_en" label="admin_catalogue_name_en" />
        <TextInput {...input} field="description_ru" label="admin_catalogue_description_ru" multiline />
        <TextInput {...input} field="description_en" label="admin_catalogue_description_en" multiline />
        <div class="catalogue-field" data-field="rarity">
          <label for="item-rarity">{t('admin_catalogue_rarity')}</label>
          <select id="item-rarity" name="rarity" value={form.rarity} onChange={(e) => setForm((old) => ({ ...old, rarity: (e.target as HTMLSelectElement).value as Rarity }))}>
            {RARITIES.map((r) => (
              <option key={r} value={r}>
                {t(rarityKey[r])}
              </option>
            ))}
          </select>
          {errors.rarity && (
            <p class="error" role="alert" data-testid="field-error-rarity">
              {errors.rarity}
            </p>
          )}
        </div>
        <TextInput {...input} field="seasonal_pct" label="admin_catalogue_seasonal" hint="admin_catalogue_hint_seasonal" inputMode="numeric" />
        <TextInput {...input} field="base_price" label="admin_catalogue_base_price" hint="admin_catalogue_hint_price" inputMode="decimal" />
        <TextInput {...input} field="min_price" label="admin_catalogue_min_price" inputMode="decimal" />
        <TextInput {...input} field="max_price" label="admin_catalogue_max_price" inputMode="decimal" />
        <TextInput
          {...input}
          field="total_supply"
          label="admin_catalogue_total_supply"
          hint={editing ? 'admin_catalogue_hint_fixed' : 'admin_catalogue_hint_supply'}
          disabled={editing !== null}
          inputMode="numeric"
        />
        <TextInput {...input} field="per_user_limit" label="admin_catalogue_per_user_limit" hint="admin_catalogue_hint_optional" inputMode="numeric" />
        <TextInput {...input} field="available_from" label="admin_catalogue_available_from" hint="admin_catalogue_hint_time" />
        <TextInput {...input} field="available_until" label="admin_catalogue_available_until" hint="admin_catalogue_hint_time" />
      </div>
      <div class="catalogue-flags">
        <Flag form={form} errors={errors} onChange={setFlag} field="active" label="admin_catalogue_active" />
        <Flag form={form} errors={errors} onChange={setFlag} field="tradeable" label="admin_catalogue_tradeable" />
        <Flag form={form} errors={errors} onChange={setFlag} field="giftable" label="admin_catalogue_giftable" />
        <Flag form={form} errors={errors} onChange={setFlag} field="serialized" label="admin_catalogue_serialized" disabled={editing !== null} />
      </div>
      {failure !== null &&
        (failure instanceof ApiError ? (
          <ErrorNote error={failure} testid="catalogue-error" />
        ) : (
          <p class="error" role="alert" data-testid="catalogue-error">
            {String((failure as Error).message ?? failure)}
          </p>
        ))}
      <div class="actions">
        <button type="submit" disabled={busy} data-testid="catalogue-save">
          {editing ? t('admin_catalogue_save') : t('admin_catalogue_create')}
        </button>
        {editing && (
          <button type="button" class="secondary" disabled={busy} onClick={onCancel} data-testid="catalogue-cancel">
            {t('admin_catalogue_cancel')}
          </button>
        )}
      </div>
    </form>
  );
}

function ItemRow({ item, onEdit }: { item: ShopItem; onEdit: (i: ShopItem) => void }) {
  const supply =
    item.total_supply === null
      ? t('shop_unlimited')
      : t('admin_catalogue_supply', { left: item.left ?? 0, total: item.total_supply });
  return (
    <li data-slug={item.slug} data-active={item.active ? 'true' : 'false'} class={item.active ? undefined : 'inactive'}>
      <div class="admin-item-head">
        <strong>
          {item.name.ru} / {item.name.en}
        </strong>
        <span class={item.active ? 'badge ok' : 'badge warn'} data-testid="catalogue-active">
          {item.active ? t('admin_catalogue_on') : t('admin_catalogue_off')}
        </span>
      </div>
      <Facts
        rows={[
          [t('admin_catalogue_slug'), <code>{item.slug}</code>],
          [t('admin_catalogue_category'), item.category],
          [t('admin_catalogue_rarity'), t(rarityKey[item.rarity])],
          [t('admin_catalogue_price'), money(item.price)],
          [t('admin_catalogue_range'), `${item.min_price.amount} – ${item.max_price.amount}`],
          [t('admin_catalogue_stock'), supply],
          [t('admin_catalogue_seasonal'), <span data-testid="catalogue-seasonal">{item.seasonal_pct}%</span>],
        ]}
      />
      <div class="actions">
        <button type="button" class="secondary" onClick={() => onEdit(item)} data-testid="catalogue-edit">
          {t('admin_catalogue_edit')}
        </button>
      </div>
    </li>
  );
}

export function CataloguePage() {
  useLanguage();
  const [items, setItems] = useState<ShopItem[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [editing, setEditing] = useState<ShopItem | null>(null);
  const [formKey, setFormKey] = useState(0);
  const [saved, setSaved] = useState<string | null>(null);
  const load = () => {
    setError(null);
    allItems().then(setItems, (e) => setError(e));
  };
  useEffect(load, []);
  const edit = (item: ShopItem | null) => {
    setEditing(item);
    setSaved(null);
    setFormKey((k) => k + 1);
    if (item) document.querySelector('[data-testid=catalogue-form]')?.scrollIntoView({ block: 'start' });
  };
  return (
    <>
      <h1>{t('admin_catalogue_title')}</h1>
      <ItemForm
        key={formKey}
        editing={editing}
        onCancel={() => edit(null)}
        onSaved={(item, created) => {
          edit(null);
          setSaved(t(created ? 'admin_catalogue_created' : 'admin_catalogue_saved', { slug: item.slug }));
          load();
        }}
      />
      {saved && (
        <p role="status" data-testid="catalogue-saved">
          {saved}
        </p>
      )}
      <section class="card admin-section" aria-labelledby="catalogue-list-title">
        <h2 id="catalogue-list-title">{t('admin_catalogue_list_title', { n: items?.length ?? 0 })}</h2>
        {error !== null && <ErrorNote error={error} />}
        {items === null && error === null && <p class="muted">{t('loading')}</p>}
        {items?.length === 0 && (
          <p class="muted" data-testid="catalogue-empty">
            {t('admin_catalogue_empty')}
          </p>
        )}
        {items && items.length > 0 && (
          <ul class="admin-list catalogue-list" data-testid="catalogue">
            {items.map((item) => (
              <ItemRow key={item.id} item={item} onEdit={edit} />
            ))}
          </ul>
        )}
      </section>
    </>
  );
}
