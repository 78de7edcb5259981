// The legacy bot's SQLite file, read-only: opening it, stepping through rows and decoding its
// cells (money exactly as written, whatever the storage class) in legacy_reader.cpp; its columns
// per table (the layout is detected from them) and the query of every legacy table this import
// reads in legacy_source_store.cpp. Nothing here writes.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <set>
#include <string>

struct sqlite3;
struct sqlite3_stmt;

namespace lucas::legacy {

// One row of a legacy query (valid only inside the callback that received it).
class Row {
 public:
  explicit Row(sqlite3_stmt* s) : s_(s) {}
  bool is_integer(int i) const;  // stored as INTEGER
  int64_t i64(int i) const;
  std::string text(int i) const;  // "" for NULL
  std::optional<int64_t> opt_int(int i) const;
  // The exact decimal a legacy money cell holds, whatever its storage class; nullopt for NULL.
  std::optional<std::string> money(int i) const;

 private:
  sqlite3_stmt* s_;
};
using RowFn = std::function<void(const Row&)>;

// A read-only view of the legacy file.
class LegacyDb {
 public:
  explicit LegacyDb(const std::string& path);
  ~LegacyDb();
  LegacyDb(const LegacyDb&) = delete;
  LegacyDb& operator=(const LegacyDb&) = delete;

  // The table's column names; empty when there is no such table.
  std::set<std::string> columns(const std::string& table);

  // Each reads one legacy table in a fixed order and calls `f` per row; the columns are listed.
  // id, telegram_id, username, first_name, last_name, balance, is_admin (0 when absent)
  void users(bool has_admin, const RowFn& f);
  // id, user_id, amount, transaction_type, source_game ('' when absent), description, created_at
  void transactions(bool has_source_game, const RowFn& f);
  // id, user_id, alias_value, game_source
  void user_aliases(const RowFn& f);
  // user_id, user_name, bank_balance (the path-A bank keyed by names)
  void name_balances(const RowFn& f);
  // user_id, user_name
  void name_balance_names(const RowFn& f);
  // id (or rowid when there is no id column), user_id, game, last_balance
  void bot_balances(const std::set<std::string>& cols, const RowFn& f);
  // message_id, processed_at
  void processed_messages(const RowFn& f);
  // id, name
  void shop_categories(const RowFn& f);
  // id, category_id, name, description, price, item_type, meta_data, purchase_limit,
  // cooldown_hours, is_active (NULL or '' for the columns this layout lacks)
  void shop_items(const std::set<std::string>& cols, const RowFn& f);
  // id, user_id, item_id, price, purchased_at, expires_at, is_active, meta_data; the short layout
  // (the standalone shop manager's) has no price (NULL) and is always active
  void user_purchases(bool short_layout, const RowFn& f);
  // id, code, name, description, category, tier, points, is_active
  void achievements(const RowFn& f);
  // id, user_id, achievement_id, unlocked_at, progress (earliest unlock first)
  void user_achievements(const RowFn& f);

 private:
  // Runs `sql` (one optional text parameter) and calls `f` per row.
  void each(const std::string& sql, const std::string& param, const RowFn& f);

  sqlite3* db_ = nullptr;
};

}  // namespace lucas::legacy
