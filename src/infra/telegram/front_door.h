// Telegram's front door: every update goes through here. It records who sent it (the users
// feature's Identify), splits `/cmd@ourbot args` (other bots' commands are not ours), limits each
// user's commands per minute by rate class (one localized answer, then silence), gives a banned
// user one refusal, tries the reply triggers, then routes the command to the feature that
// registered it — after checking who may use it and where — and turns a lucas::Error into a
// localized reply. A reply may carry an inline keyboard whose buttons are commands: a press runs
// its command as the presser, through the same checks, and edits the keyboard's message.
// `/help` lists what the asker may use, generated from the registry, and the bot's command menus
// (setMyCommands) come from the same registry. Replies go back to the sender as Outgoing.
#pragma once

#include <nlohmann/json.hpp>

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "infra/ratelimit/limiter.h"
#include "infra/telegram/commands.h"
#include "infra/telegram/sender.h"
#include "infra/telegram/types.h"

namespace lucas::telegram {

// Who sent a message, as the platform knows them.
struct Asker {
  int64_t user_id = 0;
  int rank = 0;
  std::string language = "ru";
  std::optional<std::string> refusal;  // set: the one reply to anything they send (a ban)
};
// Records the sender and says who they are; nullopt when they cannot be recorded (ignored).
using Identify = std::function<std::optional<Asker>(const User& from)>;

struct FrontDoorOptions {
  std::string bot_username;               // ours, for /cmd@bot in groups
  ratelimit::Limiter* limiter = nullptr;  // commands per user; none: unlimited
  int commands_per_minute = 20;
};

class FrontDoor {
 public:
  FrontDoor(FrontDoorOptions options, Identify identify, std::vector<Command> commands,
            std::vector<Trigger> triggers);

  std::vector<Outgoing> handle(const Update& update);

  // The /help text for this asker: the commands they may use (the admin ones under their own
  // heading), then the triggers.
  std::string help(const Asker& asker) const;

  // The setMyCommands calls that publish the command menus: for everyone (Russian by default, and
  // English for English clients), and for each admin's private chat their full list.
  std::vector<nlohmann::json> command_menus(const std::vector<Asker>& admins) const;

 private:
  // What one use answers: a reply, or (refused) a refusal or an error's localized text.
  struct Answer {
    Reply reply;
    bool refused = false;
  };
  // A button press: answered at once; the command's reply replaces the keyboard's message, a
  // refusal is a notice to the presser.
  std::vector<Outgoing> press(const CallbackQuery& q);
  // "/cmd@ourbot args" -> {"/cmd", "args"}; {nullopt, ""} when another bot is addressed.
  std::pair<std::optional<std::string>, std::string> split_command(const std::string& text) const;
  static CommandCall call_for(const Asker& asker, const Chat& chat, const std::string& args);
  // Whether the asker may use another command of this class now; on the first refusal in a row
  // `refusal` says when to come back.
  bool within_limit(const Asker& asker, RateClass rate, std::optional<Answer>& refusal);
  // Runs the trigger (messages only: `m` set) or the command; nullopt: nothing to say.
  std::optional<Answer> dispatch(const Message* m, const Asker& asker, const std::string& first,
                                 const std::string& args, const CommandCall& call);

  FrontDoorOptions options_;
  Identify identify_;
  std::vector<Command> commands_;  // in registration order
  std::map<std::string, size_t> by_name_;
  std::vector<Trigger> triggers_;
};

}  // namespace lucas::telegram
