#include "infra/telegram/types.h"

#include "base/error.h"

namespace lucas::telegram {
namespace {

using nlohmann::json;

std::string str(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

int64_t num(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_number_integer() ? it->get<int64_t>() : 0;
}

User parse_user(const json& j) {
  return User{num(j, "id"),        j.value("is_bot", false), str(j, "first_name"),
              str(j, "last_name"), str(j, "username"),       str(j, "language_code")};
}

Message parse_message(const json& j, int depth) {
  if (!j.is_object()) throw Error(ErrorCode::kInvalidArgument, "message is not an object");
  Message m;
  m.message_id = num(j, "message_id");
  m.date = num(j, "date");
  m.edit_date = num(j, "edit_date");
  if (auto c = j.find("chat"); c != j.end() && c->is_object()) {
    m.chat = Chat{num(*c, "id"), str(*c, "type")};
  }
  if (auto f = j.find("from"); f != j.end() && f->is_object()) m.from = parse_user(*f);
  const bool caption = !j.contains("text") && j.contains("caption");
  m.text = caption ? str(j, "caption") : str(j, "text");
  if (auto es = j.find(caption ? "caption_entities" : "entities");
      es != j.end() && es->is_array()) {
    for (const auto& e : *es) {
      if (!e.is_object()) continue;
      Entity entity{str(e, "type"), static_cast<int>(num(e, "offset")),
                    static_cast<int>(num(e, "length")), std::nullopt};
      if (auto u = e.find("user"); u != e.end() && u->is_object()) entity.user = parse_user(*u);
      m.entities.push_back(std::move(entity));
    }
  }
  if (auto o = j.find("forward_origin"); o != j.end() && o->is_object()) {
    ForwardOrigin origin;
    origin.type = str(*o, "type");
    origin.date = num(*o, "date");
    if (auto u = o->find("sender_user"); u != o->end() && u->is_object()) {
      origin.sender_user = parse_user(*u);
    }
    origin.sender_user_name = str(*o, "sender_user_name");
    const nlohmann::json& from = *o;
    for (const std::string key : {"sender_chat", "chat"}) {
      if (!from.contains(key) || !from.at(key).is_object()) continue;
      const nlohmann::json& c = from.at(key);
      origin.chat = Chat{num(c, "id"), str(c, "type")};
      break;
    }
    origin.message_id = num(*o, "message_id");
    m.forward_origin = origin;
  }
  if (auto v = j.find("via_bot"); v != j.end() && v->is_object()) {
    m.via_bot_username = str(*v, "username");
  }
  if (depth == 0) {
    if (auto r = j.find("reply_to_message"); r != j.end() && r->is_object()) {
      m.reply_to_message = std::make_shared<Message>(parse_message(*r, depth + 1));
    }
  }
  return m;
}

}  // namespace

std::string User::display_name() const {
  return last_name.empty() ? first_name : first_name + " " + last_name;
}

Update parse_update(const json& j) {
  if (!j.is_object() || !j.contains("update_id") || !j.at("update_id").is_number_integer()) {
    throw Error(ErrorCode::kInvalidArgument, "not a Telegram update (no integer update_id)");
  }
  Update u;
  u.update_id = j.at("update_id").get<int64_t>();
  for (const char* key : {"message", "edited_message"}) {
    if (auto m = j.find(key); m != j.end() && m->is_object()) {
      u.message = parse_message(*m, 0);
      u.edited = std::string_view(key) == "edited_message";
      break;
    }
  }
  if (j.contains("callback_query") && j["callback_query"].is_object()) {
    // Looked up by key, not through find's iterator: GCC 12 at -O2 sees a possible null in
    // nlohmann's iterator there (-Wnull-dereference).
    const json& q = j["callback_query"];
    CallbackQuery cq;
    cq.id = str(q, "id");
    if (q.contains("from") && q["from"].is_object()) cq.from = parse_user(q["from"]);
    // A message too old for the bot to see comes as {chat, message_id, date: 0}: still where.
    if (q.contains("message") && q["message"].is_object()) {
      cq.message = parse_message(q["message"], 0);
    }
    cq.data = str(q, "data");
    if (!cq.id.empty() && cq.from.id != 0) u.callback_query = std::move(cq);
  }
  return u;
}

const json& allowed_updates() {
  static const json kAllowed = {"message", "edited_message", "callback_query"};
  return kAllowed;
}

std::string entity_text(const std::string& s, const Entity& e) {
  // Walk UTF-8, counting UTF-16 code units (4-byte sequences count 2).
  size_t byte = 0;
  int unit = 0;
  size_t start = std::string::npos;
  const int end_unit = e.offset + e.length;
  while (byte <= s.size()) {
    if (unit == e.offset && start == std::string::npos) start = byte;
    if (unit >= end_unit) break;
    if (byte == s.size()) break;
    const auto c = static_cast<unsigned char>(s[byte]);
    const size_t len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : 4;
    unit += len == 4 ? 2 : 1;
    byte += len;
  }
  if (start == std::string::npos || byte < start) return {};
  return s.substr(start, std::min(byte, s.size()) - start);
}

}  // namespace lucas::telegram
