#include "infra/events/bus.h"

#include <spdlog/spdlog.h>

#include <stdexcept>
#include <vector>

namespace lucas::events {

void LocalBus::publish(const std::string& channel, const std::string& message) {
  if (channel.empty()) throw std::invalid_argument("bus channel must not be empty");
  deliver(channel, message);
}

void LocalBus::deliver(const std::string& channel, const std::string& message) {
  std::vector<Handler> targets;
  {
    std::lock_guard lock(mu_);
    for (const auto& [id, sub] : subs_) {
      if (sub.channel == channel) targets.push_back(sub.handler);
    }
  }
  for (const auto& h : targets) {
    try {
      h(channel, message);
    } catch (const std::exception& e) {
      spdlog::error("bus subscriber of {} failed: {}", channel, e.what());
    }
  }
}

int64_t LocalBus::subscribe(const std::string& channel, Handler handler) {
  if (channel.empty()) throw std::invalid_argument("bus channel must not be empty");
  std::lock_guard lock(mu_);
  const int64_t id = next_id_++;
  subs_.emplace(id, Sub{channel, std::move(handler)});
  return id;
}

void LocalBus::unsubscribe(int64_t id) {
  std::lock_guard lock(mu_);
  subs_.erase(id);
}

}  // namespace lucas::events
