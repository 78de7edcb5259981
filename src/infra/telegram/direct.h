// A private message from the bot to a user, decided inside a feature's transaction and sent only
// if it commits: publish_direct() writes a "telegram.direct" event to the outbox; the
// notifications module's subscriber renders it in the user's language and queues it on the
// sender (with the bot off nothing is sent: the WebSocket notification is the record). A user who
// never opened a private chat with the bot cannot be written to; Telegram refuses and the sender
// drops it.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "infra/events/outbox.h"
#include "infra/store/db.h"
#include "infra/telegram/sender.h"

namespace lucas::telegram {

inline constexpr std::string_view kDirectTopic = "telegram.direct";

struct DirectButton {
  std::string label_key;  // catalogue key of the label
  std::string command;    // what pressing it runs ("/tradeok 5 2"), at most 64 bytes
};

struct Direct {
  int64_t user = 0;
  std::string key;  // catalogue key of the text
  // The text's arguments: a string, or {"ru": ..., "en": ...} for a value that depends on the
  // language (item names).
  nlohmann::json args = nlohmann::json::object();
  std::vector<std::vector<DirectButton>> keyboard;
};

void publish_direct(events::Outbox& outbox, store::Tx& tx, const Direct& message);
// The message an event carries; INVALID_ARGUMENT for a payload that is not one.
Direct direct_of(const nlohmann::json& payload);
// The message in `language` ("ru" or "en"), with its keyboard, to the user's private chat.
Outgoing render_direct(const Direct& message, const std::string& language);

}  // namespace lucas::telegram
