#include "features/bank/bank_store.h"

namespace lucas::bank::sql {
using store::Value;

bool mark_processed(store::Tx& tx, const GameMessage& m, Micros now) {
  return !tx.exec(
                "INSERT INTO bank_processed (chat_id, message_id, bot_id, game, kind, replier_id,"
                " created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)"
                " ON CONFLICT (chat_id, message_id) DO NOTHING RETURNING chat_id",
                {Value{m.chat_id}, Value{m.message_id}, Value{m.bot_id}, Value{m.parsed.game},
                 Value{m.parsed.kind}, Value{m.replier_id}, Value{now}})
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

PlayerState player_state(store::Tx& tx, int64_t user, const std::string& game,
                         const std::string& currency) {
  auto r =
      tx.exec(std::string("SELECT last_balance, carry FROM bank_player_state WHERE user_id = $1"
                          " AND game = $2 AND currency = $3") +
                  std::string(tx.for_update()),
              {Value{user}, Value{game}, Value{currency}});
  if (r.empty()) return {};
  const auto& row = r.one();
  PlayerState s;
  if (auto v = row.opt_str(0)) s.last_balance = Decimal::parse(*v);
  s.carry = row.i64(1);
  return s;
}

void save_player_state(store::Tx& tx, int64_t user, const std::string& game,
                       const std::string& currency, const PlayerState& s, Micros now) {
  tx.exec(
      "INSERT INTO bank_player_state (user_id, game, currency, last_balance, carry, updated_at)"
      " VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (user_id, game, currency) DO UPDATE SET"
      " last_balance = excluded.last_balance, carry = excluded.carry,"
      " updated_at = excluded.updated_at",
      {Value{user}, Value{game}, Value{currency},
       s.last_balance ? Value{s.last_balance->to_string()} : Value{}, Value{s.carry}, Value{now}});
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
  auto r =
      tx.exec("SELECT user_id, confirmed FROM bank_links WHERE game = $1 AND nickname_key = $2",
              {Value{game}, Value{key}});
  if (r.empty()) return std::nullopt;
  return Link{r.one().i64(0), r.one().i64(1) != 0};
}

void put_link(store::Tx& tx, int64_t user, const std::string& game, const std::string& nickname,
              const std::string& key, Micros now) {
  tx.exec(
      "INSERT INTO bank_links (game, nickname_key, nickname, user_id, confirmed, created_at)"
      " VALUES ($1, $2, $3, $4, 0, $5) ON CONFLICT (game, nickname_key) DO UPDATE SET"
      " nickname = excluded.nickname, user_id = excluded.user_id, confirmed = 0,"
      " created_at = excluded.created_at",
      {Value{game}, Value{key}, Value{nickname}, Value{user}, Value{now}});
}

void confirm_link(store::Tx& tx, const std::string& game, const std::string& key) {
  tx.exec("UPDATE bank_links SET confirmed = 1 WHERE game = $1 AND nickname_key = $2",
          {Value{game}, Value{key}});
}

}  // namespace lucas::bank::sql
