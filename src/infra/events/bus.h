// A message bus between nodes: every subscriber of a channel, on every node, receives what is
// published there. In-process by default (LocalBus); Redis pub/sub when Redis is configured, so
// that several `lucas serve` nodes behave as one. Delivery is best effort (at most once): what
// must not be lost is written to the outbox and replayed from the database, and the bus carries
// only what follows from it (WebSocket pushes, cache invalidations, leaderboard changes).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>

namespace lucas::events {

class Bus {
 public:
  using Handler = std::function<void(const std::string& channel, const std::string& message)>;
  virtual ~Bus() = default;

  // Delivers `message` to every subscriber of `channel` on every node. Never throws for a bus
  // outage (it is logged and counted); throws only for a programming error (empty channel).
  virtual void publish(const std::string& channel, const std::string& message) = 0;
  // Handlers must be quick and must not throw (a throw is logged and swallowed). Returns an id
  // for unsubscribe.
  virtual int64_t subscribe(const std::string& channel, Handler handler) = 0;
  // Removes a subscription or a gap handler. Once it returns, that handler is not running and will
  // not be called again (unless called from inside that very handler).
  virtual void unsubscribe(int64_t id) = 0;
  // `handler` runs after this node may have missed messages from other nodes: each time the bus
  // (re)connects to them (a Redis restart, a network cut). Subscribers that must not miss
  // anything catch up from their system of record then. Returns an id for unsubscribe. The
  // in-process bus never misses anything and never calls it.
  virtual int64_t on_gap(std::function<void()> handler) {
    (void)handler;
    return 0;
  }
};

// Delivers synchronously on the publisher's thread to this process's subscribers.
class LocalBus final : public Bus {
 public:
  void publish(const std::string& channel, const std::string& message) override;
  int64_t subscribe(const std::string& channel, Handler handler) override;
  void unsubscribe(int64_t id) override;

  // Delivers to local subscribers only (a Redis bus calls this for what it receives).
  void deliver(const std::string& channel, const std::string& message);

 private:
  struct Sub {
    std::string channel;
    Handler handler;
  };
  std::mutex mu_;
  int64_t next_id_ = 1;
  std::map<int64_t, Sub> subs_;
};

}  // namespace lucas::events
