// Quotes, purchases and inventories.
#include <algorithm>

#include "base/ids.h"
#include "base/money.h"
#include "features/economy/economy.h"
#include "features/economy/economy_parts.h"
#include "features/economy/economy_store.h"

namespace lucas::economy {
namespace {

bool on_sale(const Item& item, Micros now) {
  return item.active && (!item.available_from || *item.available_from <= now) &&
         (!item.available_until || now < *item.available_until);
}

Error not_found(int64_t id) {
  return Error(ErrorCode::kNotFound, "no item " + std::to_string(id), {{"id", id}});
}

// The refusals a quote and a purchase share: not on sale, sold out, over the per-user limit.
void check_sellable(store::Tx& tx, const Item& item, int64_t user, int64_t quantity, Micros now) {
  if (!on_sale(item, now)) {
    throw Error(ErrorCode::kConflict, "item " + std::to_string(item.id) + " is not on sale",
                {{"reason", "not_on_sale"}, {"id", item.id}});
  }
  if (const auto left = item.left(); left && *left < quantity) {
    throw Error(ErrorCode::kConflict,
                *left == 0 ? "sold out" : "only " + std::to_string(*left) + " left",
                {{"reason", "sold_out"}, {"left", *left}});
  }
  if (item.per_user_limit) {
    const int64_t had = sql::units_bought_by(tx, item.id, user);
    if (had + quantity > *item.per_user_limit) {
      throw Error(ErrorCode::kConflict,
                  "at most " + std::to_string(*item.per_user_limit) + " per player",
                  {{"reason", "limit"},
                   {"limit", *item.per_user_limit},
                   {"bought", had},
                   {"may_buy", std::max<int64_t>(0, *item.per_user_limit - had)}});
    }
  }
}

}  // namespace

Quote EconomyService::quote(const users::Actor& actor, int64_t item_id, int64_t quantity) {
  const int64_t user = require_player(actor, users::scope::kShopBuy);
  if (quantity < 1 || quantity > options_.max_quantity) {
    throw Error(ErrorCode::kInvalidArgument,
                "quantity must be between 1 and " + std::to_string(options_.max_quantity),
                {{"field", "quantity"}});
  }
  const Micros now = clock_.now();
  return db_.transact([&](store::Tx& tx) {
    const auto item = sql::find_item(tx, item_id);
    if (!item) throw not_found(item_id);
    check_sellable(tx, *item, user, quantity, now);
    Quote q{"q_" + random_hex(12),   item_id, user, quantity, item->shown(), 0,
            now + options_.quote_ttl};
    q.total = checked_mul(q.unit_price, quantity);
    sql::insert_quote(tx, q, now);
    return q;
  });
}

Purchase EconomyService::buy(const users::Actor& actor, const std::string& quote_id,
                             const std::string& key) {
  require_player(actor, users::scope::kShopBuy);
  if (key.empty() || key.size() > 200) {
    throw Error(ErrorCode::kInvalidArgument, "the idempotency key must be 1 to 200 bytes",
                {{"field", "idempotency_key"}});
  }
  Purchase p = db_.transact([&](store::Tx& tx) { return buy_in(tx, actor, quote_id, key); });
  if (!p.replayed) catalogue_changed();  // what is left changed
  return p;
}

Purchase EconomyService::buy_in(store::Tx& tx, const users::Actor& actor,
                                const std::string& quote_id, const std::string& key) {
  const int64_t user = actor.user_id;
  if (auto done = sql::find_purchase(tx, user, key)) {
    if (done->quote_id != quote_id) {
      throw Error(ErrorCode::kIdempotencyConflict,
                  "this idempotency key was used for another purchase",
                  {{"purchase_id", done->id}});
    }
    done->serials = {};
    const auto item = sql::find_item(tx, done->item_id);
    if (item && item->serialized) done->serials = sql::serials_of(tx, done->item_id, user);
    done->replayed = true;
    return *done;
  }
  const auto q = sql::find_quote(tx, quote_id);
  if (!q || q->user_id != user) {
    throw Error(ErrorCode::kNotFound, "no such quote", {{"quote_id", quote_id.substr(0, 64)}});
  }
  const Micros now = clock_.now();
  // Locks the item (PostgreSQL): purchases of one item take turns, so `sold` and the serials
  // below are exact; the stock account's own lock makes overselling impossible anyway.
  auto item = sql::find_item(tx, q->item_id, true);
  if (!item) throw not_found(q->item_id);
  if (sql::quote_used(tx, quote_id)) {
    throw Error(ErrorCode::kConflict, "this quote was bought already; ask for a new one",
                {{"reason", "quote_used"}});
  }
  if (now > q->expires_at) {
    throw Error(ErrorCode::kConflict, "the quote expired; confirm the current price",
                {{"reason", "quote_expired"},
                 {"quoted", q->unit_price},
                 {"current", item->shown()},
                 {"item_id", item->id}});
  }
  check_sellable(tx, *item, user, q->quantity, now);

  Purchase p;
  p.item_id = item->id;
  p.user_id = user;
  p.quantity = q->quantity;
  p.unit_price = q->unit_price;
  p.total = q->total;
  p.idempotency_key = key;
  p.quote_id = quote_id;
  p.created_at = now;
  const std::string base = "economy.buy:" + std::to_string(user) + ":" + key;
  const nlohmann::json meta{
      {"item", item->id}, {"quantity", p.quantity}, {"unit_price", p.unit_price}};
  // The coins first: a buyer who cannot pay gets INSUFFICIENT_FUNDS and nothing moves.
  const auto wallet = ledger_.user_account(tx, user, ledger::kCoin);
  const auto revenue = ledger_.system_account(tx, "shop:revenue", ledger::kCoin);
  ledger_.move(tx, base + ":coins", wallet, revenue, p.total, ledger::kCoin, "shop.purchase", meta);
  const auto from = item->total_supply ? ledger_.system_account(tx, "shop:stock", item->asset)
                                       : ledger_.system_account(tx, "mint:shop", item->asset, true);
  ledger_.move(tx, base + ":items", from, ledger_.user_account(tx, user, item->asset), p.quantity,
               item->asset, "shop.purchase", meta);
  if (item->serialized) {
    const int64_t first = sql::next_serial(tx, item->id);
    for (int64_t s = first; s < first + p.quantity; ++s) {
      sql::insert_instance(tx, item->id, s, user, now);
    }
    p.serials = sql::serials_of(tx, item->id, user);
  }
  sql::add_sold(tx, item->id, p.quantity);
  p.id = sql::insert_purchase(tx, p, quote_id);
  // The two transfers reach the audit log from the outbox (AuditLog::follow_ledger).
  return p;
}

std::vector<Holding> EconomyService::inventory(const users::Actor& actor, int64_t user_id) {
  if (!actor.console) {
    actor.require_scope(users::scope::kInventoryRead);
    if (actor.user_id != user_id) {
      actor.require_scope(users::scope::kAdmin);
      if (actor.role != users::Role::kAdmin && actor.role != users::Role::kOwner &&
          actor.role != users::Role::kModerator) {
        throw Error(ErrorCode::kForbidden, "a player's items are theirs to see");
      }
    }
  }
  return db_.read([&](store::Tx& tx) {
    std::vector<Holding> out;
    for (const auto& [id, quantity] : sql::holdings(tx, user_id)) {
      auto item = sql::find_item(tx, id);
      if (!item) continue;
      Holding h{std::move(*item), quantity, {}};
      if (h.item.serialized) h.serials = sql::serials_of(tx, id, user_id);
      out.push_back(std::move(h));
    }
    return out;
  });
}

}  // namespace lucas::economy
