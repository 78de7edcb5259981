// Bot face of the economy: /shop (the items on sale, a page at a time, with buy buttons),
// /buy <id> [quantity] (a quote with a confirm button), /buyok <quote> (the purchase; pressing
// twice buys once), /inventory (what the sender holds). Each calls one EconomyService method.
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

}  // namespace lucas::economy
