// The legacy bot's shop items, staged by the import (legacy_shop_items), become items of the
// economy's catalogue: "legacy-<id>", the old name in both languages (it was Russian), the old
// price in coins as the base price (min half of it, max four times), the old purchase limit, and
// active as it was. Items already adopted (by legacy id) are left alone, so it can run again.
#pragma once

#include "features/economy/economy.h"
#include "infra/store/db.h"

namespace lucas::legacy {

struct AdoptReport {
  int adopted = 0;   // new catalogue items
  int existing = 0;  // adopted before
};

AdoptReport adopt_shop_items(store::Database& db, economy::EconomyService& shop);

}  // namespace lucas::legacy
