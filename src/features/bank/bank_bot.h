// Telegram face of the bank: decodes a game message, calls the bank service, and returns the reply
// text (from the catalogue, in the user's language). It never talks to the network itself.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "features/bank/bank.h"
#include "features/parser/parser_bot.h"
#include "features/parser/review.h"
#include "features/users/users.h"
#include "infra/telegram/types.h"

namespace lucas::bank {

// The AI parser and what learns from it; all null: the rule parser alone, as before.
struct AiParsing {
  parser::ParserService* parser = nullptr;
  parser::ReviewService* review = nullptr;  // low-confidence parses wait here for an admin
  parser::DriftMonitor* drift = nullptr;    // every parse is logged for the daily drift check
};

struct BotOptions {
  std::map<std::string, std::string> game_bots;  // game bot username -> game
  AiParsing ai{};
};

// The nickname commands (bank_links_bot.cpp): /link [game nickname] for players; /claims,
// /approve, /reject, /unlink and /unclaimed for admins. The reply text, or nullopt when `cmd` is
// none of them. Errors propagate (the bot turns them into localized replies).
std::optional<std::string> link_command(BankService& bank, users::UserService& users,
                                        const users::User& u, const std::string& cmd,
                                        const std::string& args);

// The game bots of LEGACY.md section 3 (Bunker RP's username was never seen: add it in config).
std::map<std::string, std::string> default_game_bots();

// The bank's bot face: "парсинг" (a reply trigger) credits a game bot's message; admins' /stats
// and /rate. The front door (infra/telegram) routes to it; bank_module.cpp registers it.
class BankBot {
 public:
  BankBot(BankService& bank, users::UserService& users, BotOptions options);

  // Whether a message is the parse trigger: "парсинг"/"parsing" or /parse, /parsing, alone.
  static bool is_parse(const std::string& first_word, const std::string& rest);
  // The reply to the parse trigger `m` (a reply to the game message) sent by `u`.
  std::string parse_reply(const telegram::Message& m, const users::User& u);
  std::string stats_reply(const users::User& u);
  // `/rate <game> <currency> <k>` or `/rate <game> win <amount>`.
  std::string rate_reply(const users::User& u, const std::string& args);

 private:
  std::string credit_text(const CreditReport& report, const std::string& lang,
                          const std::string& game, const std::string& replier_name) const;

  BankService& bank_;
  users::UserService& users_;
  BotOptions options_;
};

}  // namespace lucas::bank
