// Bot face of the economy: /shop (the items on sale, a page at a time, with buy buttons),
// /buy <id> [quantity] (a quote with a confirm button), /buyok <quote> (the purchase; pressing
// twice buys once), /inventory (what the sender holds), and for admins /itemset (one catalogue
// field). Each calls one EconomyService method.
#pragma once

#include <string>

#include "features/economy/economy.h"
#include "features/users/users.h"
#include "infra/telegram/commands.h"

namespace lucas::economy {

telegram::Reply shop_reply(EconomyService& service, const users::User& user,
                           const std::string& args);
telegram::Reply buy_reply(EconomyService& service, const users::User& user,
                          const std::string& args);
telegram::Reply buy_confirm_reply(EconomyService& service, const users::User& user,
                                  const std::string& args);
telegram::Reply inventory_reply(EconomyService& service, const users::User& user);
// Admins: /itemset <id> <price|min|max|season|active|limit> <value> — one catalogue field
// (prices in coins "12.50", season in percent, active on|off, limit a number or 0 for none).
telegram::Reply item_set_reply(EconomyService& service, const users::User& user,
                               const std::string& args);

}  // namespace lucas::economy
