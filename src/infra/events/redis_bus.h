// The Bus across nodes on Redis pub/sub: a message published on any node reaches the subscribers
// of its channel on every node (this one included) — at most once, like pub/sub itself.
//
//   - Every delivery on this node (its own messages and other nodes') runs on one bus thread, in
//     the order the node received them; handlers must be quick (they hold up the next message).
//     A message of this node is delivered locally without a round trip and even while Redis is
//     down; other nodes miss it then (on_gap tells them when they are connected again).
//   - Redis channels are `prefix + channel`; a message carries its sender's node id, so a node
//     ignores its own messages coming back from Redis.
//   - At most `max_queue` undelivered messages are held; beyond that new ones are dropped (and
//     counted): what must arrive goes through the outbox, which catches up from the database.
#pragma once

#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>

#include "infra/events/bus.h"
#include "infra/redis/redis.h"
#include "infra/worker/worker.h"

namespace lucas::telemetry {
class Counter;
class Registry;
}  // namespace lucas::telemetry

namespace lucas::events {

class RedisBus final : public Bus {
 public:
  RedisBus(redis::Client& client, std::string node_id, telemetry::Registry* metrics = nullptr,
           std::string prefix = "lucas:bus:", size_t max_queue = 100'000);
  ~RedisBus() override;
  RedisBus(const RedisBus&) = delete;
  RedisBus& operator=(const RedisBus&) = delete;

  void publish(const std::string& channel, const std::string& message) override;
  int64_t subscribe(const std::string& channel, Handler handler) override;
  void unsubscribe(int64_t id) override;
  int64_t on_gap(std::function<void()> handler) override;

  const std::string& node_id() const { return node_id_; }

 private:
  struct Item {
    bool gap = false;
    std::string channel;
    std::string message;
  };
  void enqueue(Item item);
  void deliver_queued();  // the worker's round: the queued items, in order, until stopping
  void on_redis_message(const std::string& redis_channel, const std::string& payload);

  // What the client's callbacks (on its I/O thread) reach: nothing once the bus is destroyed,
  // since the client may outlive it.
  struct Link {
    std::mutex mu;
    RedisBus* bus = nullptr;
  };
  std::shared_ptr<Link> link_ = std::make_shared<Link>();

  redis::Client& client_;
  const std::string node_id_;
  const std::string prefix_;
  const size_t max_queue_;

  std::mutex mu_;  // subscriptions and the queue
  std::deque<Item> queue_;
  int64_t next_id_ = 1;
  std::map<int64_t, std::pair<std::string, Handler>> subs_;
  std::map<int64_t, std::function<void()>> gap_handlers_;
  std::set<std::string> redis_channels_;  // subscribed at Redis (never undone)

  std::recursive_mutex delivering_;  // held while a handler runs
  telemetry::Counter* published_ = nullptr;
  telemetry::Counter* received_ = nullptr;
  telemetry::Counter* dropped_ = nullptr;
  worker::Worker worker_{"bus"};  // last: stopped before the members above go
};

}  // namespace lucas::events
