// The trades' scam flags (/admin/trades, staff): every flag raised, newest first, 50 a page (paged
// by id: next_before) — its kind in words, the trade, the two players, the evidence (values are
// minor units in the API: shown as money) and when.
import { adminApi, type TradeFlag } from '../../api/admin';
import { language, t, useLanguage } from '../../i18n';
import { formatMoney } from '../../money';
import { coinsFromMinor, flagText } from '../trade-parts';
import { Facts, PagedList, usePaged, when } from './common';

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const who = (v: unknown): string => (num(v) === null ? '—' : `#${String(v)}`);

// What raised the flag, in words.
function evidence(flag: TradeFlag): string[] {
  const e = (flag.evidence ?? {}) as Record<string, unknown>;
  const money = (v: unknown) => formatMoney(coinsFromMinor(num(v) ?? 0), language.get());
  const out: string[] = [];
  switch (flag.kind) {
    case 'low_value':
      out.push(t('admin_trades_ev_values', { give: money(e['give_value']), want: money(e['want_value']), from: who(e['from']), to: who(e['to']) }));
      if (num(e['beneficiary']) !== null) out.push(t('admin_trades_ev_beneficiary', { user: who(e['beneficiary']) }));
      break;
    case 'new_account':
      out.push(t('admin_trades_ev_joined', { user: who(e['user']), time: when(typeof e['joined'] === 'string' ? e['joined'] : null) }));
      break;
    case 'one_sided_repeat': {
      const earlier = Array.isArray(e['earlier_trades']) ? e['earlier_trades'].map((x) => `#${String(x)}`).join(', ') : '—';
      out.push(t('admin_trades_ev_earlier', { trades: earlier }));
      if (num(e['beneficiary']) !== null) out.push(t('admin_trades_ev_beneficiary', { user: who(e['beneficiary']) }));
      break;
    }
    case 'changed_after_seen':
      out.push(t('admin_trades_ev_versions', { seen: String(e['seen_version'] ?? '?'), next: String(e['new_version'] ?? '?') }));
      break;
    default:
      out.push(JSON.stringify(e));
  }
  return out;
}

function FlagRow({ flag }: { flag: TradeFlag }) {
  const e = (flag.evidence ?? {}) as Record<string, unknown>;
  return (
    <li data-flag-id={flag.id} data-kind={flag.kind} data-trade-id={flag.trade_id}>
      <div class="admin-item-head">
        <strong data-testid="flag-kind">{flagText(flag.kind)}</strong>
        <span class="badge warn">{t('admin_trades_trade', { id: flag.trade_id })}</span>
      </div>
      <Facts
        rows={[
          [t('admin_trades_players'), <span data-testid="flag-players">{t('admin_trades_pair', { from: who(e['from']), to: who(e['to']) })}</span>],
          [t('admin_trades_evidence'), <span data-testid="flag-evidence">{evidence(flag).join(' · ')}</span>],
          [t('admin_trades_time'), when(flag.created_at)],
        ]}
      />
    </li>
  );
}

export function TradeFlagsPage() {
  useLanguage();
  const list = usePaged(async (cursor) => {
    const p = await adminApi.tradeFlags(cursor === null ? null : Number(cursor));
    return { items: p.items, next_cursor: p.next_before === null ? null : String(p.next_before) };
  });
  return (
    <>
      <h1>{t('admin_trades_title')}</h1>
      <section class="card admin-section" aria-labelledby="trade-flags-title">
        <h2 id="trade-flags-title">{t('admin_trades_list_title')}</h2>
        <p class="muted">{t('admin_trades_intro')}</p>
        <PagedList list={list} empty={t('admin_trades_empty')} testid="trade-flags">
          {(f: TradeFlag) => <FlagRow key={f.id} flag={f} />}
        </PagedList>
      </section>
    </>
  );
}
