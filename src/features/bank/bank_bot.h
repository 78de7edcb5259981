// Telegram face of the bank: decodes an update, calls the bank and users services, and returns
// the replies to send (texts from the catalogue, in the user's language). It never talks to the
// network itself; the app queues the replies on the throttled sender.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "features/bank/bank.h"
#include "features/parser/parser_bot.h"
#include "features/parser/review.h"
#include "features/users/users.h"
#include "infra/ratelimit/limiter.h"
#include "infra/telegram/types.h"

namespace lucas::bank {

struct Reply {
  int64_t chat_id = 0;
  std::string text;
  int64_t reply_to_message_id = 0;
};

// The AI parser and what learns from it; all null: the rule parser alone, as before.
struct AiParsing {
  parser::ParserService* parser = nullptr;
  parser::ReviewService* review = nullptr;  // low-confidence parses wait here for an admin
  parser::DriftMonitor* drift = nullptr;    // every parse is logged for the daily drift check
};

// A command another feature answers (the leaderboards' /top, the notifications' /web): the reply
// text for (user, args, whether the chat is private), registered by app/. Its lucas::Error
// becomes the same localized error reply as the bank's own commands.
using CommandFn =
    std::function<std::string(const users::User& user, const std::string& args, bool private_chat)>;

struct BotOptions {
  std::string bot_username;                      // ours, for /cmd@bot in groups
  std::map<std::string, std::string> game_bots;  // game bot username -> game
  ratelimit::Limiter* limiter = nullptr;         // commands per user; none: unlimited
  int commands_per_minute = 20;
  AiParsing ai{};
  std::map<std::string, CommandFn> commands = {};  // "/top" -> handler (lower case, with "/")
  // The /help lines of those commands that the user may use (generated from the modules).
  std::function<std::string(const users::User& user)> help = {};
};

// The nickname commands (bank_links_bot.cpp): /link [game nickname] for players; /claims,
// /approve, /reject, /unlink and /unclaimed for admins. The reply text, or nullopt when `cmd` is
// none of them. Errors propagate (the bot turns them into localized replies).
std::optional<std::string> link_command(BankService& bank, users::UserService& users,
                                        const users::User& u, const std::string& cmd,
                                        const std::string& args);

// The game bots of LEGACY.md section 3 (Bunker RP's username was never seen: add it in config).
std::map<std::string, std::string> default_game_bots();

class BankBot {
 public:
  BankBot(BankService& bank, users::UserService& users, BotOptions options);

  std::vector<Reply> handle(const telegram::Update& update);

 private:
  std::vector<Reply> parse_reply(const telegram::Message& m, const users::User& u);
  std::vector<Reply> command(const telegram::Message& m, const users::User& u,
                             const std::string& cmd, const std::string& args);
  std::string credit_text(const CreditReport& report, const std::string& lang,
                          const std::string& game, const std::string& replier_name) const;

  BankService& bank_;
  users::UserService& users_;
  BotOptions options_;
};

}  // namespace lucas::bank
