#include "features/legacy/legacy_shop.h"

#include <algorithm>

#include "base/money.h"
#include "features/legacy/legacy_store.h"

namespace lucas::legacy {
namespace {

// At most `max` bytes, never cutting a UTF-8 sequence.
std::string cut(const std::string& s, size_t max) {
  if (s.size() <= max) return s;
  size_t n = max;
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
  return s.substr(0, n);
}

// The legacy item type (sticker, privilege, boost, ...) when it is a valid category.
std::string category_of(const std::string& type) {
  const bool ok = !type.empty() && type.size() <= 30 && type[0] >= 'a' && type[0] <= 'z' &&
                  std::all_of(type.begin(), type.end(),
                              [](char c) { return (c >= 'a' && c <= 'z') || c == '_'; });
  return ok ? type : "legacy";
}

}  // namespace

AdoptReport adopt_shop_items(store::Database& db, economy::EconomyService& shop) {
  AdoptReport report;
  const auto staged = db.read([](store::Tx& tx) { return sql::staged_shop_items(tx); });
  for (const auto& s : staged) {
    if (shop.item_by_legacy_id(s.legacy_id)) {
      ++report.existing;
      continue;
    }
    economy::ItemDraft d;
    d.slug = "legacy-" + std::to_string(s.legacy_id);
    d.name_ru = d.name_en = cut(s.name.empty() ? *d.slug : s.name, 200);
    d.description_ru = d.description_en = cut(s.description, 2000);
    d.category = category_of(s.item_type);
    d.rarity = "common";
    int64_t price = 1;
    try {
      // Within the catalogue's bounds (max_price = 4 x price <= 10^15 minor units).
      price = std::clamp<int64_t>(parse_amount(s.price, 2), 1, 250'000'000'000'000);
    } catch (const Error&) {
      // An unreadable price: listed at the lowest price, inactive, for an admin to set.
      d.active = false;
    }
    d.base_price = price;
    d.min_price = std::max<int64_t>(1, price / 2);
    d.max_price = price * 4;
    if (s.purchase_limit && *s.purchase_limit > 0) d.per_user_limit = *s.purchase_limit;
    if (!d.active) d.active = s.active;  // as it was, unless its price was unreadable
    d.legacy_id = s.legacy_id;
    shop.create_item(users::Actor::console_operator(), d);
    ++report.adopted;
  }
  return report;
}

}  // namespace lucas::legacy
