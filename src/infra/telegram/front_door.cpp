#include "infra/telegram/front_door.h"

#include <algorithm>

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

nlohmann::json reply_markup(const Keyboard& keyboard) {
  if (keyboard.empty()) return nullptr;
  nlohmann::json rows = nlohmann::json::array();
  for (const auto& row : keyboard) {
    nlohmann::json buttons = nlohmann::json::array();
    for (const auto& b : row) {
      if (!b.web_app_url.empty()) {
        if (b.web_app_url.rfind("https://", 0) != 0) {
          throw Error(ErrorCode::kInternal, "a web app button opens an https URL",
                      {{"url", b.web_app_url.substr(0, 80)}});
        }
        buttons.push_back({{"text", b.text}, {"web_app", {{"url", b.web_app_url}}}});
        continue;
      }
      if (b.command.empty() || b.command.size() > 64 || b.command.front() != '/') {
        throw Error(ErrorCode::kInternal, "a button's command is /… of at most 64 bytes",
                    {{"command", b.command.substr(0, 80)}});
      }
      buttons.push_back({{"text", b.text}, {"callback_data", b.command}});
    }
    rows.push_back(std::move(buttons));
  }
  return {{"inline_keyboard", rows}};
}

std::vector<Outgoing> FrontDoor::handle(const Update& update) {
  if (update.callback_query) return press(*update.callback_query);
  if (!update.message || !update.message->from || update.message->from->is_bot) return {};
  const auto& m = *update.message;
  const auto asker = identify_(*m.from);
  if (!asker) return {};
  const auto [first, args] = split_command(m.text);
  if (!first) return {};  // another bot's command
  CommandCall call = call_for(*asker, m.chat, args);
  call.message_id = m.message_id;  // names this use once (use_key)
  const auto answer = dispatch(&m, *asker, *first, args, call);
  if (!answer || answer->reply.text.empty()) return {};
  Outgoing out{m.chat.id, answer->reply.text, m.message_id, 0};
  out.reply_markup = reply_markup(answer->reply.keyboard);
  return {out};
}

std::vector<Outgoing> FrontDoor::press(const CallbackQuery& q) {
  // The press is always answered (the presser's client shows a spinner until then).
  Outgoing ack;
  ack.callback_query_id = q.id;
  ack.chat_id = q.message && q.message->chat.id != 0 ? q.message->chat.id : q.from.id;
  const auto asker = q.from.is_bot ? std::nullopt : identify_(q.from);
  if (!asker) return {ack};
  if (!q.message || q.message->chat.id == 0 || q.message->message_id == 0) {
    ack.text = i18n::text(asker->language, "button_expired");
    return {ack};
  }
  const auto [first, args] = split_command(q.data);
  if (!first || first->empty() || first->front() != '/') return {ack};  // not one of our buttons
  CommandCall call = call_for(*asker, q.message->chat, args);
  call.press_id = q.id;
  const auto answer = dispatch(nullptr, *asker, *first, args, call);
  if (!answer || answer->reply.text.empty()) return {ack};
  if (answer->refused) {  // a refusal or an error: a notice to the presser, the message stays
    ack.text = answer->reply.text;
    return {ack};
  }
  Outgoing edit{q.message->chat.id, answer->reply.text, 0, 0};
  edit.edit_message_id = q.message->message_id;
  edit.reply_markup = reply_markup(answer->reply.keyboard);
  return {ack, edit};
}

std::pair<std::optional<std::string>, std::string> FrontDoor::split_command(
    const std::string& text) const {
  // "/cmd@ourbot args" or "/cmd args"; other bots' commands are not ours (nullopt).
  std::string t = text;
  while (!t.empty() && (t.back() == ' ' || t.back() == '\n')) t.pop_back();
  std::string first = t.substr(0, t.find_first_of(" \n"));
  std::string args = first.size() < t.size() ? t.substr(first.size() + 1) : "";
  if (const size_t at = first.find('@'); at != std::string::npos && first.front() == '/') {
    if (ascii_lower(first.substr(at + 1)) != options_.bot_username) return {std::nullopt, ""};
    first = first.substr(0, at);
  }
  return {first, args};
}

CommandCall FrontDoor::call_for(const Asker& asker, const Chat& chat, const std::string& args) {
  CommandCall call;
  call.user_id = asker.user_id;
  call.rank = asker.rank;
  call.language = asker.language;
  call.args = args;
  call.private_chat = chat.type == "private";
  call.chat_id = chat.id;
  return call;
}

bool FrontDoor::within_limit(const Asker& asker, RateClass rate, std::optional<Answer>& refusal) {
  if (options_.limiter == nullptr) return true;
  const bool heavy = rate == RateClass::kHeavy;
  const int per_minute =
      heavy ? std::max(1, options_.commands_per_minute / 4) : options_.commands_per_minute;
  ratelimit::Policy policy = ratelimit::bot_policy(per_minute);
  if (heavy) policy.name = "bot_heavy";
  const auto d = options_.limiter->check(
      "user:" + std::to_string(asker.user_id) + (heavy ? ":heavy" : ""), policy);
  if (d.allowed) return true;
  // Say it once; stay silent while the user keeps going, so the bot never spams back.
  if (d.first_refusal) {
    refusal = Answer{i18n::text(asker.language, "error_rate_limited",
                                {{"seconds", std::to_string(ratelimit::retry_after_s(d))}}),
                     true};
  }
  return false;
}

std::optional<FrontDoor::Answer> FrontDoor::dispatch(const Message* m, const Asker& asker,
                                                     const std::string& first,
                                                     const std::string& args,
                                                     const CommandCall& call) {
  const Trigger* trigger = nullptr;
  for (const auto& tr : triggers_) {
    if (m != nullptr && tr.matches(first, args)) {  // triggers answer messages, not buttons
      trigger = &tr;
      break;
    }
  }
  if (trigger == nullptr && (first.empty() || first.front() != '/')) return std::nullopt;
  const std::string name = ascii_lower(first.substr(trigger == nullptr ? 1 : 0));
  const auto it = trigger == nullptr ? by_name_.find(name) : by_name_.end();
  const Command* command = it == by_name_.end() ? nullptr : &commands_[it->second];
  std::optional<Answer> refused;
  const RateClass rate = trigger ? trigger->rate : command ? command->rate : RateClass::kNormal;
  if (!within_limit(asker, rate, refused)) return refused;
  const std::string& lang = asker.language;
  if (asker.refusal) return Answer{*asker.refusal, true};  // one refusal (a ban)
  // A trigger's failure propagates: the durable intake retries the update.
  if (trigger != nullptr) return Answer{trigger->run(*m, call), false};
  try {
    if (name == "help") return Answer{help(asker), false};
    if (command == nullptr) return std::nullopt;
    if (auto key = refusal(*command, asker.rank, call.private_chat)) {
      return Answer{i18n::text(lang, *key), true};
    }
    return Answer{command->run(call), false};
  } catch (const Error& e) {
    std::string key = e.code() == ErrorCode::kForbidden ? "error_forbidden" : "error_invalid";
    if (http_status(e.code()) >= 500) key = "error_internal";
    return Answer{i18n::text(lang, key, {{"message", e.what()}, {"request", random_hex(4)}}), true};
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
