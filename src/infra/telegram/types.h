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

// Where a forwarded message came from (Bot API 7: forward_origin). Telegram sets it; a person
// cannot forge it. `date` is the original message's date, not the forward's.
struct ForwardOrigin {
  std::string type;                 // user, hidden_user, chat, channel
  int64_t date = 0;                 // when the original was sent (Unix seconds)
  std::optional<User> sender_user;  // type == user
  std::string sender_user_name;     // type == hidden_user
  std::optional<Chat> chat;         // type == chat (sender_chat) or channel (chat)
  int64_t message_id = 0;           // type == channel: the original's id in the channel
};

struct Message {
  int64_t message_id = 0;
  int64_t date = 0;       // of this message (a forwarded copy: the time of the forward)
  int64_t edit_date = 0;  // set on an edited message
  Chat chat;
  std::optional<User> from;
  std::string text;              // text, or the caption of a photo
  std::vector<Entity> entities;  // entities or caption_entities
  std::optional<ForwardOrigin> forward_origin;
  std::shared_ptr<Message> reply_to_message;  // one level deep
  std::string via_bot_username;
};

// A press of an inline keyboard button (Bot API CallbackQuery).
struct CallbackQuery {
  std::string id;                  // answered with answerCallbackQuery
  User from;                       // who pressed (Telegram vouches for them)
  std::optional<Message> message;  // the message the keyboard is on (absent when too old)
  std::string data;                // the button's callback_data (at most 64 bytes)
};

struct Update {
  int64_t update_id = 0;
  std::optional<Message> message;  // message or edited_message
  bool edited = false;             // it came as edited_message
  std::optional<CallbackQuery> callback_query;
};

// INVALID_ARGUMENT when the JSON is not an update.
Update parse_update(const nlohmann::json& j);

// The kinds of update the bot asks Telegram for (getUpdates and setWebhook's allowed_updates).
const nlohmann::json& allowed_updates();

// The substring an entity covers (offsets are UTF-16 code units).
std::string entity_text(const std::string& utf8, const Entity& e);

}  // namespace lucas::telegram
