#include "features/legacy/legacy_store.h"

#include "features/legacy/legacy_import.h"

namespace lucas::legacy {

store::MigrationSet migrations() {
  return {"legacy",
          {{1, "legacy transaction history",
            R"(
CREATE TABLE legacy_transactions (
  legacy_id BIGINT PRIMARY KEY,
  telegram_id BIGINT NOT NULL,
  amount TEXT NOT NULL,
  kind TEXT NOT NULL,
  source_game TEXT NOT NULL,
  description TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE INDEX legacy_transactions_by_user ON legacy_transactions (telegram_id, legacy_id);
)"},
           {2, "legacy balances, name bank, shop, achievements",
            R"(
CREATE TABLE legacy_balances (
  legacy_user_id BIGINT PRIMARY KEY,
  telegram_id BIGINT NOT NULL,
  balance TEXT NOT NULL,
  minor BIGINT NOT NULL,
  status TEXT NOT NULL
);
CREATE TABLE legacy_name_balances (
  legacy_id TEXT PRIMARY KEY,
  user_name TEXT NOT NULL,
  bank_balance TEXT NOT NULL
);
CREATE TABLE legacy_shop_items (
  legacy_id BIGINT PRIMARY KEY,
  category TEXT NOT NULL,
  name TEXT NOT NULL,
  description TEXT NOT NULL,
  price TEXT NOT NULL,
  item_type TEXT NOT NULL,
  metadata TEXT NOT NULL,
  purchase_limit BIGINT,
  cooldown_hours BIGINT,
  active INTEGER NOT NULL
);
CREATE TABLE legacy_shop_purchases (
  legacy_id BIGINT PRIMARY KEY,
  telegram_id BIGINT NOT NULL,
  item_legacy_id BIGINT NOT NULL,
  price TEXT NOT NULL,
  purchased_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  active INTEGER NOT NULL,
  metadata TEXT NOT NULL
);
CREATE INDEX legacy_shop_purchases_by_user ON legacy_shop_purchases (telegram_id);
CREATE TABLE legacy_achievements (
  legacy_id BIGINT PRIMARY KEY,
  code TEXT NOT NULL,
  name TEXT NOT NULL,
  description TEXT NOT NULL,
  category TEXT NOT NULL,
  tier TEXT NOT NULL,
  points BIGINT NOT NULL,
  active INTEGER NOT NULL
);
CREATE TABLE legacy_user_achievements (
  legacy_id BIGINT PRIMARY KEY,
  telegram_id BIGINT NOT NULL,
  achievement_code TEXT NOT NULL,
  unlocked_at TEXT NOT NULL,
  progress BIGINT NOT NULL,
  UNIQUE (telegram_id, achievement_code)
);
)"}}};
}

namespace sql {

bool Batch::add(std::vector<store::Value> row) {
  rows_.push_back(std::move(row));
  if (rows_.size() < 1000) return false;
  flush();
  return true;
}

void Batch::flush() {
  if (rows_.empty()) return;
  db_.transact([&](store::Tx& tx) {
    for (const auto& row : rows_) counter_ += tx.exec(sql_, row).affected;
  });
  rows_.clear();
}

Batch balances(store::Database& db, int64_t& counter) {
  return Batch(db,
               "INSERT INTO legacy_balances (legacy_user_id, telegram_id, balance, minor,"
               " status) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (legacy_user_id) DO NOTHING",
               counter);
}

Batch transactions(store::Database& db, int64_t& counter) {
  return Batch(db,
               "INSERT INTO legacy_transactions (legacy_id, telegram_id, amount, kind, source_game,"
               " description, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)"
               " ON CONFLICT (legacy_id) DO NOTHING",
               counter);
}

Batch name_balances(store::Database& db, int64_t& counter) {
  return Batch(db,
               "INSERT INTO legacy_name_balances (legacy_id, user_name, bank_balance)"
               " VALUES ($1, $2, $3) ON CONFLICT (legacy_id) DO NOTHING",
               counter);
}

std::vector<StagedShopItem> staged_shop_items(store::Tx& tx) {
  std::vector<StagedShopItem> out;
  for (const auto& r : tx.exec("SELECT legacy_id, name, description, price, item_type,"
                               " purchase_limit, active FROM legacy_shop_items ORDER BY legacy_id")
                           .rows) {
    out.push_back({r.i64(0), r.str(1), r.str(2), r.str(3), r.str(4), r.opt_i64(5), r.i64(6) != 0});
  }
  return out;
}

Batch shop_items(store::Database& db, int64_t& counter) {
  return Batch(
      db,
      "INSERT INTO legacy_shop_items (legacy_id, category, name, description, price,"
      " item_type, metadata, purchase_limit, cooldown_hours, active)"
      " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (legacy_id) DO NOTHING",
      counter);
}

Batch shop_purchases(store::Database& db, int64_t& counter) {
  return Batch(db,
               "INSERT INTO legacy_shop_purchases (legacy_id, telegram_id, item_legacy_id,"
               " price, purchased_at, expires_at, active, metadata)"
               " VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (legacy_id) DO NOTHING",
               counter);
}

Batch achievements(store::Database& db, int64_t& counter) {
  return Batch(db,
               "INSERT INTO legacy_achievements (legacy_id, code, name, description,"
               " category, tier, points, active) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
               " ON CONFLICT (legacy_id) DO NOTHING",
               counter);
}

Batch user_achievements(store::Database& db, int64_t& counter) {
  return Batch(db,
               "INSERT INTO legacy_user_achievements (legacy_id, telegram_id, achievement_code,"
               " unlocked_at, progress) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
               counter);
}

std::set<std::pair<int64_t, std::string>> unlocked_achievements(store::Database& db) {
  std::set<std::pair<int64_t, std::string>> unlocked;
  db.read([&](store::Tx& tx) {
    for (const auto& r :
         tx.exec("SELECT telegram_id, achievement_code FROM legacy_user_achievements").rows) {
      unlocked.emplace(r.i64(0), r.str(1));
    }
  });
  return unlocked;
}

bool user_achievement_imported(store::Database& db, int64_t legacy_id) {
  return db.read([&](store::Tx& tx) {
    return !tx.exec("SELECT 1 FROM legacy_user_achievements WHERE legacy_id = $1",
                    {store::Value{legacy_id}})
                .empty();
  });
}

}  // namespace sql
}  // namespace lucas::legacy
