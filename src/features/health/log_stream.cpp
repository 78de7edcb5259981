#include "features/health/log_stream.h"

#include "features/health/health_http.h"

namespace lucas::health {

LogStream::LogStream(const LogRing& ring, realtime::Hub& hub, const Clock& clock, std::string node,
                     Options options)
    : ring_(ring), hub_(hub), clock_(clock), node_(std::move(node)), options_(options) {}

LogStream::~LogStream() {
  stop();
}

size_t LogStream::pump() {
  if (hub_.subscribers(kLogsTopic) == 0) {
    cursor_ = ring_.read({cursor_, LogLevel::kCritical, {}, 0}).last;
    return 0;
  }
  LogQuery q{cursor_, LogLevel::kTrace, {}, options_.max_per_round};
  bool gap = false;
  const auto peek = ring_.read({cursor_, LogLevel::kCritical, {}, 0});
  if (peek.last > cursor_ + options_.max_per_round) {  // too many: only the newest
    q.after = peek.last - options_.max_per_round;
    gap = true;
  }
  const auto page = ring_.read(q);
  cursor_ = page.next_after;
  if (page.lines.empty()) return 0;
  nlohmann::json lines = nlohmann::json::array();
  for (const auto& line : page.lines) lines.push_back(to_json(line));
  hub_.deliver_to_topic(kLogsTopic, "log.lines",
                        {{"node", node_}, {"lines", lines}, {"gap", gap || page.gap}},
                        clock_.now());
  return page.lines.size();
}

void LogStream::start() {
  worker_.start({options_.period, false, false}, [this]() -> std::optional<Micros> {
    pump();
    return std::nullopt;
  });
}

void LogStream::stop() {
  worker_.stop();
}

realtime::Hub::TopicGuard admin_topic_guard(users::UserService& users) {
  return [&users](int64_t user_id, const std::string& topic) -> std::optional<std::string> {
    if (topic.rfind("admin.", 0) != 0) return std::nullopt;
    const auto who = users.find(user_id);
    if (who && who->role >= users::Role::kAdmin) return std::nullopt;
    return "only admins may subscribe to " + topic;
  };
}

}  // namespace lucas::health
