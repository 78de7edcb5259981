// Telegram face of the bank: the admins' statistics and rates, and the nickname commands; the
// reply text from the catalogue, in the user's language. It never talks to the network itself.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "features/bank/bank.h"
#include "features/users/users.h"

namespace lucas::bank {

// The nickname commands (bank_links_bot.cpp): /link [game nickname] for players; /claims,
// /approve, /reject, /unlink and /unclaimed for admins. The reply text, or nullopt when `cmd` is
// none of them. Errors propagate (the bot turns them into localized replies).
std::optional<std::string> link_command(BankService& bank, users::UserService& users,
                                        const users::User& u, const std::string& cmd,
                                        const std::string& args);

// The bank's bot face: admins' /stats and /rate. (The parse trigger is the review feature's, which
// sits above the bank and the parser.) The front door routes to it; bank_module.cpp registers it.
class BankBot {
 public:
  BankBot(BankService& bank, users::UserService& users);

  std::string stats_reply(const users::User& u);
  // `/rate <game> <currency> <k>` or `/rate <game> win <amount>`.
  std::string rate_reply(const users::User& u, const std::string& args);

 private:
  BankService& bank_;
  users::UserService& users_;
};

}  // namespace lucas::bank
