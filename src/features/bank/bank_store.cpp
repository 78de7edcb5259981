#include "features/bank/bank_store.h"

namespace lucas::bank {

// Default coefficients are the legacy production file config/coefficients.json (multipliers,
// LEGACY.md section 4). Decisions where the legacy had gaps: GD orbs 1 (the rate production
// used, "по курсу 1.0 за орб"), Гуся coins 1 (the last production database); premium currencies
// (gems, crystals) and Гуся points are not converted (k 0) until an admin sets a rate.
store::MigrationSet migrations() {
  return {
      "bank",
      {{1, "rates, win rewards, processed messages, player state, nickname links",
        R"(
CREATE TABLE bank_rates (
  game TEXT NOT NULL,
  currency TEXT NOT NULL,
  k TEXT NOT NULL,
  updated_by BIGINT NOT NULL DEFAULT 0,
  updated_at BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (game, currency)
);
INSERT INTO bank_rates (game, currency, k) VALUES
  ('gd_cards', 'points', '2'), ('gd_cards', 'orbs', '1'),
  ('shmalala', 'coins', '1'), ('shmalala', 'karma', '10'),
  ('true_mafia', 'money', '15'), ('true_mafia', 'gems', '0'),
  ('bunker_rp', 'money', '20'), ('bunker_rp', 'crystals', '0'),
  ('gusya_cards', 'goose_coins', '1'), ('gusya_cards', 'goose_points', '0');
CREATE TABLE bank_win_rewards (
  game TEXT PRIMARY KEY,
  amount TEXT NOT NULL
);
INSERT INTO bank_win_rewards (game, amount) VALUES ('true_mafia', '10'), ('bunker_rp', '30');
CREATE TABLE bank_processed (
  chat_id BIGINT NOT NULL,
  message_id BIGINT NOT NULL,
  bot_id BIGINT NOT NULL,
  game TEXT NOT NULL,
  kind TEXT NOT NULL,
  replier_id BIGINT NOT NULL,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (chat_id, message_id)
);
CREATE TABLE bank_player_state (
  user_id BIGINT NOT NULL,
  game TEXT NOT NULL,
  currency TEXT NOT NULL,
  last_balance TEXT,
  carry BIGINT NOT NULL DEFAULT 0,
  updated_at BIGINT NOT NULL,
  PRIMARY KEY (user_id, game, currency)
);
CREATE TABLE bank_links (
  game TEXT NOT NULL,
  nickname_key TEXT NOT NULL,
  nickname TEXT NOT NULL,
  user_id BIGINT NOT NULL,
  confirmed INTEGER NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (game, nickname_key)
);
CREATE INDEX bank_links_by_user ON bank_links (user_id);
CREATE TABLE bank_game_bots (
  username TEXT PRIMARY KEY,
  bot_id BIGINT NOT NULL,
  game TEXT NOT NULL,
  first_seen_at BIGINT NOT NULL
);
)"},
       {2, "processed-message keys of the legacy bot",
        R"(
CREATE TABLE bank_legacy_processed (
  message_key TEXT PRIMARY KEY,
  processed_at TEXT NOT NULL
);
)"},
       {3, "trust: results keyed by origin, nickname claims, unclaimed credits, state per nickname",
        R"(
ALTER TABLE bank_processed ADD COLUMN content_key TEXT;
ALTER TABLE bank_processed ADD COLUMN origin_date BIGINT;
CREATE UNIQUE INDEX bank_processed_by_content ON bank_processed (content_key);
CREATE TABLE bank_player_states (
  game TEXT NOT NULL,
  currency TEXT NOT NULL,
  subject TEXT NOT NULL,
  last_balance TEXT,
  carry BIGINT NOT NULL DEFAULT 0,
  updated_at BIGINT NOT NULL,
  adopted_by TEXT,
  PRIMARY KEY (game, currency, subject)
);
INSERT INTO bank_player_states (game, currency, subject, last_balance, carry, updated_at)
  SELECT game, currency, 'user:' || CAST(user_id AS TEXT), last_balance, carry, updated_at
  FROM bank_player_state;
DROP TABLE bank_player_state;
CREATE TABLE bank_link_claims (
  id {{id}},
  game TEXT NOT NULL,
  nickname_key TEXT NOT NULL,
  nickname TEXT NOT NULL,
  user_id BIGINT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'rejected')),
  note TEXT NOT NULL DEFAULT '',
  created_at BIGINT NOT NULL,
  decided_by BIGINT,
  decided_at BIGINT
);
CREATE UNIQUE INDEX bank_link_claims_one_pending ON bank_link_claims (game, nickname_key, user_id)
  WHERE status = 'pending';
CREATE INDEX bank_link_claims_by_status ON bank_link_claims (status, id);
CREATE INDEX bank_link_claims_by_user ON bank_link_claims (user_id, id);
INSERT INTO bank_link_claims (game, nickname_key, nickname, user_id, status, created_at)
  SELECT game, nickname_key, nickname, user_id, 'pending', created_at FROM bank_links
  WHERE confirmed = 0;
DELETE FROM bank_links WHERE confirmed = 0;
ALTER TABLE bank_links ADD COLUMN evidence TEXT NOT NULL DEFAULT 'before-2026-12';
CREATE TABLE bank_unclaimed (
  id {{id}},
  game TEXT NOT NULL,
  nickname_key TEXT NOT NULL,
  nickname TEXT NOT NULL,
  minor BIGINT NOT NULL CHECK (minor > 0),
  status TEXT NOT NULL CHECK (status IN ('pending', 'paid', 'expired', 'spent')),
  hold_id BIGINT NOT NULL UNIQUE,
  result TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  paid_to BIGINT,
  settled_at BIGINT
);
CREATE INDEX bank_unclaimed_by_nickname ON bank_unclaimed (game, nickname_key, status);
CREATE INDEX bank_unclaimed_by_status ON bank_unclaimed (status, expires_at);
)"}}};
}

namespace sql {
using store::Value;

namespace {

Value opt(const std::optional<int64_t>& v) {
  return v ? Value{*v} : Value{};
}

constexpr const char* kClaimColumns =
    "id, game, nickname, user_id, status, note, created_at, decided_by, decided_at";

LinkClaim claim_of(const store::Row& r) {
  LinkClaim c;
  c.id = r.i64(0);
  c.game = r.str(1);
  c.nickname = r.str(2);
  c.user_id = r.i64(3);
  c.status = r.str(4);
  c.note = r.str(5);
  c.created_at = r.i64(6);
  c.decided_by = r.opt_i64(7);
  c.decided_at = r.opt_i64(8);
  return c;
}

std::vector<LinkClaim> claims(const store::Result& r) {
  std::vector<LinkClaim> out;
  for (const auto& row : r.rows) out.push_back(claim_of(row));
  return out;
}

constexpr const char* kUnclaimedColumns =
    "id, game, nickname, minor, status, hold_id, result, created_at, expires_at, paid_to,"
    " settled_at";

std::vector<UnclaimedCredit> unclaimed_rows(const store::Result& r) {
  std::vector<UnclaimedCredit> out;
  for (const auto& row : r.rows) {
    UnclaimedCredit u;
    u.id = row.i64(0);
    u.game = row.str(1);
    u.nickname = row.str(2);
    u.minor = row.i64(3);
    u.status = row.str(4);
    u.hold_id = row.i64(5);
    u.result = row.str(6);
    u.created_at = row.i64(7);
    u.expires_at = row.i64(8);
    u.paid_to = row.opt_i64(9);
    u.settled_at = row.opt_i64(10);
    out.push_back(std::move(u));
  }
  return out;
}

}  // namespace

bool mark_processed(store::Tx& tx, const GameMessage& m, const std::string& key, Micros now) {
  // Either constraint refuses a repeat: the copy (chat, message) or the result's content key.
  return !tx.exec(
                "INSERT INTO bank_processed (chat_id, message_id, bot_id, game, kind, replier_id,"
                " created_at, content_key, origin_date) VALUES ($1, $2, $3, $4, $5, $6, $7, $8,"
                " $9) ON CONFLICT DO NOTHING RETURNING chat_id",
                {Value{m.chat_id}, Value{m.message_id}, Value{m.bot_id}, Value{m.parsed.game},
                 Value{m.parsed.kind}, Value{m.replier_id}, Value{now}, Value{key},
                 Value{m.origin_date}})
              .empty();
}

bool legacy_processed(store::Tx& tx, const std::string& key) {
  return !tx.exec("SELECT 1 FROM bank_legacy_processed WHERE message_key = $1", {Value{key}})
              .empty();
}

bool put_legacy_processed(store::Tx& tx, const std::string& key, const std::string& at) {
  return tx.exec(
               "INSERT INTO bank_legacy_processed (message_key, processed_at) VALUES ($1, $2)"
               " ON CONFLICT (message_key) DO NOTHING",
               {Value{key}, Value{at}})
             .affected == 1;
}

std::optional<Decimal> rate(store::Tx& tx, const std::string& game, const std::string& currency) {
  auto r = tx.exec("SELECT k FROM bank_rates WHERE game = $1 AND currency = $2",
                   {Value{game}, Value{currency}});
  if (r.empty()) return std::nullopt;
  return Decimal::parse(r.one().str(0));
}

std::vector<Rate> rates(store::Tx& tx) {
  std::vector<Rate> out;
  for (const auto& row :
       tx.exec("SELECT game, currency, k FROM bank_rates ORDER BY game, currency").rows) {
    out.push_back(Rate{row.str(0), row.str(1), Decimal::parse(row.str(2))});
  }
  return out;
}

void upsert_rate(store::Tx& tx, const Rate& r, int64_t actor, Micros now) {
  tx.exec(
      "INSERT INTO bank_rates (game, currency, k, updated_by, updated_at)"
      " VALUES ($1, $2, $3, $4, $5) ON CONFLICT (game, currency) DO UPDATE SET k = excluded.k,"
      " updated_by = excluded.updated_by, updated_at = excluded.updated_at",
      {Value{r.game}, Value{r.currency}, Value{r.k.to_string()}, Value{actor}, Value{now}});
}

std::optional<Decimal> win_reward(store::Tx& tx, const std::string& game) {
  auto r = tx.exec("SELECT amount FROM bank_win_rewards WHERE game = $1", {Value{game}});
  if (r.empty()) return std::nullopt;
  return Decimal::parse(r.one().str(0));
}

std::optional<PlayerState> player_state(store::Tx& tx, const std::string& game,
                                        const std::string& currency, const std::string& subject) {
  auto r = tx.exec(std::string("SELECT last_balance, carry FROM bank_player_states WHERE game = $1"
                               " AND currency = $2 AND subject = $3 AND adopted_by IS NULL") +
                       std::string(tx.for_update()),
                   {Value{game}, Value{currency}, Value{subject}});
  if (r.empty()) return std::nullopt;
  const auto& row = r.one();
  PlayerState s;
  if (auto v = row.opt_str(0)) s.last_balance = Decimal::parse(*v);
  s.carry = row.i64(1);
  return s;
}

void save_player_state(store::Tx& tx, const std::string& game, const std::string& currency,
                       const std::string& subject, const PlayerState& s, Micros now) {
  tx.exec(
      "INSERT INTO bank_player_states (game, currency, subject, last_balance, carry, updated_at)"
      " VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (game, currency, subject) DO UPDATE SET"
      " last_balance = excluded.last_balance, carry = excluded.carry,"
      " updated_at = excluded.updated_at",
      {Value{game}, Value{currency}, Value{subject},
       s.last_balance ? Value{s.last_balance->to_string()} : Value{}, Value{s.carry}, Value{now}});
}

bool has_player_state(store::Tx& tx, const std::string& game, const std::string& currency,
                      const std::string& subject) {
  return !tx.exec(
                "SELECT 1 FROM bank_player_states WHERE game = $1 AND currency = $2 AND"
                " subject = $3",
                {Value{game}, Value{currency}, Value{subject}})
              .empty();
}

void adopt_player_state(store::Tx& tx, const std::string& game, const std::string& currency,
                        const std::string& subject, const std::string& by) {
  tx.exec(
      "UPDATE bank_player_states SET adopted_by = $4 WHERE game = $1 AND currency = $2 AND"
      " subject = $3",
      {Value{game}, Value{currency}, Value{subject}, Value{by}});
}

int64_t record_game_bot(store::Tx& tx, const std::string& username, int64_t bot_id,
                        const std::string& game, Micros now) {
  tx.exec(
      "INSERT INTO bank_game_bots (username, bot_id, game, first_seen_at) VALUES ($1, $2, $3, $4)"
      " ON CONFLICT (username) DO NOTHING",
      {Value{username}, Value{bot_id}, Value{game}, Value{now}});
  return tx.exec("SELECT bot_id FROM bank_game_bots WHERE username = $1", {Value{username}})
      .one()
      .i64(0);
}

int64_t count_processed(store::Tx& tx) {
  return tx.exec("SELECT COUNT(*) FROM bank_processed").one().i64(0);
}

void set_win_reward(store::Tx& tx, const std::string& game, const std::string& amount) {
  tx.exec(
      "INSERT INTO bank_win_rewards (game, amount) VALUES ($1, $2)"
      " ON CONFLICT (game) DO UPDATE SET amount = excluded.amount",
      {Value{game}, Value{amount}});
}

std::optional<Link> find_link(store::Tx& tx, const std::string& game, const std::string& key) {
  auto r = tx.exec(
      "SELECT game, nickname, user_id, evidence, created_at FROM bank_links"
      " WHERE game = $1 AND nickname_key = $2",
      {Value{game}, Value{key}});
  if (r.empty()) return std::nullopt;
  const auto& row = r.one();
  return Link{row.str(0), row.str(1), row.i64(2), row.str(3), row.i64(4)};
}

void put_link(store::Tx& tx, const Link& link, const std::string& key, Micros now) {
  // Only ever inserted: a verified link is replaced by unlinking it first.
  tx.exec(
      "INSERT INTO bank_links (game, nickname_key, nickname, user_id, confirmed, created_at,"
      " evidence) VALUES ($1, $2, $3, $4, 1, $5, $6)",
      {Value{link.game}, Value{key}, Value{link.nickname}, Value{link.user_id}, Value{now},
       Value{link.evidence}});
}

bool delete_link(store::Tx& tx, const std::string& game, const std::string& key) {
  return tx.exec("DELETE FROM bank_links WHERE game = $1 AND nickname_key = $2",
                 {Value{game}, Value{key}})
             .affected > 0;
}

std::vector<Link> links_of(store::Tx& tx, int64_t user_id) {
  std::vector<Link> out;
  for (const auto& row : tx.exec("SELECT game, nickname, user_id, evidence, created_at"
                                 " FROM bank_links WHERE user_id = $1 ORDER BY game, nickname",
                                 {Value{user_id}})
                             .rows) {
    out.push_back(Link{row.str(0), row.str(1), row.i64(2), row.str(3), row.i64(4)});
  }
  return out;
}

int64_t insert_claim(store::Tx& tx, const LinkClaim& c, const std::string& key) {
  return tx
      .exec(
          "INSERT INTO bank_link_claims (game, nickname_key, nickname, user_id, status, note,"
          " created_at) VALUES ($1, $2, $3, $4, 'pending', '', $5) RETURNING id",
          {Value{c.game}, Value{key}, Value{c.nickname}, Value{c.user_id}, Value{c.created_at}})
      .one()
      .i64(0);
}

std::optional<LinkClaim> find_claim(store::Tx& tx, int64_t id, bool for_update) {
  auto r = tx.exec(std::string("SELECT ") + kClaimColumns + " FROM bank_link_claims WHERE id = $1" +
                       std::string(for_update ? tx.for_update() : ""),
                   {Value{id}});
  if (r.empty()) return std::nullopt;
  return claim_of(r.one());
}

std::optional<LinkClaim> pending_claim(store::Tx& tx, const std::string& game,
                                       const std::string& key, int64_t user_id) {
  auto r = tx.exec(std::string("SELECT ") + kClaimColumns +
                       " FROM bank_link_claims WHERE game = $1 AND nickname_key = $2 AND"
                       " user_id = $3 AND status = 'pending'",
                   {Value{game}, Value{key}, Value{user_id}});
  if (r.empty()) return std::nullopt;
  return claim_of(r.one());
}

std::vector<LinkClaim> competing_claims(store::Tx& tx, const std::string& game,
                                        const std::string& key, int64_t except_user) {
  return claims(tx.exec(std::string("SELECT ") + kClaimColumns +
                            " FROM bank_link_claims WHERE game = $1 AND nickname_key = $2 AND"
                            " status = 'pending' AND user_id <> $3 ORDER BY id",
                        {Value{game}, Value{key}, Value{except_user}}));
}

bool decide_claim(store::Tx& tx, int64_t id, const std::string& status, int64_t by,
                  const std::string& note, Micros now) {
  return tx.exec(
               "UPDATE bank_link_claims SET status = $2, decided_by = $3, note = $4,"
               " decided_at = $5 WHERE id = $1 AND status = 'pending'",
               {Value{id}, Value{status}, Value{by}, Value{note}, Value{now}})
             .affected == 1;
}

std::vector<LinkClaim> list_claims(store::Tx& tx, const std::string& status, int limit,
                                   int64_t after_id) {
  auto out = claims(tx.exec(std::string("SELECT ") + kClaimColumns +
                                " FROM bank_link_claims WHERE status = $1 AND id > $2"
                                " ORDER BY id LIMIT $3",
                            {Value{status}, Value{after_id}, Value{int64_t{limit}}}));
  for (auto& c : out) {
    const std::string key = claim_key(tx, c.id);
    c.competing = static_cast<int>(competing_claims(tx, c.game, key, c.user_id).size());
    c.waiting_minor = waiting_minor(tx, c.game, key);
  }
  return out;
}

std::vector<LinkClaim> claims_of(store::Tx& tx, int64_t user_id, int limit) {
  return claims(tx.exec(std::string("SELECT ") + kClaimColumns +
                            " FROM bank_link_claims WHERE user_id = $1 ORDER BY id DESC LIMIT $2",
                        {Value{user_id}, Value{int64_t{limit}}}));
}

std::string claim_key(store::Tx& tx, int64_t claim_id) {
  return tx.exec("SELECT nickname_key FROM bank_link_claims WHERE id = $1", {Value{claim_id}})
      .one()
      .str(0);
}

int64_t insert_unclaimed(store::Tx& tx, const UnclaimedCredit& u, const std::string& key) {
  return tx
      .exec(
          "INSERT INTO bank_unclaimed (game, nickname_key, nickname, minor, status, hold_id,"
          " result, created_at, expires_at) VALUES ($1, $2, $3, $4, 'pending', $5, $6, $7, $8)"
          " RETURNING id",
          {Value{u.game}, Value{key}, Value{u.nickname}, Value{u.minor}, Value{u.hold_id},
           Value{u.result}, Value{u.created_at}, Value{u.expires_at}})
      .one()
      .i64(0);
}

std::vector<UnclaimedCredit> pending_unclaimed(store::Tx& tx, const std::string& game,
                                               const std::string& key, bool newest_first) {
  return unclaimed_rows(tx.exec(std::string("SELECT ") + kUnclaimedColumns +
                                    " FROM bank_unclaimed WHERE game = $1 AND nickname_key = $2"
                                    " AND status = 'pending' ORDER BY id" +
                                    (newest_first ? " DESC" : ""),
                                {Value{game}, Value{key}}));
}

int64_t waiting_minor(store::Tx& tx, const std::string& game, const std::string& key) {
  return tx
      .exec(
          "SELECT CAST(COALESCE(SUM(minor), 0) AS BIGINT) FROM bank_unclaimed WHERE game = $1 AND"
          " nickname_key = $2 AND status = 'pending'",
          {Value{game}, Value{key}})
      .one()
      .i64(0);
}

void settle_unclaimed(store::Tx& tx, int64_t id, const std::string& status,
                      std::optional<int64_t> paid_to, Micros now) {
  tx.exec(
      "UPDATE bank_unclaimed SET status = $2, paid_to = $3, settled_at = $4 WHERE id = $1"
      " AND status = 'pending'",
      {Value{id}, Value{status}, opt(paid_to), Value{now}});
}

std::vector<UnclaimedCredit> list_unclaimed(store::Tx& tx, const std::string& status, int limit,
                                            int64_t after_id) {
  return unclaimed_rows(tx.exec(std::string("SELECT ") + kUnclaimedColumns +
                                    " FROM bank_unclaimed WHERE status = $1 AND id > $2"
                                    " ORDER BY id LIMIT $3",
                                {Value{status}, Value{after_id}, Value{int64_t{limit}}}));
}

std::vector<UnclaimedCredit> expired_unclaimed(store::Tx& tx, Micros now, int limit) {
  return unclaimed_rows(tx.exec(std::string("SELECT ") + kUnclaimedColumns +
                                    " FROM bank_unclaimed WHERE status = 'pending' AND"
                                    " expires_at <= $1 ORDER BY id LIMIT $2",
                                {Value{now}, Value{int64_t{limit}}}));
}

std::vector<UnclaimedCredit> all_unclaimed(store::Tx& tx, int64_t after_id, int limit) {
  return unclaimed_rows(tx.exec(std::string("SELECT ") + kUnclaimedColumns +
                                    " FROM bank_unclaimed WHERE id > $1 ORDER BY id LIMIT $2",
                                {Value{after_id}, Value{int64_t{limit}}}));
}

int64_t sum_unclaimed(store::Tx& tx, const std::string& status) {
  return tx
      .exec("SELECT CAST(COALESCE(SUM(minor), 0) AS BIGINT) FROM bank_unclaimed WHERE status = $1",
            {Value{status}})
      .one()
      .i64(0);
}

int64_t count_claims(store::Tx& tx, const std::string& status) {
  return tx.exec("SELECT COUNT(*) FROM bank_link_claims WHERE status = $1", {Value{status}})
      .one()
      .i64(0);
}

}  // namespace sql
}  // namespace lucas::bank
