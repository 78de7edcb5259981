#include "infra/events/redis_bus.h"

#include <spdlog/spdlog.h>

#include <stdexcept>
#include <vector>

#include "infra/telemetry/metrics.h"

namespace lucas::events {

RedisBus::RedisBus(redis::Client& client, std::string node_id, telemetry::Registry* metrics,
                   std::string prefix, size_t max_queue)
    : client_(client),
      node_id_(std::move(node_id)),
      prefix_(std::move(prefix)),
      max_queue_(max_queue) {
  if (node_id_.empty() || node_id_.find('\n') != std::string::npos) {
    throw std::invalid_argument("bus node id must be a non-empty single line");
  }
  if (metrics != nullptr) {
    const std::string help = "Bus messages on this node.";
    published_ = &metrics->counter("lucas_bus_messages_total", help, {{"what", "published"}});
    received_ = &metrics->counter("lucas_bus_messages_total", help, {{"what", "received"}});
    dropped_ = &metrics->counter("lucas_bus_messages_total", help, {{"what", "dropped"}});
  }
  link_->bus = this;
  client_.on_subscribed([link = link_] {
    std::lock_guard lock(link->mu);
    if (link->bus != nullptr) link->bus->enqueue(Item{true, {}, {}});
  });
  worker_.start({}, [this]() -> std::optional<Micros> {  // no timer: runs when woken
    deliver_queued();
    return std::nullopt;
  });
}

RedisBus::~RedisBus() {
  {
    std::lock_guard lock(link_->mu);
    link_->bus = nullptr;
  }
  worker_.stop();
}

void RedisBus::enqueue(Item item) {
  {
    std::lock_guard lock(mu_);
    if (worker_.stopping()) return;
    if (queue_.size() >= max_queue_) {
      if (dropped_ != nullptr) dropped_->inc();
      return;
    }
    queue_.push_back(std::move(item));
  }
  worker_.wake();
}

void RedisBus::publish(const std::string& channel, const std::string& message) {
  if (channel.empty()) throw std::invalid_argument("bus channel must not be empty");
  enqueue(Item{false, channel, message});
  if (published_ != nullptr) published_->inc();
  if (!client_.publish(prefix_ + channel, node_id_ + "\n" + message)) {
    if (dropped_ != nullptr) dropped_->inc();
    spdlog::debug("bus: Redis is down, {} reached this node only", channel);
  }
}

void RedisBus::on_redis_message(const std::string& redis_channel, const std::string& payload) {
  const size_t nl = payload.find('\n');
  if (nl == std::string::npos || redis_channel.rfind(prefix_, 0) != 0) return;
  if (payload.compare(0, nl, node_id_) == 0 && nl == node_id_.size()) return;  // our own
  if (received_ != nullptr) received_->inc();
  enqueue(Item{false, redis_channel.substr(prefix_.size()), payload.substr(nl + 1)});
}

int64_t RedisBus::subscribe(const std::string& channel, Handler handler) {
  if (channel.empty()) throw std::invalid_argument("bus channel must not be empty");
  bool first = false;
  int64_t id = 0;
  {
    std::lock_guard lock(mu_);
    id = next_id_++;
    subs_.emplace(id, std::make_pair(channel, std::move(handler)));
    first = redis_channels_.insert(channel).second;
  }
  if (first) {
    client_.subscribe(prefix_ + channel,
                      [link = link_](const std::string& ch, const std::string& m) {
                        std::lock_guard lock(link->mu);
                        if (link->bus != nullptr) link->bus->on_redis_message(ch, m);
                      });
  }
  return id;
}

int64_t RedisBus::on_gap(std::function<void()> handler) {
  std::lock_guard lock(mu_);
  const int64_t id = next_id_++;
  gap_handlers_.emplace(id, std::move(handler));
  return id;
}

void RedisBus::unsubscribe(int64_t id) {
  // Waits for a delivery in progress (re-entrant when called from inside a handler).
  std::lock_guard delivering(delivering_);
  std::lock_guard lock(mu_);
  subs_.erase(id);
  gap_handlers_.erase(id);
}

void RedisBus::deliver_queued() {
  for (;;) {
    Item item;
    {
      std::lock_guard lock(mu_);
      if (worker_.stopping() || queue_.empty()) return;
      item = std::move(queue_.front());
      queue_.pop_front();
    }
    std::lock_guard delivering(delivering_);
    std::vector<std::function<void()>> calls;
    {
      std::lock_guard lock(mu_);
      if (item.gap) {
        for (const auto& [id, h] : gap_handlers_) calls.push_back(h);
      } else {
        for (const auto& [id, sub] : subs_) {
          if (sub.first == item.channel) {
            calls.push_back([h = sub.second, &item] { h(item.channel, item.message); });
          }
        }
      }
    }
    for (auto& call : calls) {
      try {
        call();
      } catch (const std::exception& e) {
        spdlog::error("bus subscriber of {} failed: {}", item.gap ? "gaps" : item.channel,
                      e.what());
      }
    }
  }
}

}  // namespace lucas::events
