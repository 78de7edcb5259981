// SQL of the legacy bot's file (read-only): its columns per table and the query of every legacy
// table the import reads, in both layouts (LegacyDb's, see legacy_reader.h).
#include "features/legacy/legacy_reader.h"

namespace lucas::legacy {

namespace {

// A column that may be missing from this layout: its name, or a literal stand-in.
std::string col(const std::set<std::string>& cols, const std::string& name,
                const std::string& fallback) {
  return cols.count(name) ? name : fallback;
}

}  // namespace

std::set<std::string> LegacyDb::columns(const std::string& table) {
  std::set<std::string> out;
  each("SELECT name FROM pragma_table_info(?1)", table,
       [&](const Row& r) { out.insert(r.text(0)); });
  return out;
}

void LegacyDb::users(bool has_admin, const RowFn& f) {
  each(std::string("SELECT id, telegram_id, username, first_name, last_name, balance, ") +
           (has_admin ? "is_admin" : "0") + " FROM users ORDER BY id",
       "", f);
}

void LegacyDb::transactions(bool has_source_game, const RowFn& f) {
  const std::string game_col = has_source_game ? "source_game" : "''";
  each("SELECT id, user_id, amount, transaction_type, " + game_col +
           ", description, created_at FROM transactions ORDER BY id",
       "", f);
}

void LegacyDb::user_aliases(const RowFn& f) {
  each("SELECT id, user_id, alias_value, game_source FROM user_aliases ORDER BY id", "", f);
}

void LegacyDb::name_balances(const RowFn& f) {
  each("SELECT user_id, user_name, bank_balance FROM user_balances ORDER BY user_id", "", f);
}

void LegacyDb::name_balance_names(const RowFn& f) {
  each("SELECT user_id, user_name FROM user_balances", "", f);
}

void LegacyDb::bot_balances(const std::set<std::string>& cols, const RowFn& f) {
  const std::string key_col = cols.count("id") ? "id" : "rowid";
  each("SELECT " + key_col + ", user_id, game, last_balance FROM bot_balances ORDER BY 1", "", f);
}

void LegacyDb::processed_messages(const RowFn& f) {
  each("SELECT message_id, processed_at FROM processed_messages ORDER BY message_id", "", f);
}

void LegacyDb::shop_categories(const RowFn& f) {
  each("SELECT id, name FROM shop_categories", "", f);
}

void LegacyDb::shop_items(const std::set<std::string>& item_cols, const RowFn& f) {
  each("SELECT id, " + col(item_cols, "category_id", "NULL") + ", name, description, price, " +
           col(item_cols, "item_type", "''") + ", " + col(item_cols, "meta_data", "''") + ", " +
           col(item_cols, "purchase_limit", "NULL") + ", " +
           col(item_cols, "cooldown_hours", "NULL") + ", is_active FROM shop_items ORDER BY id",
       "", f);
}

void LegacyDb::user_purchases(bool short_layout, const RowFn& f) {
  each("SELECT id, user_id, item_id, " +
           (short_layout ? std::string("NULL, purchase_time, expires_at, 1, data")
                         : "purchase_price, purchased_at, expires_at, is_active, meta_data") +
           " FROM user_purchases ORDER BY id",
       "", f);
}

void LegacyDb::achievements(const RowFn& f) {
  each(
      "SELECT id, code, name, description, category, tier, points, is_active FROM achievements"
      " ORDER BY id",
      "", f);
}

void LegacyDb::user_achievements(const RowFn& f) {
  each(
      "SELECT id, user_id, achievement_id, unlocked_at, progress FROM user_achievements"
      " ORDER BY unlocked_at, id",
      "", f);
}

}  // namespace lucas::legacy
