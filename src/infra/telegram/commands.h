// What the bot's front door dispatches: commands (`/cmd@bot args`) and reply triggers, each with
// who may use it, where, and the catalogue key of its /help line. Features declare them through
// their modules (infra/module); the front door (front_door.h) routes updates to them.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "infra/telegram/types.h"

namespace lucas::telegram {

// Who may use a command: everyone, or a role at least this high (the users feature's ranks:
// user 0, moderator 1, admin 2, owner 3).
enum class Who { kEveryone = 0, kModerator = 1, kAdmin = 2, kOwner = 3 };
// Where a command may be used.
enum class Where { kAnywhere, kPrivate, kGroup };

// One use of a command or trigger, as the front door saw it (the sender is vouched for by
// Telegram).
struct CommandCall {
  int64_t user_id = 0;
  int rank = 0;          // the sender's role rank (see Who)
  std::string language;  // "ru" or "en": the reply's language
  std::string args;      // the text after the command, trimmed
  bool private_chat = false;
  int64_t chat_id = 0;
  int64_t message_id = 0;  // with chat_id, names this use once (an idempotency key)
};

struct Command {
  std::string name;      // "top": answers /top and /top@ourbot (lower case, no slash)
  std::string help_key;  // the catalogue key of its /help line ("/top [period] — …")
  Who who = Who::kEveryone;
  Where where = Where::kAnywhere;
  // The reply text. A lucas::Error becomes the bot's localized error reply.
  std::function<std::string(const CommandCall&)> run;
};

// A message the bot acts on without a command: a reply trigger (e.g. "парсинг" in reply to a game
// bot's message). Tried in order, before commands; the first that matches answers.
struct Trigger {
  std::string name;
  std::string help_key;
  // Whether the message's first word and the rest of its text make this trigger.
  std::function<bool(const std::string& first_word, const std::string& rest)> matches;
  std::function<std::string(const Message&, const CommandCall&)> run;
};

// Whether `rank` may use `command` in this chat: nullopt, or the catalogue key of the refusal
// ("error_forbidden", "command_private_only", "command_group_only").
std::optional<std::string> refusal(const Command& command, int rank, bool private_chat);

}  // namespace lucas::telegram
