// What the bot's front door dispatches: commands (`/cmd@bot args`) and reply triggers, each with
// who may use it, where, and the catalogue key of its /help line. Features declare them through
// their modules (infra/module); the front door (front_door.h) routes updates to them.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "infra/telegram/types.h"

namespace lucas::telegram {

// Who may use a command: everyone, or a role at least this high (the users feature's ranks:
// user 0, moderator 1, admin 2, owner 3).
enum class Who { kEveryone = 0, kModerator = 1, kAdmin = 2, kOwner = 3 };
// Where a command may be used.
enum class Where { kAnywhere, kPrivate, kGroup };

// How many uses per minute a command may take from one user: kNormal the front door's budget
// (FrontDoorOptions::commands_per_minute), kHeavy a quarter of it (work that costs: the AI
// parser), each class counted on its own.
enum class RateClass { kNormal, kHeavy };

// One use of a command or trigger, as the front door saw it (the sender is vouched for by
// Telegram).
struct CommandCall {
  int64_t user_id = 0;
  int rank = 0;          // the sender's role rank (see Who)
  std::string language;  // "ru" or "en": the reply's language
  std::string args;      // the text after the command, trimmed
  bool private_chat = false;
  int64_t chat_id = 0;
  int64_t message_id = 0;  // the message typed (0 for a button press)
  std::string press_id;    // a button press: its callback query id
  // Names this use once (an idempotency key): the chat and message typed, or the press.
  std::string use_key() const {
    return press_id.empty() ? std::to_string(chat_id) + ":" + std::to_string(message_id)
                            : "press:" + press_id;
  }
};

// An inline keyboard button. Pressing it runs `command` ("/top weekly", at most 64 bytes) as the
// one who pressed, with the same rights, limits and errors as typing it; the answer replaces the
// message the keyboard is on. A web app button (`Button::web_app`) opens `web_app_url` (https) as
// a Mini App instead; Telegram shows those only in private chats.
struct Button {
  Button(std::string label, std::string run) : text(std::move(label)), command(std::move(run)) {}
  static Button web_app(std::string label, std::string url) {
    Button b(std::move(label), "");
    b.web_app_url = std::move(url);
    return b;
  }
  std::string text;
  std::string command;
  std::string web_app_url;
};
using Keyboard = std::vector<std::vector<Button>>;  // rows of buttons

// What a command answers: a text, and optionally a keyboard under it.
struct Reply {
  Reply() = default;
  Reply(std::string reply_text) : text(std::move(reply_text)) {}  // NOLINT: a plain text
  Reply(const char* reply_text) : text(reply_text) {}             // NOLINT
  std::string text;
  Keyboard keyboard;
};
// {"inline_keyboard": [[{"text", "callback_data"} or {"text", "web_app": {"url"}}]]}, or null for
// none. INTERNAL when a button's command is longer than Telegram's 64 bytes or a web app's URL is
// not https.
nlohmann::json reply_markup(const Keyboard& keyboard);

struct Command {
  std::string name;      // "top": answers /top and /top@ourbot (lower case, no slash)
  std::string help_key;  // the catalogue key of its /help line ("/top [period] — …")
  Who who = Who::kEveryone;
  Where where = Where::kAnywhere;
  // The reply. A lucas::Error becomes the bot's localized error reply.
  std::function<Reply(const CommandCall&)> run;
  RateClass rate = RateClass::kNormal;
};

// A message the bot acts on without a command: a reply trigger (e.g. "парсинг" in reply to a game
// bot's message). Tried in order, before commands; the first that matches answers.
struct Trigger {
  std::string name;
  std::string help_key;
  // Whether the message's first word and the rest of its text make this trigger.
  std::function<bool(const std::string& first_word, const std::string& rest)> matches;
  std::function<std::string(const Message&, const CommandCall&)> run;
  RateClass rate = RateClass::kNormal;
};

// Whether `rank` may use `command` in this chat: nullopt, or the catalogue key of the refusal
// ("error_forbidden", "command_private_only", "command_group_only").
std::optional<std::string> refusal(const Command& command, int rank, bool private_chat);

}  // namespace lucas::telegram
