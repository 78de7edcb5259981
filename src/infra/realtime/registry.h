// Which WebSocket connections each user has open across every node, so that "at most 3 per
// user" holds for the platform and not per node. One node's hub enforces the limit among its own
// connections by itself; with a registry it also tells the registry about every connection it
// opens and closes, and closes what the registry says is beyond the limit (its own at once,
// another node's through the "ws.evict" bus message, see wire.h).
//
// The Redis registry keeps, per user, a sorted set of connection ids ordered by a per-user
// sequence (not by the nodes' clocks, which may disagree). Opening adds the newest, removes and
// returns the oldest beyond the limit, all in one script. A node that dies leaves its entries
// behind: they are the oldest, so they are the first evicted (to nobody) and expire with the set
// after a day without a new connection. While Redis is unreachable the limit is per node.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace lucas::redis {
class Client;
}

namespace lucas::realtime {

class ConnectionRegistry {
 public:
  using Evicted = std::function<void(std::vector<std::string> connections)>;
  virtual ~ConnectionRegistry() = default;
  // Records `connection` (unique across nodes and restarts) as `user_id`'s newest and calls
  // `evicted` exactly once, on any thread, with the user's connections beyond `limit`, oldest
  // first (already forgotten by the registry); with none when the registry cannot be reached.
  // Must not block.
  virtual void opened(int64_t user_id, const std::string& connection, int limit,
                      Evicted evicted) = 0;
  // Forgets a closed connection. Must not block; best effort.
  virtual void closed(int64_t user_id, const std::string& connection) = 0;
};

class RedisConnectionRegistry final : public ConnectionRegistry {
 public:
  explicit RedisConnectionRegistry(redis::Client& client, std::string prefix = "lucas:ws:conns:");
  void opened(int64_t user_id, const std::string& connection, int limit, Evicted evicted) override;
  void closed(int64_t user_id, const std::string& connection) override;

 private:
  std::string key(int64_t user_id) const;
  redis::Client& client_;
  const std::string prefix_;
};

}  // namespace lucas::realtime
