// The catalogue, the shop's listing, price history and the daily repricing.
#include "features/economy/economy.h"

#include <algorithm>

#include "base/money.h"
#include "features/economy/economy_parts.h"
#include "features/economy/economy_store.h"
#include "infra/audit/audit.h"

namespace lucas::economy {
namespace {

constexpr Micros kDay = 86'400'000'000;
constexpr int64_t kMaxPrice = 1'000'000'000'000'000;  // 10^13 coins
constexpr int64_t kMaxSupply = 1'000'000'000;
constexpr int64_t kMaxSerialized = 100'000;
const std::vector<std::string> kRarities = {"common", "uncommon", "rare", "epic", "legendary"};

void check_text(const std::string& field, const std::string& value, size_t min, size_t max) {
  if (value.size() < min || value.size() > max) {
    throw field_error(field,
                      "must be " + std::to_string(min) + " to " + std::to_string(max) + " bytes");
  }
}

void check_range(const std::string& field, int64_t value, int64_t min, int64_t max) {
  if (value < min || value > max) {
    throw field_error(field,
                      "must be between " + std::to_string(min) + " and " + std::to_string(max));
  }
}

bool lower(char c) {
  return c >= 'a' && c <= 'z';
}
bool digit(char c) {
  return c >= '0' && c <= '9';
}

// [a-z0-9][a-z0-9-]{1,39}
bool slug_like(const std::string& s) {
  if (s.size() < 2 || s.size() > 40 || s[0] == '-') return false;
  return std::all_of(s.begin(), s.end(), [](char c) { return lower(c) || digit(c) || c == '-'; });
}

// [a-z][a-z_]{0,29}
bool category_like(const std::string& s) {
  if (s.empty() || s.size() > 30 || !lower(s[0])) return false;
  return std::all_of(s.begin(), s.end(), [](char c) { return lower(c) || c == '_'; });
}

// Applies the draft's fields to `item` and checks the whole result.
void apply(Item& item, const ItemDraft& d, bool creating) {
  if (d.slug) item.slug = *d.slug;
  if (d.name_ru) item.name_ru = *d.name_ru;
  if (d.name_en) item.name_en = *d.name_en;
  if (d.description_ru) item.description_ru = *d.description_ru;
  if (d.description_en) item.description_en = *d.description_en;
  if (d.category) item.category = *d.category;
  if (d.rarity) item.rarity = *d.rarity;
  if (d.tradeable) item.tradeable = *d.tradeable;
  if (d.giftable) item.giftable = *d.giftable;
  if (d.active) item.active = *d.active;
  if (!creating && (d.total_supply || d.serialized)) {
    throw field_error(d.total_supply ? "total_supply" : "serialized",
                      "is fixed when the item is created");
  }
  if (d.total_supply) item.total_supply = *d.total_supply;
  if (d.serialized) item.serialized = *d.serialized;
  if (d.per_user_limit) {
    item.per_user_limit =
        *d.per_user_limit == 0 ? std::nullopt : std::optional<int64_t>(*d.per_user_limit);
  }
  if (d.base_price) item.base_price = *d.base_price;
  if (d.min_price) item.min_price = *d.min_price;
  if (d.max_price) item.max_price = *d.max_price;
  if (d.seasonal_pct) item.seasonal_pct = *d.seasonal_pct;
  if (d.available_from) {
    item.available_from =
        *d.available_from == 0 ? std::nullopt : std::optional<Micros>(*d.available_from);
  }
  if (d.available_until) {
    item.available_until =
        *d.available_until == 0 ? std::nullopt : std::optional<Micros>(*d.available_until);
  }
  if (d.legacy_id) item.legacy_id = *d.legacy_id;

  if (!slug_like(item.slug)) {
    throw field_error("slug", "must be 2-40 of a-z, 0-9 and -, starting with a letter or digit");
  }
  check_text("name_ru", item.name_ru, 1, 200);
  check_text("name_en", item.name_en, 1, 200);
  check_text("description_ru", item.description_ru, 0, 2000);
  check_text("description_en", item.description_en, 0, 2000);
  if (!category_like(item.category)) {
    throw field_error("category", "must be 1-30 of a-z and _, starting with a letter");
  }
  if (std::find(kRarities.begin(), kRarities.end(), item.rarity) == kRarities.end()) {
    throw Error(ErrorCode::kInvalidArgument,
                "rarity: must be one of common, uncommon, rare, epic, legendary",
                {{"field", "rarity"}, {"allowed", kRarities}});
  }
  check_range("min_price", item.min_price, 1, kMaxPrice);
  check_range("max_price", item.max_price, item.min_price, kMaxPrice);
  check_range("base_price", item.base_price, item.min_price, item.max_price);
  check_range("seasonal_pct", item.seasonal_pct, kMinSeasonalPct, kMaxSeasonalPct);
  if (item.total_supply) check_range("total_supply", *item.total_supply, 1, kMaxSupply);
  if (item.serialized) {
    if (!item.total_supply)
      throw field_error("serialized", "needs a total_supply (a limited item)");
    check_range("total_supply", *item.total_supply, 1, kMaxSerialized);
  }
  if (item.per_user_limit) check_range("per_user_limit", *item.per_user_limit, 1, kMaxSupply);
  if (item.available_from && item.available_until &&
      *item.available_from >= *item.available_until) {
    throw field_error("available_until", "must be after available_from");
  }
}

nlohmann::json describe(const Item& i) {
  return {{"slug", i.slug},
          {"price", i.price},
          {"min_price", i.min_price},
          {"max_price", i.max_price},
          {"seasonal_pct", i.seasonal_pct},
          {"active", i.active},
          {"total_supply", i.total_supply ? nlohmann::json(*i.total_supply) : nullptr}};
}

}  // namespace

EconomyService::EconomyService(store::Database& db, ledger::Ledger& ledger, audit::AuditLog* audit,
                               const Clock& clock, Options options)
    : db_(db), ledger_(ledger), audit_(audit), clock_(clock), options_(options) {
  ledger_.add_check("economy.instances",
                    [](store::Tx& tx) { return sql::instance_mismatches(tx); });
}

void EconomyService::require_admin(const users::Actor& actor, const std::string& action,
                                   const std::string& target) {
  if (actor.console) return;
  actor.require_scope(users::scope::kAdmin);
  if (actor.role == users::Role::kAdmin || actor.role == users::Role::kOwner) return;
  if (audit_ != nullptr) {
    db_.transact([&](store::Tx& tx) {
      audit_->append(tx, audit::entry(actor.user_id, action, target, {}, "denied"));
    });
  }
  throw Error(ErrorCode::kForbidden, "only admins manage the catalogue");
}

Item EconomyService::create_item(const users::Actor& actor, const ItemDraft& draft) {
  require_admin(actor, "economy.item_create", "item:new");
  Item item;
  item.created_at = item.updated_at = clock_.now();
  apply(item, draft, true);
  item.price = item.base_price;
  const Item created = db_.transact([&](store::Tx& tx) {
    if (sql::item_id_by_slug(tx, item.slug)) {
      throw Error(ErrorCode::kConflict, "slug '" + item.slug + "' is in use", {{"field", "slug"}});
    }
    item.id = sql::insert_item(tx, item);
    item.asset = "ITEM_" + std::to_string(item.id);
    ledger_.add_currency(tx, ledger::Currency{item.asset, 0, item.name_en});
    if (item.total_supply) {
      // The whole supply goes to the shop's stock now; it may never go negative.
      const auto mint = ledger_.system_account(tx, "mint:shop", item.asset, true);
      const auto stock = ledger_.system_account(tx, "shop:stock", item.asset);
      ledger_.move(tx, "economy.supply:" + std::to_string(item.id), mint, stock, *item.total_supply,
                   item.asset, "shop.supply", {{"item", item.id}});
    }
    sql::insert_price(tx, item.id, {item.created_at / kDay * kDay, item.price, 0, 0});
    if (audit_ != nullptr) {
      audit_->append(tx, audit::entry(actor.user_id, "economy.item_create",
                                      "item:" + std::to_string(item.id), describe(item)));
    }
    return item;
  });
  catalogue_changed();
  return created;
}

Item EconomyService::update_item(const users::Actor& actor, int64_t id, const ItemDraft& draft) {
  require_admin(actor, "economy.item_update", "item:" + std::to_string(id));
  const Item updated = db_.transact([&](store::Tx& tx) {
    auto item = sql::find_item(tx, id, true);
    if (!item) throw Error(ErrorCode::kNotFound, "no item " + std::to_string(id), {{"id", id}});
    const Item before = *item;
    apply(*item, draft, false);
    if (item->slug != before.slug && sql::item_id_by_slug(tx, item->slug)) {
      throw Error(ErrorCode::kConflict, "slug '" + item->slug + "' is in use", {{"field", "slug"}});
    }
    // A new base price restarts the dynamic price there; new bounds pull the price inside them
    // now, so that the daily adjustment always starts within [min, max].
    if (draft.base_price) item->price = item->base_price;
    item->price = std::clamp(item->price, item->min_price, item->max_price);
    item->updated_at = clock_.now();
    sql::update_item(tx, *item);
    if (audit_ != nullptr) {
      audit_->append(
          tx, audit::entry(actor.user_id, "economy.item_update", "item:" + std::to_string(id),
                           {{"before", describe(before)}, {"after", describe(*item)}}));
    }
    return *item;
  });
  catalogue_changed();
  return updated;
}

Item EconomyService::item(int64_t id) {
  return db_.read([&](store::Tx& tx) {
    auto item = sql::find_item(tx, id);
    if (!item) throw Error(ErrorCode::kNotFound, "no item " + std::to_string(id), {{"id", id}});
    return *item;
  });
}

std::optional<Item> EconomyService::item_by_legacy_id(int64_t legacy_id) {
  return db_.read([&](store::Tx& tx) -> std::optional<Item> {
    const auto id = sql::item_id_by_legacy_id(tx, legacy_id);
    if (!id) return std::nullopt;
    return sql::find_item(tx, *id);
  });
}

ShopPage EconomyService::browse(const users::Actor& actor, const ShopQuery& q) {
  check_range("limit", q.limit, 1, 100);
  check_range("offset", q.offset, 0, kMaxSupply);
  if (q.sort != "name" && q.sort != "price" && q.sort != "-price" && q.sort != "trend") {
    throw field_error("sort", "must be name, price, -price or trend");
  }
  if (q.rarity && std::find(kRarities.begin(), kRarities.end(), *q.rarity) == kRarities.end()) {
    throw field_error("rarity", "must be one of common, uncommon, rare, epic, legendary");
  }
  if (q.include_inactive) require_admin(actor, "economy.catalogue_read", "items");
  const Micros now = clock_.now();
  const auto catalogue = listing_snapshot(now);
  // The matching items by reference into the snapshot; only the page is copied out.
  struct Match {
    const Item* item;
    int64_t shown;
    int64_t trend_bp;
  };
  std::vector<Match> all;
  for (const auto& [item, trend] : catalogue->items) {
    const bool on_sale = item.active && (!item.available_from || *item.available_from <= now) &&
                         (!item.available_until || now < *item.available_until);
    if (!on_sale && !q.include_inactive) continue;
    if (q.category && item.category != *q.category) continue;
    if (q.rarity && item.rarity != *q.rarity) continue;
    const int64_t shown = item.shown();
    if ((q.min_price && shown < *q.min_price) || (q.max_price && shown > *q.max_price)) continue;
    all.push_back({&item, shown, trend});
  }
  const auto by = [&](const Match& a, const Match& b) {
    if (q.sort == "price" && a.shown != b.shown) return a.shown < b.shown;
    if (q.sort == "-price" && a.shown != b.shown) return a.shown > b.shown;
    if (q.sort == "trend" && a.trend_bp != b.trend_bp) return a.trend_bp > b.trend_bp;
    if (a.item->name_en != b.item->name_en) return a.item->name_en < b.item->name_en;
    return a.item->id < b.item->id;
  };
  std::sort(all.begin(), all.end(), by);
  ShopPage page;
  page.total = static_cast<int64_t>(all.size());
  for (int64_t i = q.offset; i < page.total && i < q.offset + q.limit; ++i) {
    const Match& m = all[static_cast<size_t>(i)];
    page.items.push_back({*m.item, m.shown, m.trend_bp});
  }
  if (q.offset + q.limit < page.total) page.next_offset = q.offset + q.limit;
  return page;
}

std::shared_ptr<const EconomyService::Snapshot> EconomyService::listing_snapshot(Micros now) {
  {
    std::lock_guard lock(snapshot_mu_);
    if (snapshot_ && now >= snapshot_->built && now - snapshot_->built < kSnapshotTtl) {
      return snapshot_;
    }
  }
  auto fresh = std::make_shared<Snapshot>();
  fresh->built = now;
  const uint64_t generation = changes_.load();
  db_.read([&](store::Tx& tx) {
    const auto week_ago = sql::prices_on_or_before(tx, now - 7 * kDay);
    for (auto& item : sql::all_items(tx)) {
      const auto then = week_ago.find(item.id);
      const int64_t trend = then != week_ago.end() && then->second > 0
                                ? (item.price - then->second) * 10'000 / then->second
                                : 0;
      fresh->items.emplace_back(std::move(item), trend);
    }
  });
  std::lock_guard lock(snapshot_mu_);
  // A change committed while this was read may be missing from it: use it once, keep nothing.
  if (changes_.load() == generation) snapshot_ = fresh;
  return fresh;
}

void EconomyService::catalogue_changed() {
  ++changes_;
  std::lock_guard lock(snapshot_mu_);
  snapshot_.reset();
}

std::vector<PricePoint> EconomyService::price_history(int64_t item_id, int days) {
  check_range("days", days, 1, 365);
  item(item_id);  // NOT_FOUND
  const Micros today = clock_.now() / kDay * kDay;
  return db_.read(
      [&](store::Tx& tx) { return sql::prices_since(tx, item_id, today - (days - 1) * kDay); });
}

int EconomyService::reprice() {
  const Micros now = clock_.now();
  const Micros today = now / kDay * kDay;
  const auto items = db_.read([](store::Tx& tx) { return sql::all_items(tx); });
  int adjusted = 0;
  for (const auto& listed : items) {
    adjusted += db_.transact([&](store::Tx& tx) {
      auto item = sql::find_item(tx, listed.id, true);
      if (!item) return 0;
      const int64_t recent = sql::units_bought(tx, item->id, now - 7 * kDay, now);
      const int64_t before = sql::units_bought(tx, item->id, now - 14 * kDay, now - 7 * kDay);
      const int64_t price =
          next_price(item->price, recent, before, item->min_price, item->max_price);
      if (!sql::insert_price(tx, item->id, {today, price, recent, before})) return 0;  // done
      item->price = price;
      item->updated_at = now;
      sql::update_item(tx, *item);
      return 1;
    });
  }
  if (adjusted > 0) catalogue_changed();
  return adjusted;
}

}  // namespace lucas::economy
