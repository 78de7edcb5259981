// The economy's tables and every query on them (SQL lives only here).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "features/economy/economy.h"
#include "infra/store/db.h"

namespace lucas::economy::sql {

int64_t insert_item(store::Tx& tx, const Item& item);  // returns the id; sets the asset code
void update_item(store::Tx& tx, const Item& item);
std::optional<Item> find_item(store::Tx& tx, int64_t id, bool for_update = false);
std::optional<int64_t> item_id_by_legacy_id(store::Tx& tx, int64_t legacy_id);
std::optional<int64_t> item_id_by_slug(store::Tx& tx, const std::string& slug);
std::vector<Item> all_items(store::Tx& tx);
void add_sold(store::Tx& tx, int64_t item_id, int64_t quantity);

// Prices: one row per item and UTC day.
bool insert_price(store::Tx& tx, int64_t item_id, const PricePoint& p);  // false: day exists
std::vector<PricePoint> prices_since(store::Tx& tx, int64_t item_id, Micros since);
// Every item's latest price on or before `day`, by item id (one query for a whole listing).
std::map<int64_t, int64_t> prices_on_or_before(store::Tx& tx, Micros day);
int64_t units_bought(store::Tx& tx, int64_t item_id, Micros since, Micros until);
int64_t units_bought_by(store::Tx& tx, int64_t item_id, int64_t user_id);

void insert_quote(store::Tx& tx, const Quote& q, Micros now);
std::optional<Quote> find_quote(store::Tx& tx, const std::string& id);

bool quote_used(store::Tx& tx, const std::string& quote_id);
std::optional<Purchase> find_purchase(store::Tx& tx, int64_t user_id, const std::string& key);
int64_t insert_purchase(store::Tx& tx, const Purchase& p, const std::string& quote_id);

int64_t next_serial(store::Tx& tx, int64_t item_id);
void insert_instance(store::Tx& tx, int64_t item_id, int64_t serial, int64_t owner, Micros at);
std::vector<int64_t> serials_of(store::Tx& tx, int64_t item_id, int64_t owner);
// Serialized items whose instances per owner disagree with the owners' ledger balances
// (the ledger invariant): "ITEM_3 user 101: 2 instances, balance 3".
std::vector<std::string> instance_mismatches(store::Tx& tx);

// The user's item holdings: (item id, quantity), quantity > 0.
std::vector<std::pair<int64_t, int64_t>> holdings(store::Tx& tx, int64_t user_id);

}  // namespace lucas::economy::sql
