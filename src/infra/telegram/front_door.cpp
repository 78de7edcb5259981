#include "infra/telegram/front_door.h"

#include "base/ascii.h"
#include "base/error.h"
#include "base/i18n.h"
#include "base/ids.h"

namespace lucas::telegram {
namespace {

// What a menu shows of a help line "/cmd <args> — what it does": what it does, at most 256 bytes
// (Telegram's limit), cut at a character boundary.
std::string menu_description(const std::string& help_line) {
  static const std::string kDash = " — ";
  const size_t at = help_line.find(kDash);
  std::string d = at == std::string::npos ? help_line : help_line.substr(at + kDash.size());
  if (d.size() > 256) {
    size_t cut = 256;
    while (cut > 0 && (static_cast<unsigned char>(d[cut]) & 0xC0) == 0x80) --cut;
    d.resize(cut);
  }
  return d;
}

}  // namespace

std::optional<std::string> refusal(const Command& command, int rank, bool private_chat) {
  if (rank < static_cast<int>(command.who)) return "error_forbidden";
  if (command.where == Where::kPrivate && !private_chat) return "command_private_only";
  if (command.where == Where::kGroup && private_chat) return "command_group_only";
  return std::nullopt;
}

FrontDoor::FrontDoor(FrontDoorOptions options, Identify identify, std::vector<Command> commands,
                     std::vector<Trigger> triggers)
    : options_(std::move(options)),
      identify_(std::move(identify)),
      commands_(std::move(commands)),
      triggers_(std::move(triggers)) {
  options_.bot_username = ascii_lower(options_.bot_username);
  for (size_t i = 0; i < commands_.size(); ++i) {
    if (commands_[i].name == "help" || !by_name_.emplace(commands_[i].name, i).second) {
      throw Error(ErrorCode::kInternal, "the bot command /" + commands_[i].name + " is taken");
    }
  }
}

std::vector<Outgoing> FrontDoor::handle(const Update& update) {
  if (!update.message || !update.message->from || update.message->from->is_bot) return {};
  const auto& m = *update.message;
  const auto asker = identify_(*m.from);
  if (!asker) return {};
  // "/cmd@ourbot args" or "/cmd args"; other bots' commands are not ours.
  std::string t = m.text;
  while (!t.empty() && (t.back() == ' ' || t.back() == '\n')) t.pop_back();
  std::string first = t.substr(0, t.find_first_of(" \n"));
  const std::string args = first.size() < t.size() ? t.substr(first.size() + 1) : "";
  if (const size_t at = first.find('@'); at != std::string::npos && first.front() == '/') {
    if (ascii_lower(first.substr(at + 1)) != options_.bot_username) return {};
    first = first.substr(0, at);
  }
  return dispatch(m, *asker, first, args);
}

std::vector<Outgoing> FrontDoor::dispatch(const Message& m, const Asker& asker,
                                          const std::string& first, const std::string& args) {
  const Trigger* trigger = nullptr;
  for (const auto& tr : triggers_) {
    if (tr.matches(first, args)) {
      trigger = &tr;
      break;
    }
  }
  if (trigger == nullptr && (first.empty() || first.front() != '/')) return {};  // chatter
  const std::string& lang = asker.language;
  const auto say = [&](const std::string& text) {
    return text.empty() ? std::vector<Outgoing>{}
                        : std::vector<Outgoing>{Outgoing{m.chat.id, text, m.message_id, 0}};
  };
  if (options_.limiter != nullptr) {
    const auto d = options_.limiter->check("user:" + std::to_string(asker.user_id),
                                           ratelimit::bot_policy(options_.commands_per_minute));
    if (!d.allowed) {
      // Say it once; stay silent while the user keeps going, so the bot never spams back.
      if (!d.first_refusal) return {};
      return say(i18n::text(lang, "error_rate_limited",
                            {{"seconds", std::to_string(ratelimit::retry_after_s(d))}}));
    }
  }
  if (asker.refusal) return say(*asker.refusal);  // one refusal (a ban)
  const bool private_chat = m.chat.type == "private";
  const CommandCall call{asker.user_id, asker.rank, lang,        args,
                         private_chat,  m.chat.id,  m.message_id};
  // A trigger's failure propagates: the durable intake retries the update.
  if (trigger != nullptr) return say(trigger->run(m, call));
  const std::string name = ascii_lower(first.substr(1));
  try {
    if (name == "help") return say(help(asker));
    const auto it = by_name_.find(name);
    if (it == by_name_.end()) return {};
    const Command& c = commands_[it->second];
    if (auto key = refusal(c, asker.rank, private_chat)) return say(i18n::text(lang, *key));
    return say(c.run(call));
  } catch (const Error& e) {
    std::string key = e.code() == ErrorCode::kForbidden ? "error_forbidden" : "error_invalid";
    if (http_status(e.code()) >= 500) key = "error_internal";
    return say(i18n::text(lang, key, {{"message", e.what()}, {"request", random_hex(4)}}));
  }
}

std::string FrontDoor::help(const Asker& asker) const {
  const std::string& lang = asker.language;
  std::string out = i18n::text(lang, "help");
  for (const auto& c : commands_) {
    if (c.who == Who::kEveryone) out += "\n" + i18n::text(lang, c.help_key);
  }
  for (const auto& tr : triggers_) out += "\n" + i18n::text(lang, tr.help_key);
  bool staff = false;
  for (const auto& c : commands_) {
    if (c.who == Who::kEveryone || asker.rank < static_cast<int>(c.who)) continue;
    if (!staff) out += "\n" + i18n::text(lang, "help_admin");
    staff = true;
    out += "\n" + i18n::text(lang, c.help_key);
  }
  return out;
}

std::vector<nlohmann::json> FrontDoor::command_menus(const std::vector<Asker>& admins) const {
  const auto menu = [this](const std::string& lang, int rank) {
    nlohmann::json list = nlohmann::json::array();
    list.push_back({{"command", "help"},
                    {"description", menu_description(i18n::text(lang, "help_cmd_help"))}});
    for (const auto& c : commands_) {
      if (rank < static_cast<int>(c.who)) continue;
      list.push_back(
          {{"command", c.name}, {"description", menu_description(i18n::text(lang, c.help_key))}});
    }
    return list;
  };
  std::vector<nlohmann::json> calls;
  calls.push_back({{"commands", menu("ru", 0)}});  // the default: Russian
  calls.push_back({{"commands", menu("en", 0)}, {"language_code", "en"}});
  for (const auto& a : admins) {
    calls.push_back({{"commands", menu(a.language, a.rank)},
                     {"scope", {{"type", "chat"}, {"chat_id", a.user_id}}}});
  }
  return calls;
}

}  // namespace lucas::telegram
