// SQL of the legacy import on the platform's database (internal): the tables the legacy data is
// kept in (migrations() is declared in legacy_import.h) and the batched, idempotent inserts.
//   legacy_transactions     the old history, read-only
//   legacy_balances         every legacy balance as read, with what became of it
//   legacy_name_balances    the name-keyed path-A bank, kept for an admin's decision
//   legacy_shop_items, legacy_shop_purchases, legacy_achievements, legacy_user_achievements
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "infra/store/db.h"

namespace lucas::legacy::sql {

// A legacy shop item as staged in legacy_shop_items.
struct StagedShopItem {
  int64_t legacy_id = 0;
  std::string name, description, price, item_type;
  std::optional<int64_t> purchase_limit;
  bool active = true;
};
std::vector<StagedShopItem> staged_shop_items(store::Tx& tx);

// Rows for one target table, written in batches of 1,000 per transaction; a row whose key is
// already there (a second run) is left alone. `counter` counts the rows inserted.
class Batch {
 public:
  Batch(store::Database& db, std::string insert_sql, int64_t& counter)
      : db_(db), sql_(std::move(insert_sql)), counter_(counter) {}
  // True when this row completed a batch and it was written.
  bool add(std::vector<store::Value> row);
  void flush();

 private:
  store::Database& db_;
  std::string sql_;
  int64_t& counter_;
  std::vector<std::vector<store::Value>> rows_;
};

// Each batch's row lists the values of the table's columns in the order of its comment.
// legacy_user_id, telegram_id, balance, minor, status
Batch balances(store::Database& db, int64_t& counter);
// legacy_id, telegram_id, amount, kind, source_game, description, created_at
Batch transactions(store::Database& db, int64_t& counter);
// legacy_id, user_name, bank_balance
Batch name_balances(store::Database& db, int64_t& counter);
// legacy_id, category, name, description, price, item_type, metadata, purchase_limit,
// cooldown_hours, active
Batch shop_items(store::Database& db, int64_t& counter);
// legacy_id, telegram_id, item_legacy_id, price, purchased_at, expires_at, active, metadata
Batch shop_purchases(store::Database& db, int64_t& counter);
// legacy_id, code, name, description, category, tier, points, active
Batch achievements(store::Database& db, int64_t& counter);
// legacy_id, telegram_id, achievement_code, unlocked_at, progress
Batch user_achievements(store::Database& db, int64_t& counter);

// (telegram id, achievement code) of every unlock imported so far.
std::set<std::pair<int64_t, std::string>> unlocked_achievements(store::Database& db);
// Whether the unlock with this legacy id was imported (by an earlier run).
bool user_achievement_imported(store::Database& db, int64_t legacy_id);

}  // namespace lucas::legacy::sql
