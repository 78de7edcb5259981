// REST face of the economy: the shop (listing, an item with its price history, quotes, purchases),
// a player's inventory, and the admins' catalogue. Every route calls one EconomyService method.
#pragma once

#include "features/economy/economy.h"
#include "infra/http/http.h"

namespace lucas::economy {

void register_http(http::Router& router, EconomyService& service);

// The JSON of an item as listed (name and description in both languages, prices as money).
nlohmann::json item_json(const Item& item);

}  // namespace lucas::economy
