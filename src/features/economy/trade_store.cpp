#include "features/economy/trade_store.h"

namespace lucas::economy::sql {
namespace {

using store::Value;

constexpr std::string_view kTradeColumns =
    "id, from_user, to_user, offer, note, state, version, seen_version, give_value, want_value,"
    " flags, give_fee, want_fee, created_at, updated_at, expires_at, resolved_at";

nlohmann::json side_json(const TradeSide& s) {
  nlohmann::json items = nlohmann::json::array();
  for (const auto& l : s.items) {
    items.push_back({{"item", l.item_id}, {"quantity", l.quantity}, {"serials", l.serials}});
  }
  return {{"coins", s.coins}, {"items", std::move(items)}};
}

TradeSide side_of(const nlohmann::json& j) {
  TradeSide s;
  s.coins = j.at("coins").get<int64_t>();
  for (const auto& l : j.at("items")) {
    s.items.push_back({l.at("item").get<int64_t>(), l.at("quantity").get<int64_t>(),
                       l.at("serials").get<std::vector<int64_t>>(), "", ""});
  }
  return s;
}

std::string offer_text(const Trade& t) {
  return nlohmann::json{{"give", side_json(t.give)}, {"want", side_json(t.want)}}.dump();
}

Trade trade_of(const store::Row& r) {
  Trade t;
  t.id = r.i64(0);
  t.from = r.i64(1);
  t.to = r.i64(2);
  const auto offer = nlohmann::json::parse(r.str(3));
  t.give = side_of(offer.at("give"));
  t.want = side_of(offer.at("want"));
  t.note = r.str(4);
  t.state = r.str(5);
  t.version = r.i64(6);
  t.seen_version = r.i64(7);
  t.give_value = r.i64(8);
  t.want_value = r.i64(9);
  t.flags = nlohmann::json::parse(r.str(10)).get<std::vector<std::string>>();
  t.give_fee = r.i64(11);
  t.want_fee = r.i64(12);
  t.created_at = r.i64(13);
  t.updated_at = r.i64(14);
  t.expires_at = r.i64(15);
  t.resolved_at = r.opt_i64(16);
  return t;
}

Value opt(const std::optional<int64_t>& v) {
  return v ? Value{*v} : Value{};
}

std::vector<Trade> trades(const store::Result& result) {
  std::vector<Trade> out;
  for (const auto& r : result.rows) out.push_back(trade_of(r));
  return out;
}

}  // namespace

store::Migration trade_migration() {
  return {2, "trades, their holds, scam flags; instances held by a hold", R"(
CREATE TABLE economy_trades (
  id {{id}},
  from_user BIGINT NOT NULL,
  to_user BIGINT NOT NULL,
  offer TEXT NOT NULL,
  note TEXT NOT NULL,
  state TEXT NOT NULL,
  version BIGINT NOT NULL,
  seen_version BIGINT NOT NULL,
  give_value BIGINT NOT NULL,
  want_value BIGINT NOT NULL,
  beneficiary BIGINT,
  flags TEXT NOT NULL,
  give_fee BIGINT NOT NULL,
  want_fee BIGINT NOT NULL,
  idempotency_key TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  resolved_at BIGINT,
  UNIQUE (from_user, idempotency_key)
);
CREATE INDEX economy_trades_from ON economy_trades (from_user, id);
CREATE INDEX economy_trades_to ON economy_trades (to_user, id);
CREATE INDEX economy_trades_open ON economy_trades (state, expires_at);
CREATE TABLE economy_trade_holds (
  trade_id BIGINT NOT NULL REFERENCES economy_trades (id) ON DELETE CASCADE,
  version BIGINT NOT NULL,
  hold_id BIGINT NOT NULL,
  asset TEXT NOT NULL,
  PRIMARY KEY (trade_id, version, hold_id)
);
CREATE TABLE economy_trade_flags (
  id {{id}},
  trade_id BIGINT NOT NULL,
  kind TEXT NOT NULL,
  evidence TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
ALTER TABLE economy_instances ADD COLUMN hold_id BIGINT;
CREATE INDEX economy_instances_hold ON economy_instances (hold_id);
)"};
}

int64_t insert_trade(store::Tx& tx, const Trade& t, const std::string& key,
                     std::optional<int64_t> beneficiary) {
  return tx
      .exec(
          "INSERT INTO economy_trades (from_user, to_user, offer, note, state, version,"
          " seen_version, give_value, want_value, beneficiary, flags, give_fee, want_fee,"
          " idempotency_key, created_at, updated_at, expires_at)"
          " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)"
          " RETURNING id",
          {Value{t.from}, Value{t.to}, Value{offer_text(t)}, Value{t.note}, Value{t.state},
           Value{t.version}, Value{t.seen_version}, Value{t.give_value}, Value{t.want_value},
           opt(beneficiary), Value{nlohmann::json(t.flags).dump()}, Value{t.give_fee},
           Value{t.want_fee}, Value{key}, Value{t.created_at}, Value{t.updated_at},
           Value{t.expires_at}})
      .one()
      .i64(0);
}

void update_trade(store::Tx& tx, const Trade& t, std::optional<int64_t> beneficiary) {
  tx.exec(
      "UPDATE economy_trades SET offer = $1, note = $2, state = $3, version = $4,"
      " seen_version = $5, give_value = $6, want_value = $7, beneficiary = $8, flags = $9,"
      " give_fee = $10, want_fee = $11, updated_at = $12, expires_at = $13, resolved_at = $14"
      " WHERE id = $15",
      {Value{offer_text(t)}, Value{t.note}, Value{t.state}, Value{t.version}, Value{t.seen_version},
       Value{t.give_value}, Value{t.want_value}, opt(beneficiary),
       Value{nlohmann::json(t.flags).dump()}, Value{t.give_fee}, Value{t.want_fee},
       Value{t.updated_at}, Value{t.expires_at}, opt(t.resolved_at), Value{t.id}});
}

std::optional<Trade> find_trade(store::Tx& tx, int64_t id, bool for_update) {
  const auto r =
      tx.exec("SELECT " + std::string(kTradeColumns) + " FROM economy_trades WHERE id = $1" +
                  std::string(for_update ? tx.for_update() : ""),
              {Value{id}});
  if (r.empty()) return std::nullopt;
  return trade_of(r.one());
}

std::optional<int64_t> trade_id_by_key(store::Tx& tx, int64_t from, const std::string& key) {
  const auto r =
      tx.exec("SELECT id FROM economy_trades WHERE from_user = $1 AND idempotency_key = $2",
              {Value{from}, Value{key}});
  if (r.empty()) return std::nullopt;
  return r.one().i64(0);
}

int64_t pending_from(store::Tx& tx, int64_t from) {
  return tx
      .exec("SELECT COUNT(*) FROM economy_trades WHERE from_user = $1 AND state = 'pending'",
            {Value{from}})
      .one()
      .i64(0);
}

std::vector<Trade> trades_of(store::Tx& tx, int64_t user, const std::string& state, int64_t before,
                             int limit) {
  std::string where = "(from_user = $1 OR to_user = $1) AND id < $2";
  if (state == "pending") where += " AND state = 'pending'";
  if (state == "done") where += " AND state <> 'pending'";
  return trades(
      tx.exec("SELECT " + std::string(kTradeColumns) + " FROM economy_trades WHERE " + where +
                  " ORDER BY id DESC LIMIT $3",
              {Value{user}, Value{before > 0 ? before : INT64_MAX}, Value{int64_t{limit}}}));
}

std::vector<int64_t> expired_trades(store::Tx& tx, Micros now, int limit) {
  std::vector<int64_t> out;
  for (const auto& r : tx.exec("SELECT id FROM economy_trades WHERE state = 'pending' AND"
                               " expires_at <= $1 ORDER BY expires_at LIMIT $2",
                               {Value{now}, Value{int64_t{limit}}})
                           .rows) {
    out.push_back(r.i64(0));
  }
  return out;
}

int64_t prune_trades(store::Tx& tx, Micros resolved_before) {
  tx.exec(
      "DELETE FROM economy_trade_holds WHERE trade_id IN (SELECT id FROM economy_trades WHERE"
      " state <> 'pending' AND resolved_at < $1)",
      {Value{resolved_before}});
  return tx
      .exec("DELETE FROM economy_trades WHERE state <> 'pending' AND resolved_at < $1",
            {Value{resolved_before}})
      .affected;
}

std::vector<int64_t> lopsided_trades(store::Tx& tx, int64_t a, int64_t b, int64_t beneficiary,
                                     Micros since) {
  std::vector<int64_t> out;
  for (const auto& r :
       tx.exec("SELECT id FROM economy_trades WHERE state = 'accepted' AND beneficiary = $1 AND"
               " ((from_user = $2 AND to_user = $3) OR (from_user = $3 AND to_user = $2)) AND"
               " resolved_at >= $4 ORDER BY id",
               {Value{beneficiary}, Value{a}, Value{b}, Value{since}})
           .rows) {
    out.push_back(r.i64(0));
  }
  return out;
}

void insert_trade_hold(store::Tx& tx, int64_t trade_id, int64_t version, int64_t hold_id,
                       const std::string& asset) {
  tx.exec(
      "INSERT INTO economy_trade_holds (trade_id, version, hold_id, asset) VALUES ($1, $2, $3,"
      " $4)",
      {Value{trade_id}, Value{version}, Value{hold_id}, Value{asset}});
}

std::vector<std::pair<int64_t, std::string>> trade_holds(store::Tx& tx, int64_t trade_id,
                                                         int64_t version) {
  std::vector<std::pair<int64_t, std::string>> out;
  for (const auto& r : tx.exec("SELECT hold_id, asset FROM economy_trade_holds WHERE trade_id ="
                               " $1 AND version = $2 ORDER BY hold_id",
                               {Value{trade_id}, Value{version}})
                           .rows) {
    out.emplace_back(r.i64(0), r.str(1));
  }
  return out;
}

int64_t insert_flag(store::Tx& tx, const TradeFlag& f) {
  return tx
      .exec(
          "INSERT INTO economy_trade_flags (trade_id, kind, evidence, created_at) VALUES ($1, $2,"
          " $3, $4) RETURNING id",
          {Value{f.trade_id}, Value{f.kind}, Value{f.evidence.dump()}, Value{f.created_at}})
      .one()
      .i64(0);
}

std::vector<TradeFlag> flags_before(store::Tx& tx, int64_t before, int limit) {
  std::vector<TradeFlag> out;
  for (const auto& r :
       tx.exec("SELECT id, trade_id, kind, evidence, created_at FROM economy_trade_flags"
               " WHERE id < $1 ORDER BY id DESC LIMIT $2",
               {Value{before > 0 ? before : INT64_MAX}, Value{int64_t{limit}}})
           .rows) {
    out.push_back({r.i64(0), r.i64(1), r.str(2), nlohmann::json::parse(r.str(3)), r.i64(4)});
  }
  return out;
}

std::vector<int64_t> free_serials(store::Tx& tx, int64_t item_id, int64_t owner) {
  std::vector<int64_t> out;
  for (const auto& r : tx.exec("SELECT serial FROM economy_instances WHERE item_id = $1 AND"
                               " owner_id = $2 AND hold_id IS NULL ORDER BY serial",
                               {Value{item_id}, Value{owner}})
                           .rows) {
    out.push_back(r.i64(0));
  }
  return out;
}

void hold_instance(store::Tx& tx, int64_t item_id, int64_t serial, int64_t hold_id) {
  tx.exec("UPDATE economy_instances SET hold_id = $1 WHERE item_id = $2 AND serial = $3",
          {Value{hold_id}, Value{item_id}, Value{serial}});
}

void give_held_instances(store::Tx& tx, int64_t hold_id, int64_t owner, Micros at) {
  tx.exec(
      "UPDATE economy_instances SET owner_id = $1, acquired_at = $2, hold_id = NULL WHERE"
      " hold_id = $3",
      {Value{owner}, Value{at}, Value{hold_id}});
}

void free_held_instances(store::Tx& tx, int64_t hold_id) {
  tx.exec("UPDATE economy_instances SET hold_id = NULL WHERE hold_id = $1", {Value{hold_id}});
}

void move_instance(store::Tx& tx, int64_t item_id, int64_t serial, int64_t owner, Micros at) {
  tx.exec(
      "UPDATE economy_instances SET owner_id = $1, acquired_at = $2 WHERE item_id = $3 AND"
      " serial = $4",
      {Value{owner}, Value{at}, Value{item_id}, Value{serial}});
}

}  // namespace lucas::economy::sql
