#include "features/economy/economy_store.h"

#include "features/economy/auction_store.h"
#include "features/economy/trade_store.h"

namespace lucas::economy {

store::MigrationSet migrations() {
  return {"economy",
          {{1, "items, prices, quotes, purchases, serialized instances",
            R"(
CREATE TABLE economy_items (
  id {{id}},
  slug TEXT NOT NULL UNIQUE,
  name_ru TEXT NOT NULL,
  name_en TEXT NOT NULL,
  description_ru TEXT NOT NULL,
  description_en TEXT NOT NULL,
  category TEXT NOT NULL,
  rarity TEXT NOT NULL,
  asset TEXT NOT NULL,
  tradeable INTEGER NOT NULL,
  giftable INTEGER NOT NULL,
  serialized INTEGER NOT NULL,
  total_supply BIGINT,
  per_user_limit BIGINT,
  base_price BIGINT NOT NULL,
  min_price BIGINT NOT NULL,
  max_price BIGINT NOT NULL,
  price BIGINT NOT NULL,
  seasonal_pct BIGINT NOT NULL,
  available_from BIGINT,
  available_until BIGINT,
  active INTEGER NOT NULL,
  legacy_id BIGINT UNIQUE,
  sold BIGINT NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE TABLE economy_prices (
  item_id BIGINT NOT NULL REFERENCES economy_items (id),
  day BIGINT NOT NULL,
  price BIGINT NOT NULL,
  bought_recent BIGINT NOT NULL,
  bought_before BIGINT NOT NULL,
  PRIMARY KEY (item_id, day)
);
CREATE TABLE economy_quotes (
  id TEXT PRIMARY KEY,
  item_id BIGINT NOT NULL REFERENCES economy_items (id),
  user_id BIGINT NOT NULL,
  quantity BIGINT NOT NULL,
  unit_price BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE TABLE economy_purchases (
  id {{id}},
  item_id BIGINT NOT NULL REFERENCES economy_items (id),
  user_id BIGINT NOT NULL,
  quantity BIGINT NOT NULL,
  unit_price BIGINT NOT NULL,
  total BIGINT NOT NULL,
  quote_id TEXT NOT NULL UNIQUE,
  idempotency_key TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  UNIQUE (user_id, idempotency_key)
);
CREATE INDEX economy_purchases_item_time ON economy_purchases (item_id, created_at);
CREATE INDEX economy_purchases_item_user ON economy_purchases (item_id, user_id);
CREATE TABLE economy_instances (
  item_id BIGINT NOT NULL REFERENCES economy_items (id),
  serial BIGINT NOT NULL,
  owner_id BIGINT NOT NULL,
  acquired_at BIGINT NOT NULL,
  PRIMARY KEY (item_id, serial)
);
CREATE INDEX economy_instances_owner ON economy_instances (owner_id, item_id);
)"},
           sql::trade_migration(),
           sql::auction_migration()}};
}

namespace sql {
namespace {

using store::Value;

constexpr std::string_view kItemColumns =
    "id, slug, name_ru, name_en, description_ru, description_en, category, rarity, asset,"
    " tradeable, giftable, serialized, total_supply, per_user_limit, base_price, min_price,"
    " max_price, price, seasonal_pct, available_from, available_until, active, legacy_id, sold,"
    " created_at, updated_at";

Value opt(const std::optional<int64_t>& v) {
  return v ? Value{*v} : Value{};
}

Item item_of(const store::Row& r) {
  Item i;
  i.id = r.i64(0);
  i.slug = r.str(1);
  i.name_ru = r.str(2);
  i.name_en = r.str(3);
  i.description_ru = r.str(4);
  i.description_en = r.str(5);
  i.category = r.str(6);
  i.rarity = r.str(7);
  i.asset = r.str(8);
  i.tradeable = r.i64(9) != 0;
  i.giftable = r.i64(10) != 0;
  i.serialized = r.i64(11) != 0;
  i.total_supply = r.opt_i64(12);
  i.per_user_limit = r.opt_i64(13);
  i.base_price = r.i64(14);
  i.min_price = r.i64(15);
  i.max_price = r.i64(16);
  i.price = r.i64(17);
  i.seasonal_pct = static_cast<int>(r.i64(18));
  i.available_from = r.opt_i64(19);
  i.available_until = r.opt_i64(20);
  i.active = r.i64(21) != 0;
  i.legacy_id = r.opt_i64(22);
  i.sold = r.i64(23);
  i.created_at = r.i64(24);
  i.updated_at = r.i64(25);
  return i;
}

// The columns an admin may change, in order, and their values: what inserting and updating
// an item share.
constexpr std::string_view kEditableColumns =
    "slug, name_ru, name_en, description_ru, description_en, category, rarity, tradeable,"
    " giftable, per_user_limit, base_price, min_price, max_price, price, seasonal_pct,"
    " available_from, available_until, active, legacy_id";
constexpr int kEditable = 19;

std::vector<Value> editable_values(const Item& i) {
  return {Value{i.slug},
          Value{i.name_ru},
          Value{i.name_en},
          Value{i.description_ru},
          Value{i.description_en},
          Value{i.category},
          Value{i.rarity},
          Value{int64_t{i.tradeable}},
          Value{int64_t{i.giftable}},
          opt(i.per_user_limit),
          Value{i.base_price},
          Value{i.min_price},
          Value{i.max_price},
          Value{i.price},
          Value{int64_t{i.seasonal_pct}},
          opt(i.available_from),
          opt(i.available_until),
          Value{int64_t{i.active}},
          opt(i.legacy_id)};
}

std::string placeholders(int from, int count) {
  std::string out;
  for (int n = from; n < from + count; ++n) out += (out.empty() ? "$" : ", $") + std::to_string(n);
  return out;
}

}  // namespace

int64_t insert_item(store::Tx& tx, const Item& i) {
  auto values = editable_values(i);
  values.insert(values.end(), {Value{int64_t{i.serialized}}, opt(i.total_supply),
                               Value{i.created_at}, Value{i.updated_at}});
  const int64_t id =
      tx.exec("INSERT INTO economy_items (" + std::string(kEditableColumns) +
                  ", serialized, total_supply, created_at, updated_at, asset) VALUES (" +
                  placeholders(1, kEditable + 4) + ", '') RETURNING id",
              values)
          .one()
          .i64(0);
  tx.exec("UPDATE economy_items SET asset = $1 WHERE id = $2",
          {Value{"ITEM_" + std::to_string(id)}, Value{id}});
  return id;
}

void update_item(store::Tx& tx, const Item& i) {
  auto values = editable_values(i);
  values.insert(values.end(), {Value{i.updated_at}, Value{i.id}});
  tx.exec("UPDATE economy_items SET (" + std::string(kEditableColumns) + ", updated_at) = (" +
              placeholders(1, kEditable + 1) + ") WHERE id = $" + std::to_string(kEditable + 2),
          values);
}

std::optional<Item> find_item(store::Tx& tx, int64_t id, bool for_update) {
  const auto r =
      tx.exec("SELECT " + std::string(kItemColumns) + " FROM economy_items WHERE id = $1" +
                  std::string(for_update ? tx.for_update() : ""),
              {Value{id}});
  if (r.empty()) return std::nullopt;
  return item_of(r.one());
}

std::optional<int64_t> item_id_by_legacy_id(store::Tx& tx, int64_t legacy_id) {
  const auto r = tx.exec("SELECT id FROM economy_items WHERE legacy_id = $1", {Value{legacy_id}});
  if (r.empty()) return std::nullopt;
  return r.one().i64(0);
}

std::optional<int64_t> item_id_by_slug(store::Tx& tx, const std::string& slug) {
  const auto r = tx.exec("SELECT id FROM economy_items WHERE slug = $1", {Value{slug}});
  if (r.empty()) return std::nullopt;
  return r.one().i64(0);
}

std::vector<Item> all_items(store::Tx& tx) {
  std::vector<Item> out;
  for (const auto& row :
       tx.exec("SELECT " + std::string(kItemColumns) + " FROM economy_items ORDER BY id").rows) {
    out.push_back(item_of(row));
  }
  return out;
}

void add_sold(store::Tx& tx, int64_t item_id, int64_t quantity) {
  tx.exec("UPDATE economy_items SET sold = sold + $2 WHERE id = $1",
          {Value{item_id}, Value{quantity}});
}

bool insert_price(store::Tx& tx, int64_t item_id, const PricePoint& p) {
  return tx.exec(
               "INSERT INTO economy_prices (item_id, day, price, bought_recent, bought_before)"
               " VALUES ($1, $2, $3, $4, $5) ON CONFLICT (item_id, day) DO NOTHING",
               {Value{item_id}, Value{p.day}, Value{p.price}, Value{p.recent}, Value{p.before}})
             .affected > 0;
}

std::vector<PricePoint> prices_since(store::Tx& tx, int64_t item_id, Micros since) {
  std::vector<PricePoint> out;
  for (const auto& r : tx.exec("SELECT day, price, bought_recent, bought_before FROM economy_prices"
                               " WHERE item_id = $1 AND day >= $2 ORDER BY day",
                               {Value{item_id}, Value{since}})
                           .rows) {
    out.push_back({r.i64(0), r.i64(1), r.i64(2), r.i64(3)});
  }
  return out;
}

std::map<int64_t, int64_t> prices_on_or_before(store::Tx& tx, Micros day) {
  std::map<int64_t, int64_t> out;
  for (const auto& r : tx.exec("SELECT p.item_id, p.price FROM economy_prices p WHERE p.day ="
                               " (SELECT MAX(q.day) FROM economy_prices q WHERE q.item_id ="
                               " p.item_id AND q.day <= $1)",
                               {Value{day}})
                           .rows) {
    out[r.i64(0)] = r.i64(1);
  }
  return out;
}

int64_t units_bought(store::Tx& tx, int64_t item_id, Micros since, Micros until) {
  return tx
      .exec(
          "SELECT COALESCE(SUM(quantity), 0) FROM economy_purchases WHERE item_id = $1"
          " AND created_at >= $2 AND created_at < $3",
          {Value{item_id}, Value{since}, Value{until}})
      .one()
      .i64(0);
}

int64_t units_bought_by(store::Tx& tx, int64_t item_id, int64_t user_id) {
  return tx
      .exec(
          "SELECT COALESCE(SUM(quantity), 0) FROM economy_purchases WHERE item_id = $1"
          " AND user_id = $2",
          {Value{item_id}, Value{user_id}})
      .one()
      .i64(0);
}

void insert_quote(store::Tx& tx, const Quote& q, Micros now) {
  tx.exec(
      "INSERT INTO economy_quotes (id, item_id, user_id, quantity, unit_price, expires_at,"
      " created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
      {Value{q.id}, Value{q.item_id}, Value{q.user_id}, Value{q.quantity}, Value{q.unit_price},
       Value{q.expires_at}, Value{now}});
}

std::optional<Quote> find_quote(store::Tx& tx, const std::string& id) {
  const auto r = tx.exec(
      "SELECT id, item_id, user_id, quantity, unit_price, expires_at FROM economy_quotes"
      " WHERE id = $1",
      {Value{id}});
  if (r.empty()) return std::nullopt;
  const auto& row = r.one();
  Quote q{row.str(0), row.i64(1), row.i64(2), row.i64(3), row.i64(4), 0, row.i64(5)};
  q.total = q.quantity * q.unit_price;
  return q;
}

bool quote_used(store::Tx& tx, const std::string& quote_id) {
  return !tx.exec("SELECT 1 FROM economy_purchases WHERE quote_id = $1", {Value{quote_id}}).empty();
}

std::optional<Purchase> find_purchase(store::Tx& tx, int64_t user_id, const std::string& key) {
  const auto r = tx.exec(
      "SELECT id, item_id, user_id, quantity, unit_price, total, idempotency_key, created_at,"
      " quote_id FROM economy_purchases WHERE user_id = $1 AND idempotency_key = $2",
      {Value{user_id}, Value{key}});
  if (r.empty()) return std::nullopt;
  const auto& row = r.one();
  Purchase p;
  p.id = row.i64(0);
  p.item_id = row.i64(1);
  p.user_id = row.i64(2);
  p.quantity = row.i64(3);
  p.unit_price = row.i64(4);
  p.total = row.i64(5);
  p.idempotency_key = row.str(6);
  p.created_at = row.i64(7);
  p.quote_id = row.str(8);
  return p;
}

int64_t insert_purchase(store::Tx& tx, const Purchase& p, const std::string& quote_id) {
  return tx
      .exec(
          "INSERT INTO economy_purchases (item_id, user_id, quantity, unit_price, total,"
          " quote_id, idempotency_key, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
          " RETURNING id",
          {Value{p.item_id}, Value{p.user_id}, Value{p.quantity}, Value{p.unit_price},
           Value{p.total}, Value{quote_id}, Value{p.idempotency_key}, Value{p.created_at}})
      .one()
      .i64(0);
}

int64_t next_serial(store::Tx& tx, int64_t item_id) {
  return tx.exec("SELECT COALESCE(MAX(serial), 0) FROM economy_instances WHERE item_id = $1",
                 {Value{item_id}})
             .one()
             .i64(0) +
         1;
}

void insert_instance(store::Tx& tx, int64_t item_id, int64_t serial, int64_t owner, Micros at) {
  tx.exec(
      "INSERT INTO economy_instances (item_id, serial, owner_id, acquired_at)"
      " VALUES ($1, $2, $3, $4)",
      {Value{item_id}, Value{serial}, Value{owner}, Value{at}});
}

std::vector<int64_t> serials_of(store::Tx& tx, int64_t item_id, int64_t owner) {
  std::vector<int64_t> out;
  for (const auto& r : tx.exec("SELECT serial FROM economy_instances WHERE item_id = $1"
                               " AND owner_id = $2 ORDER BY serial",
                               {Value{item_id}, Value{owner}})
                           .rows) {
    out.push_back(r.i64(0));
  }
  return out;
}

std::vector<std::string> instance_mismatches(store::Tx& tx) {
  // Per serialized item and user: the ledger balance against the instances owned.
  std::vector<std::string> out;
  const auto rows = tx.exec(
      "SELECT i.asset, a.owner_id, a.balance,"
      " (SELECT COUNT(*) FROM economy_instances x WHERE x.item_id = i.id"
      "  AND x.owner_id = a.owner_id AND x.hold_id IS NULL)"
      " FROM economy_items i JOIN accounts a ON a.currency = i.asset AND a.kind = 'user'"
      " WHERE i.serialized = 1"
      " UNION ALL"
      " SELECT i.asset, x.owner_id, 0, COUNT(*) FROM economy_instances x"
      " JOIN economy_items i ON i.id = x.item_id"
      " WHERE x.hold_id IS NULL AND NOT EXISTS (SELECT 1 FROM accounts a WHERE a.currency = i.asset"
      "  AND a.kind = 'user' AND a.owner_id = x.owner_id)"
      " GROUP BY i.asset, x.owner_id");
  for (const auto& r : rows.rows) {
    if (r.i64(2) != r.i64(3)) {
      out.push_back(r.str(0) + " user " + std::to_string(r.i64(1)) + ": " +
                    std::to_string(r.i64(3)) + " instances, balance " + std::to_string(r.i64(2)));
    }
  }
  // Units held by a trade or an auction: as many as the pending hold, which is of their item.
  for (const auto& r : tx.exec("SELECT x.hold_id, COUNT(*), h.amount, h.status, h.currency, i.asset"
                               " FROM economy_instances x JOIN economy_items i ON i.id = x.item_id"
                               " LEFT JOIN holds h ON h.id = x.hold_id WHERE x.hold_id IS NOT NULL"
                               " GROUP BY x.hold_id, h.amount, h.status, h.currency, i.asset")
                           .rows) {
    if (r.is_null(2) || r.str(3) != "pending" || r.str(4) != r.str(5) || r.i64(1) != r.i64(2)) {
      out.push_back(r.str(5) + " hold " + std::to_string(r.i64(0)) + ": " +
                    std::to_string(r.i64(1)) + " instances held, hold " +
                    (r.is_null(2) ? "missing" : r.str(3) + " of " + std::to_string(r.i64(2))));
    }
  }
  for (const auto& r :
       tx.exec("SELECT h.id, h.currency, h.amount FROM holds h JOIN economy_items i ON i.asset ="
               " h.currency WHERE i.serialized = 1 AND h.status = 'pending' AND NOT EXISTS"
               " (SELECT 1 FROM economy_instances x WHERE x.hold_id = h.id)")
           .rows) {
    out.push_back(r.str(1) + " hold " + std::to_string(r.i64(0)) + ": pending for " +
                  std::to_string(r.i64(2)) + " but holds no instance");
  }
  return out;
}

std::vector<std::pair<int64_t, int64_t>> holdings(store::Tx& tx, int64_t user_id) {
  std::vector<std::pair<int64_t, int64_t>> out;
  for (const auto& r :
       tx.exec("SELECT i.id, a.balance FROM accounts a JOIN economy_items i ON i.asset ="
               " a.currency WHERE a.kind = 'user' AND a.owner_id = $1 AND a.role = 'main'"
               " AND a.balance > 0 ORDER BY a.balance DESC, i.id",
               {Value{user_id}})
           .rows) {
    out.emplace_back(r.i64(0), r.i64(1));
  }
  return out;
}

}  // namespace sql
}  // namespace lucas::economy
