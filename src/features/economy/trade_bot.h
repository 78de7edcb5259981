// Bot face of trading: /trade <@user|id> <what you give> for <what you want> [!] (an offer:
// items as #3 or #3x2, coins as 50 or 12.50, "-" for nothing; "!" confirms a lopsided one),
// /trades [done] (open offers with accept/decline/cancel buttons, or finished ones),
// /tradeok <id> <version> [!] (accept), /tradeno <id> (decline or cancel). Each calls one
// TradeService method.
#pragma once

#include <string>

#include "features/economy/trade.h"
#include "features/users/users.h"
#include "infra/telegram/commands.h"

namespace lucas::economy {

// `use_key` names this use of the command (the offer's idempotency key: a redelivered update
// offers once).
telegram::Reply trade_reply(TradeService& service, users::UserService& users,
                            const users::User& user, const std::string& args,
                            const std::string& use_key);
telegram::Reply trades_reply(TradeService& service, const users::User& user,
                             const std::string& args);
telegram::Reply trade_accept_reply(TradeService& service, const users::User& user,
                                   const std::string& args);
telegram::Reply trade_cancel_reply(TradeService& service, const users::User& user,
                                   const std::string& args);

// The offer's parts as typed: "#3x2 50" -> items {3: 2}, 50.00 coins. nullopt when a word is
// neither (or an item repeats).
std::optional<TradeSide> parse_trade_side(const std::string& text);

}  // namespace lucas::economy
