// Queues: parser reviews (accept / correct), nickname-link claims (approve / reject), given-up
// outbox events (retry one / all) and credits waiting for an unclaimed nickname.
import { useState } from 'preact/hooks';
import {
  adminApi,
  type Correction,
  type CorrectionEvent,
  type Decision,
  type GivenUpEvent,
  type LinkClaim,
  type ReviewEvent,
  type ReviewItem,
  type UnclaimedCredit,
} from '../../api/admin';
import type { Schemas } from '../../api';
import { t } from '../../i18n';
import { describe, Facts, money, PagedList, pct, usePaged, when } from './common';

// The games a correction may name (ReviewCorrection.game; `other`: not a game message).
const GAMES: readonly Correction['game'][] = ['gd_cards', 'shmalala', 'true_mafia', 'bunker_rp', 'gusya_cards', 'other'];
const asGame = (g: string | undefined): Correction['game'] | undefined => GAMES.find((x) => x === g);

// The outcome of the last action in a section, announced politely.
function useOutcome() {
  const [outcome, setOutcome] = useState<{ ok: boolean; text: string } | null>(null);
  const run = async <T,>(action: () => Promise<T>, ok: (r: T) => string, after: () => void) => {
    setOutcome(null);
    try {
      const r = await action();
      setOutcome({ ok: true, text: ok(r) });
      after();
    } catch (e) {
      setOutcome({ ok: false, text: describe(e).text });
    }
  };
  const view = outcome && (
    <p class={outcome.ok ? 'status' : 'error'} role={outcome.ok ? 'status' : 'alert'} data-testid="admin-outcome">
      {outcome.text}
    </p>
  );
  return { run, view };
}

function events(list: ReviewEvent[] | undefined) {
  if (!list || list.length === 0) return t('admin_review_no_events');
  return list
    .map((e) => `${e.player ?? '—'}: ${e.amount ?? ''} ${e.currency} (${e.type})`.replace(/\s+/g, ' '))
    .join('; ');
}

function CorrectForm({ item, onDone }: { item: ReviewItem; onDone: (c: Correction) => void }) {
  const model = item.result; // null when the model gave no reading
  const [game, setGame] = useState<Correction['game']>(asGame(model?.game_type) ?? asGame(item.sender_game) ?? 'other');
  const [kind, setKind] = useState(model?.kind ?? '');
  const [eventsText, setEventsText] = useState(JSON.stringify(model?.events ?? [], null, 1));
  const [error, setError] = useState<string | null>(null);
  const prefix = `correct-${item.id}`;
  const submit = (e: Event) => {
    e.preventDefault();
    let parsed: CorrectionEvent[] | undefined;
    if (eventsText.trim()) {
      try {
        const v: unknown = JSON.parse(eventsText);
        if (!Array.isArray(v)) throw new Error('not a list');
        parsed = v as CorrectionEvent[]; // the server checks each event
      } catch {
        setError(t('admin_review_events_invalid'));
        return;
      }
    }
    setError(null);
    onDone(parsed ? { game, kind, events: parsed } : { game, kind });
  };
  return (
    <form class="admin-form" onSubmit={submit} data-testid="correct-form">
      <label for={`${prefix}-game`}>{t('admin_review_game')}</label>
      <select id={`${prefix}-game`} value={game} onChange={(e) => setGame(asGame((e.target as HTMLSelectElement).value) ?? 'other')}>
        {GAMES.map((g) => (
          <option key={g} value={g}>
            {g}
          </option>
        ))}
      </select>
      <label for={`${prefix}-kind`}>{t('admin_review_kind')}</label>
      <input id={`${prefix}-kind`} required value={kind} onInput={(e) => setKind((e.target as HTMLInputElement).value)} />
      <label for={`${prefix}-events`}>{t('admin_review_events')}</label>
      <textarea id={`${prefix}-events`} rows={5} value={eventsText} onInput={(e) => setEventsText((e.target as HTMLTextAreaElement).value)} />
      <p class="muted hint">{t('admin_review_events_hint')}</p>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <button type="submit">{t('admin_review_correct_send')}</button>
    </form>
  );
}

function Reviews() {
  const list = usePaged((c) => adminApi.reviews(c));
  const { run, view } = useOutcome();
  const [correcting, setCorrecting] = useState<number | null>(null);
  const decided = (r: Decision) =>
    r.already_processed ? t('admin_review_done_already') : t('admin_review_done', { n: r.credits.length });
  return (
    <section class="card admin-section" aria-labelledby="reviews-title">
      <h2 id="reviews-title">{t('admin_reviews_title')}</h2>
      {view}
      <PagedList list={list} empty={t('admin_reviews_empty')} testid="reviews">
        {(it: ReviewItem) => (
          <li key={it.id} data-review={it.id}>
            <div class="admin-item-head">
              <strong>{t('admin_review_number', { id: it.id })}</strong>
              <span class="badge">{t('admin_review_confidence', { pct: pct(it.confidence) })}</span>
            </div>
            <pre class="message" aria-label={t('admin_review_message')}>{it.text}</pre>
            <Facts
              rows={[
                [t('admin_review_reading'), `${it.result?.game_type ?? '?'} / ${it.result?.kind ?? '?'}`],
                [t('admin_review_events'), events(it.result?.events)],
                [t('admin_review_reason'), it.reason],
                [t('admin_review_sender'), it.sender_game],
                [t('admin_review_model'), it.model_version || '—'],
                [t('admin_when'), when(it.created_at)],
              ]}
            />
            <div class="actions">
              <button type="button" onClick={() => run(() => adminApi.acceptReview(it.id), decided, list.reload)}>
                {t('admin_review_accept')}
              </button>
              <button
                type="button"
                class="secondary"
                aria-expanded={correcting === it.id}
                onClick={() => setCorrecting(correcting === it.id ? null : it.id)}
              >
                {t('admin_review_correct')}
              </button>
            </div>
            {correcting === it.id && (
              <CorrectForm
                item={it}
                onDone={(c) =>
                  run(() => adminApi.correctReview(it.id, c), decided, () => {
                    setCorrecting(null);
                    list.reload();
                  })
                }
              />
            )}
          </li>
        )}
      </PagedList>
    </section>
  );
}

function Claims() {
  const list = usePaged((c) => adminApi.claims(c));
  const { run, view } = useOutcome();
  const [reasons, setReasons] = useState<Record<number, string>>({});
  return (
    <section class="card admin-section" aria-labelledby="claims-title">
      <h2 id="claims-title">{t('admin_claims_title')}</h2>
      {view}
      <PagedList list={list} empty={t('admin_claims_empty')} testid="claims">
        {(c: LinkClaim) => (
          <li key={c.id} data-claim={c.id}>
            <div class="admin-item-head">
              <strong>
                {c.game}: {c.nickname}
              </strong>
              {c.competing_claims > 0 && <span class="badge warn">{t('admin_claim_competing', { n: c.competing_claims })}</span>}
            </div>
            <Facts
              rows={[
                [t('admin_claim_user'), String(c.user_id)],
                [t('admin_claim_waiting'), money(c.waiting)],
                [t('admin_when'), when(c.created_at)],
              ]}
            />
            <div class="actions">
              <button
                type="button"
                onClick={() =>
                  run(() => adminApi.approveClaim(c.id), (r) => t('admin_claim_approved', { nickname: c.nickname, n: r.paid.length }), list.reload)
                }
              >
                {t('admin_claim_approve')}
              </button>
            </div>
            <form
              class="inline-form"
              onSubmit={(e) => {
                e.preventDefault();
                run(() => adminApi.rejectClaim(c.id, reasons[c.id] ?? ''), () => t('admin_claim_rejected', { nickname: c.nickname }), list.reload);
              }}
            >
              <label for={`reject-${c.id}`}>{t('admin_claim_reject_reason')}</label>
              <input
                id={`reject-${c.id}`}
                required
                value={reasons[c.id] ?? ''}
                onInput={(e) => setReasons({ ...reasons, [c.id]: (e.target as HTMLInputElement).value })}
              />
              <button type="submit" class="danger">
                {t('admin_claim_reject')}
              </button>
            </form>
          </li>
        )}
      </PagedList>
    </section>
  );
}

function GivenUp() {
  const list = usePaged((c) => adminApi.givenUp(c));
  const { run, view } = useOutcome();
  const retried = (r: Schemas['AdminRetryResult']) => t('admin_outbox_retried', { n: r.retried });
  return (
    <section class="card admin-section" aria-labelledby="outbox-title">
      <h2 id="outbox-title">{t('admin_outbox_title')}</h2>
      {view}
      {list.items && list.items.length > 0 && (
        <button type="button" onClick={() => run(() => adminApi.retryAll(), retried, list.reload)}>
          {t('admin_outbox_retry_all')}
        </button>
      )}
      <PagedList list={list} empty={t('admin_outbox_empty')} testid="outbox">
        {(g: GivenUpEvent) => (
          <li key={g.id}>
            <div class="admin-item-head">
              <strong>
                #{g.id} {g.topic}
              </strong>
            </div>
            <Facts
              rows={[
                [t('admin_outbox_attempts'), String(g.attempts)],
                [t('admin_outbox_error'), g.last_error],
                [t('admin_outbox_given_up'), when(g.given_up_at)],
              ]}
            />
            <button type="button" class="secondary" onClick={() => run(() => adminApi.retryEvent(g.id), retried, list.reload)}>
              {t('admin_outbox_retry')}
            </button>
          </li>
        )}
      </PagedList>
    </section>
  );
}

function Unclaimed() {
  const list = usePaged((c) => adminApi.unclaimed(c));
  return (
    <section class="card admin-section" aria-labelledby="unclaimed-title">
      <h2 id="unclaimed-title">{t('admin_unclaimed_title')}</h2>
      <PagedList list={list} empty={t('admin_unclaimed_empty')} testid="unclaimed">
        {(u: UnclaimedCredit) => (
          <li key={u.id}>
            <div class="admin-item-head">
              <strong>
                {u.game}: {u.nickname}
              </strong>
              <span class="badge">
                {money(u.amount)}
              </span>
            </div>
            <Facts
              rows={[
                [t('admin_unclaimed_status'), u.status],
                [t('admin_when'), when(u.created_at)],
                [t('admin_unclaimed_expires'), when(u.expires_at)],
              ]}
            />
          </li>
        )}
      </PagedList>
    </section>
  );
}

export function QueuesPage() {
  return (
    <>
      <h1>{t('admin_queues_title')}</h1>
      <Reviews />
      <Claims />
      <GivenUp />
      <Unclaimed />
    </>
  );
}

