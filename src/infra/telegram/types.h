// The parts of Telegram's Bot API objects the platform uses, parsed from update JSON.
#pragma once

#include <nlohmann/json.hpp>

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace lucas::telegram {

struct User {
  int64_t id = 0;
  bool is_bot = false;
  std::string first_name;
  std::string last_name;
  std::string username;
  std::string language_code;
  std::string display_name() const;  // "First Last"
};

struct Chat {
  int64_t id = 0;
  std::string type;  // private, group, supergroup, channel
};

struct Entity {
  std::string type;  // bot_command, text_mention, mention, code, ...
  int offset = 0;    // in UTF-16 code units, as Telegram counts
  int length = 0;
  std::optional<User> user;  // text_mention
};

// Where a forwarded message came from (Bot API 7: forward_origin).
struct ForwardOrigin {
  std::string type;                 // user, hidden_user, chat, channel
  std::optional<User> sender_user;  // type == user
};

struct Message {
  int64_t message_id = 0;
  int64_t date = 0;
  Chat chat;
  std::optional<User> from;
  std::string text;              // text, or the caption of a photo
  std::vector<Entity> entities;  // entities or caption_entities
  std::optional<ForwardOrigin> forward_origin;
  std::shared_ptr<Message> reply_to_message;  // one level deep
  std::string via_bot_username;
};

struct Update {
  int64_t update_id = 0;
  std::optional<Message> message;  // message or edited_message are not distinguished here
};

// INVALID_ARGUMENT when the JSON is not an update.
Update parse_update(const nlohmann::json& j);

// The substring an entity covers (offsets are UTF-16 code units).
std::string entity_text(const std::string& utf8, const Entity& e);

}  // namespace lucas::telegram
