// The trades' tables and every query on them (SQL lives only here), and the serialized units
// a trade holds.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "features/economy/trade.h"
#include "infra/store/db.h"
#include "infra/store/migrate.h"

namespace lucas::economy::sql {

// economy/2: trades, their holds, scam flags; instances held by a hold.
store::Migration trade_migration();

int64_t insert_trade(store::Tx& tx, const Trade& t, const std::string& key,
                     std::optional<int64_t> beneficiary);
void update_trade(store::Tx& tx, const Trade& t, std::optional<int64_t> beneficiary);
std::optional<Trade> find_trade(store::Tx& tx, int64_t id, bool for_update = false);
std::optional<int64_t> trade_id_by_key(store::Tx& tx, int64_t from, const std::string& key);
int64_t pending_from(store::Tx& tx, int64_t from);
// The user's trades (either side), newest first: state "" all, "pending", "done" (the rest).
std::vector<Trade> trades_of(store::Tx& tx, int64_t user, const std::string& state, int64_t before,
                             int limit);
std::vector<int64_t> expired_trades(store::Tx& tx, Micros now, int limit);
int64_t prune_trades(store::Tx& tx, Micros resolved_before);
// Accepted trades between the pair since `since` whose lopsided side went to `beneficiary`.
std::vector<int64_t> lopsided_trades(store::Tx& tx, int64_t a, int64_t b, int64_t beneficiary,
                                     Micros since);

void insert_trade_hold(store::Tx& tx, int64_t trade_id, int64_t version, int64_t hold_id,
                       const std::string& asset);
// The holds of a trade's version: (hold id, asset).
std::vector<std::pair<int64_t, std::string>> trade_holds(store::Tx& tx, int64_t trade_id,
                                                         int64_t version);

int64_t insert_flag(store::Tx& tx, const TradeFlag& f);
std::vector<TradeFlag> flags_before(store::Tx& tx, int64_t before, int limit);

// Serialized units: the owner's units not held by anything, ascending.
std::vector<int64_t> free_serials(store::Tx& tx, int64_t item_id, int64_t owner);
void hold_instance(store::Tx& tx, int64_t item_id, int64_t serial, int64_t hold_id);
// A posted hold's units go to `owner`; a voided hold's stay with theirs.
void give_held_instances(store::Tx& tx, int64_t hold_id, int64_t owner, Micros at);
void free_held_instances(store::Tx& tx, int64_t hold_id);
void move_instance(store::Tx& tx, int64_t item_id, int64_t serial, int64_t owner, Micros at);

}  // namespace lucas::economy::sql
