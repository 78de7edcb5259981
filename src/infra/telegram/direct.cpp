#include "infra/telegram/direct.h"

#include "base/error.h"
#include "base/i18n.h"
#include "infra/telegram/commands.h"

namespace lucas::telegram {

void publish_direct(events::Outbox& outbox, store::Tx& tx, const Direct& m) {
  nlohmann::json keyboard = nlohmann::json::array();
  for (const auto& row : m.keyboard) {
    nlohmann::json buttons = nlohmann::json::array();
    for (const auto& b : row) buttons.push_back({{"label", b.label_key}, {"command", b.command}});
    keyboard.push_back(std::move(buttons));
  }
  outbox.publish(tx, std::string(kDirectTopic),
                 {{"user", m.user}, {"key", m.key}, {"args", m.args}, {"keyboard", keyboard}});
}

Direct direct_of(const nlohmann::json& p) {
  try {
    Direct m;
    m.user = p.at("user").get<int64_t>();
    m.key = p.at("key").get<std::string>();
    m.args = p.at("args");
    for (const auto& row : p.at("keyboard")) {
      std::vector<DirectButton> buttons;
      for (const auto& b : row) {
        buttons.push_back({b.at("label").get<std::string>(), b.at("command").get<std::string>()});
      }
      m.keyboard.push_back(std::move(buttons));
    }
    return m;
  } catch (const nlohmann::json::exception& e) {
    throw Error(ErrorCode::kInvalidArgument, std::string("not a direct message: ") + e.what());
  }
}

Outgoing render_direct(const Direct& m, const std::string& language) {
  const std::string lang = language == "en" ? "en" : "ru";
  i18n::Args args;
  for (const auto& [name, value] : m.args.items()) {
    if (value.is_string()) {
      args[name] = value.get<std::string>();
    } else if (value.is_object()) {
      args[name] = value.value(lang, std::string());
    } else {
      args[name] = value.dump();
    }
  }
  Keyboard keyboard;
  for (const auto& row : m.keyboard) {
    std::vector<Button> buttons;
    for (const auto& b : row) buttons.emplace_back(i18n::text(lang, b.label_key), b.command);
    keyboard.push_back(std::move(buttons));
  }
  Outgoing out(m.user, i18n::text(lang, m.key, args));
  out.reply_markup = reply_markup(keyboard);
  return out;
}

}  // namespace lucas::telegram
