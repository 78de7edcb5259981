#include "infra/realtime/wire.h"

namespace lucas::realtime {

Frame notification_frame(const Notification& n) {
  return std::make_shared<const std::string>(nlohmann::json{
      {"id", n.id},
      {"type", n.type},
      {"data", n.data},
      {"time", format_rfc3339(n.time)}}.dump());
}

Frame topic_frame(std::string_view topic, std::string_view type, const nlohmann::json& data,
                  Micros time) {
  return std::make_shared<const std::string>(nlohmann::json{
      {"id", nullptr},
      {"topic", topic},
      {"type", type},
      {"data", data},
      {"time", format_rfc3339(time)}}.dump());
}

Frame system_frame(std::string_view type, const nlohmann::json& data, Micros time) {
  return std::make_shared<const std::string>(nlohmann::json{
      {"id", nullptr},
      {"type", type},
      {"data", data},
      {"time", format_rfc3339(time)}}.dump());
}

std::string user_message(const Notification& n) {
  return nlohmann::json{{"user_id", n.user_id},
                        {"id", n.id},
                        {"type", n.type},
                        {"data", n.data},
                        {"time", format_rfc3339(n.time)}}
      .dump();
}

std::string topic_message(std::string_view topic, std::string_view type,
                          const nlohmann::json& data) {
  return nlohmann::json{{"topic", topic}, {"type", type}, {"data", data}}.dump();
}

bool valid_topic(std::string_view topic) {
  if (topic.empty() || topic.size() > 100 || topic.front() == '.' || topic.back() == '.') {
    return false;
  }
  char prev = 0;
  for (char c : topic) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
                    (c == '.' && prev != '.');
    if (!ok) return false;
    prev = c;
  }
  return true;
}

}  // namespace lucas::realtime
