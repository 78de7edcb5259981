// Telegram update JSON for tests: a text message from a user in a private chat.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>

namespace lucas::testing {

// {"update_id", "message": {message_id 50, chat and sender `user`, "Ann", language `lang`, text}}.
inline nlohmann::json private_message(int64_t update_id, const std::string& text,
                                      const std::string& lang = "ru", int64_t user = 7) {
  return {
      {"update_id", update_id},
      {"message",
       {{"message_id", 50},
        {"date", 1},
        {"chat", {{"id", user}, {"type", "private"}}},
        {"from", {{"id", user}, {"is_bot", false}, {"first_name", "Ann"}, {"language_code", lang}}},
        {"text", text}}}};
}

}  // namespace lucas::testing
