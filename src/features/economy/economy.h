// The economy's core: items as ledger assets, the admins' catalogue, the shop with dynamic prices,
// and each player's inventory (requirement 13, Property 14).
//
// An item type is a ledger currency of scale 0 ("ITEM_<id>"): units move by balanced transfers
// exactly like coins, so `lucas ledger check` proves per-item conservation. A limited item's whole
// supply is minted into the shop's stock account when the item is created; a purchase moves units
// out of it, and since the stock may not go negative, no concurrency can oversell it. Serialized
// items ("№ 17 of 500") also have one row per unit naming its owner, written in the transfer's
// transaction; a ledger invariant checks that each owner's instances match their balance.
//
// Buying is two steps: a quote (the price shown, valid for quote_ttl) and the purchase of that
// quote with an idempotency key. The price charged is the quoted one; an expired quote is refused
// with the current price, to be confirmed again.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "base/clock.h"
#include "features/users/users.h"
#include "infra/store/db.h"
#include "infra/store/migrate.h"
#include "ledger/ledger.h"

namespace lucas::audit {
class AuditLog;
}

namespace lucas::economy {

store::MigrationSet migrations();

// --------------------------------------------------------------- dynamic pricing (Property 14)

inline constexpr int64_t kMaxStepBp = 2000;  // one daily adjustment moves at most 20 %
inline constexpr int kMinSeasonalPct = 50;
inline constexpr int kMaxSeasonalPct = 200;

// The daily adjustment: the change in demand between the last 7 days' units bought (`recent`)
// and the 7 days before (`before`), f = (recent - before) / (recent + before + 10) in (-1, 1)
// (the 10 keeps a handful of purchases from moving a quiet item much), becomes a step of f / 2,
// bounded to ±20 %: new = current + trunc(current * step_bp / 10000), then clamped to
// [min_price, max_price]. `current` must already be within [min_price, max_price] (the catalogue
// keeps it there), so the result never moves more than 20 % and never leaves the bounds.
int64_t next_price(int64_t current, int64_t recent, int64_t before, int64_t min_price,
                   int64_t max_price);
// The step in basis points (-2000..2000) that next_price applies before clamping.
int64_t demand_step_bp(int64_t recent, int64_t before);
// The price a buyer sees: the dynamic price times the seasonal modifier (percent), rounded down,
// clamped to [min_price, max_price].
int64_t shown_price(int64_t price, int seasonal_pct, int64_t min_price, int64_t max_price);

// --------------------------------------------------------------- the catalogue

struct Item {
  int64_t id = 0;
  std::string slug;  // a-z0-9-, unique: "golden-dice"
  std::string name_ru, name_en;
  std::string description_ru, description_en;
  std::string category;  // "cosmetic", "boost", ...
  std::string rarity;    // common, uncommon, rare, epic, legendary
  std::string asset;     // the ledger currency: "ITEM_<id>"
  bool tradeable = true;
  bool giftable = true;
  bool serialized = false;              // every unit numbered (limited items only)
  std::optional<int64_t> total_supply;  // nullopt: unlimited
  std::optional<int64_t> per_user_limit;
  int64_t base_price = 0;  // coin minor units
  int64_t min_price = 0;
  int64_t max_price = 0;
  int64_t price = 0;  // the dynamic price, before the seasonal modifier
  int seasonal_pct = 100;
  std::optional<Micros> available_from, available_until;
  bool active = true;
  std::optional<int64_t> legacy_id;
  Micros created_at = 0, updated_at = 0;
  int64_t sold = 0;  // units sold by the shop

  int64_t shown() const { return shown_price(price, seasonal_pct, min_price, max_price); }
  std::optional<int64_t> left() const {
    return total_supply ? std::optional<int64_t>(*total_supply - sold) : std::nullopt;
  }
  const std::string& name(const std::string& language) const {
    return language == "en" ? name_en : name_ru;
  }
};

// What an admin sets; on update, absent fields keep their value. Prices are coin minor units.
struct ItemDraft {
  std::optional<std::string> slug, name_ru, name_en, description_ru, description_en, category,
      rarity;
  std::optional<bool> tradeable, giftable, serialized, active;
  std::optional<int64_t> total_supply, per_user_limit;  // 0 clears per_user_limit
  std::optional<int64_t> base_price, min_price, max_price;
  std::optional<int> seasonal_pct;
  std::optional<Micros> available_from, available_until;  // 0 clears
  std::optional<int64_t> legacy_id;
};

struct ShopQuery {
  std::optional<std::string> category, rarity;
  std::optional<int64_t> min_price, max_price;  // on the shown price
  std::string sort = "name";                    // name, price, -price, trend
  int limit = 20;                               // 1..100
  int64_t offset = 0;                           // from next_offset
  bool include_inactive = false;                // admins: the whole catalogue
};

struct Listing {
  Item item;
  int64_t shown = 0;
  int64_t trend_bp = 0;  // the dynamic price against 7 days ago, basis points
};

struct ShopPage {
  std::vector<Listing> items;
  std::optional<int64_t> next_offset;
  int64_t total = 0;
};

struct PricePoint {
  Micros day = 0;  // 00:00 UTC
  int64_t price = 0;
  int64_t recent = 0;  // units bought in the 7 days before the adjustment
  int64_t before = 0;  // ... and in the 7 days before those
};

struct Quote {
  std::string id;
  int64_t item_id = 0;
  int64_t user_id = 0;
  int64_t quantity = 0;
  int64_t unit_price = 0;
  int64_t total = 0;
  Micros expires_at = 0;
};

struct Purchase {
  int64_t id = 0;
  int64_t item_id = 0;
  int64_t user_id = 0;
  int64_t quantity = 0;
  int64_t unit_price = 0;
  int64_t total = 0;
  std::vector<int64_t> serials;
  std::string idempotency_key;
  std::string quote_id;
  Micros created_at = 0;
  bool replayed = false;  // the key had been used: this is the first result
};

struct Holding {
  Item item;
  int64_t quantity = 0;
  std::vector<int64_t> serials;  // serialized items: the numbers held
};

struct Options {
  Micros quote_ttl = 60'000'000;  // a quote holds its price for a minute
  int64_t max_quantity = 100;     // units per purchase
};

class EconomyService {
 public:
  EconomyService(store::Database& db, ledger::Ledger& ledger, audit::AuditLog* audit,
                 const Clock& clock, Options options = {});

  // Admins and the owner (audited; refusals too). INVALID_ARGUMENT naming the field for bad
  // values; CONFLICT for a slug in use.
  Item create_item(const users::Actor& actor, const ItemDraft& draft);
  Item update_item(const users::Actor& actor, int64_t id, const ItemDraft& draft);

  Item item(int64_t id);  // NOT_FOUND
  // The item imported from the legacy bot's shop item `legacy_id`, if any.
  std::optional<Item> item_by_legacy_id(int64_t legacy_id);
  // Active items on sale now (admins with include_inactive: every item).
  ShopPage browse(const users::Actor& actor, const ShopQuery& query);
  // The last `days` daily prices, oldest first.
  std::vector<PricePoint> price_history(int64_t item_id, int days = 30);

  // The price of `quantity` units for the actor, held for quote_ttl. Refusals name the reason:
  // not on sale, SOLD_OUT-style CONFLICT (details.reason "sold_out", "left"), over the per-user
  // limit (reason "limit"), quantity out of range.
  Quote quote(const users::Actor& actor, int64_t item_id, int64_t quantity);
  // Buys a quote: coins to the shop, units from its stock to the actor, one transaction. A repeat
  // of the key returns the first purchase; the same key for another quote is
  // IDEMPOTENCY_CONFLICT; an expired quote is CONFLICT (reason "quote_expired", with the current
  // price); someone else's quote is NOT_FOUND; INSUFFICIENT_FUNDS when the coins are short.
  Purchase buy(const users::Actor& actor, const std::string& quote_id,
               const std::string& idempotency_key);

  // What a user holds (themself, or anyone for admins), largest quantities first.
  std::vector<Holding> inventory(const users::Actor& actor, int64_t user_id);

  // The daily job: every item's price adjusted by next_price from the purchases of the last 14
  // days, once per UTC day (a rerun the same day changes nothing). Returns the items adjusted.
  int reprice();

 private:
  void require_admin(const users::Actor& actor, const std::string& action,
                     const std::string& target);
  Purchase buy_in(store::Tx& tx, const users::Actor& actor, const std::string& quote_id,
                  const std::string& key);

  // The listing reads the catalogue from a copy at most kSnapshotTtl old, dropped at once by this
  // node's own changes (another node's purchase shows within the TTL; quotes and purchases always
  // read the database).
  static constexpr Micros kSnapshotTtl = 2'000'000;
  struct Snapshot {
    Micros built = 0;
    std::vector<std::pair<Item, int64_t>> items;  // with the trend in basis points
  };
  std::shared_ptr<const Snapshot> listing_snapshot(Micros now);
  void catalogue_changed();  // after a commit that changed items, prices or what was sold
  std::mutex snapshot_mu_;
  std::shared_ptr<const Snapshot> snapshot_;
  std::atomic<uint64_t> changes_{0};

  store::Database& db_;
  ledger::Ledger& ledger_;
  audit::AuditLog* audit_;
  const Clock& clock_;
  Options options_;
};

}  // namespace lucas::economy
