// The WebSocket hub of one node: which connections are open, for which user, subscribed to which
// topics. It knows nothing of the network: a connection is a Peer (the Beast session in
// infra/http implements it), so the rules below are tested without sockets.
//   - at most `max_per_user` connections per user: a new one closes the oldest (code 4001); on
//     this node by itself, across nodes with a ConnectionRegistry (registry.h);
//   - a resuming connection first receives the notifications it missed (read from the database
//     by the caller), then whatever arrived live meanwhile, each exactly once and in order;
//   - the hub subscribes to the bus ("ws.user", "ws.topic", see wire.h) and delivers to its own
//     connections, so a push on any node reaches the user wherever they are connected.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "base/clock.h"
#include "infra/events/bus.h"
#include "infra/realtime/registry.h"
#include "infra/realtime/wire.h"
#include "infra/telemetry/metrics.h"

namespace lucas::realtime {

// WebSocket close codes the hub uses (4000-4999 are the application's).
inline constexpr uint16_t kCloseGoingAway = 1001;    // server shutting down
inline constexpr uint16_t kCloseReplaced = 4001;     // the user opened a newer connection
inline constexpr uint16_t kCloseTooSlow = 4002;      // the send queue overflowed
inline constexpr uint16_t kCloseBanned = 4003;       // the user was banned
inline constexpr uint16_t kCloseRoleChanged = 4004;  // the user was demoted: reconnect
inline constexpr uint16_t kCloseRevoked = 4005;      // the API client behind the token was revoked

// Who a connection belongs to, as the admission found it: the user, and the API client that
// obtained the WebSocket token ("" for the bot's /web and the console).
struct Admission {
  Admission(int64_t user = 0, std::string client = {})  // NOLINT: a bare user id converts
      : user_id(user), client_id(std::move(client)) {}
  int64_t user_id = 0;
  std::string client_id;
  // Hub::closures() read before the admission's checks: a connection closed for its user or
  // client since then (a ban racing the handshake) is closed as soon as it attaches.
  std::optional<uint64_t> closures_seen;
};

// One open connection, as the hub sees it. Both calls may come from any thread, must not block
// and must not call back into the hub.
class Peer {
 public:
  virtual ~Peer() = default;
  virtual void send(Frame frame) = 0;
  virtual void close(uint16_t code, std::string reason) = 0;
};

// A bounded FIFO of frames for one connection: a client that does not read fast enough fills it
// and is dropped, instead of growing the server's memory.
class SendQueue {
 public:
  SendQueue(size_t max_messages, size_t max_bytes)
      : max_messages_(max_messages), max_bytes_(max_bytes) {}
  // False (and nothing queued) when the frame would exceed either bound.
  bool push(Frame f);
  bool empty() const { return q_.empty(); }
  const Frame& front() const { return q_.front(); }
  void pop();
  size_t size() const { return q_.size(); }
  size_t bytes() const { return bytes_; }
  void clear() {
    q_.clear();
    bytes_ = 0;
  }

 private:
  size_t max_messages_;
  size_t max_bytes_;
  size_t bytes_ = 0;
  std::deque<Frame> q_;
};

struct HubOptions {
  int max_per_user = 3;
  size_t max_topics_per_connection = 32;
  std::string node_id = "local";  // names this node's connections in the registry
};

class Hub {
 public:
  Hub(const Clock& clock, telemetry::Registry* metrics = nullptr, HubOptions options = {});
  ~Hub();
  Hub(const Hub&) = delete;
  Hub& operator=(const Hub&) = delete;

  // Registers a connection of `user_id` and returns its id. With `resuming`, live notifications
  // are held until finish_resume(). Closes the user's oldest connections beyond the limit.
  // `greeting`, when given, is the connection's first frame (sent before any delivery).
  int64_t attach(int64_t user_id, std::shared_ptr<Peer> peer, bool resuming = false,
                 Frame greeting = nullptr);
  // The same for an admission (user and API client; see Admission::closures_seen).
  int64_t attach(const Admission& who, std::shared_ptr<Peer> peer, bool resuming = false,
                 Frame greeting = nullptr);
  void detach(int64_t connection);

  // Closes this node's connections of a user (banned: kCloseBanned; demoted: kCloseRoleChanged),
  // or those opened with a token an API client obtained (revoked: kCloseRevoked), with `reason`;
  // returns how many. Remembered for a while, so a connection admitted before and attached after
  // is closed too.
  size_t close_user(int64_t user_id, uint16_t code, const std::string& reason);
  size_t close_client(const std::string& client_id, uint16_t code, const std::string& reason);
  // How many close_user/close_client calls this hub has seen (see Admission::closures_seen).
  uint64_t closures() const;

  // Sends the missed notifications (ascending ids, read from the database after attach()), then
  // the live ones held meanwhile that were not among them, then a "resumed" message; from then
  // on live notifications flow again (a late duplicate of a replayed one is skipped).
  void finish_resume(int64_t connection, const std::vector<Notification>& missed, bool complete);

  // Decides who may subscribe to which topic: nullopt lets the user in, a text refuses (it is the
  // reason the client is told). Without a guard every topic is open to every connection. Called
  // outside the hub's lock, on the thread of the request; keep it cheap for topics it lets through.
  using TopicGuard =
      std::function<std::optional<std::string>(int64_t user_id, const std::string& topic)>;
  void set_topic_guard(TopicGuard guard);

  // Client requests; false (with a reason) when refused; `forbidden` is set when the topic guard
  // refused (the user may not have the topic), not the request's shape.
  bool subscribe(int64_t connection, const std::string& topic, std::string* why = nullptr,
                 bool* forbidden = nullptr);
  bool unsubscribe(int64_t connection, const std::string& topic);

  // Delivery to this node's connections; returns how many connections were given the frame.
  size_t deliver_to_user(const Notification& n);
  size_t deliver_to_topic(const std::string& topic, const std::string& type,
                          const nlohmann::json& data, Micros time);
  // How many of this node's connections are subscribed to `topic`.
  size_t subscribers(const std::string& topic) const;
  // A frame to one connection (protocol replies).
  void reply(int64_t connection, Frame frame);

  // Subscribes to "ws.user", "ws.topic" and "ws.evict" on the bus (once).
  void listen(events::Bus& bus);
  // From now on the per-user limit also counts the user's connections on other nodes (call
  // before serving; `registry` outlives the hub's connections).
  void use_registry(ConnectionRegistry& registry);
  // This node's name for one of its connections in the registry (unique across restarts).
  std::string registry_name(int64_t connection) const;
  // Closes one of this node's connections as replaced (the registry's verdict); false when it is
  // not open here.
  bool evict(int64_t connection);
  void unlisten();
  // Bus message handlers (public for tests and for a bus that delivers differently).
  void on_bus_message(const std::string& channel, const std::string& message);

  // Graceful shutdown: closes every connection with 1001 and refuses new ones.
  void close_all(const std::string& reason);
  bool closing() const;

  size_t connections() const;
  size_t connections_of(int64_t user_id) const;
  const Clock& clock() const { return clock_; }

 private:
  struct Conn {
    int64_t id = 0;
    int64_t user_id = 0;
    std::string client_id;
    std::shared_ptr<Peer> peer;
    std::set<std::string> topics;
    bool resuming = false;
    std::vector<Notification> held;     // live notifications while resuming
    std::vector<int64_t> replayed_ids;  // sorted; a late live copy of these is skipped
  };
  struct Life;
  struct Closure {
    uint64_t generation = 0;
    int64_t user_id = 0;    // 0: by client
    std::string client_id;  // "": by user
    uint16_t code = 0;
    std::string reason;
    bool matches(int64_t user, const std::string& client) const {
      return user_id != 0 ? user == user_id : !client.empty() && client == client_id;
    }
  };
  static constexpr size_t kRememberedClosures = 1024;
  size_t close_matching(Closure closure);
  std::shared_ptr<Peer> remove_locked(std::map<int64_t, Conn>::iterator it);
  void evicted_by_registry(const std::vector<std::string>& names);
  const Clock& clock_;
  HubOptions options_;
  const std::string instance_;  // node_id + a random suffix: registry names are node/instance:id
  std::shared_ptr<Life> life_;
  ConnectionRegistry* registry_ = nullptr;
  TopicGuard topic_guard_;  // set before serving
  telemetry::Counter* replaced_ = nullptr;
  telemetry::Counter* delivered_ = nullptr;
  telemetry::Counter* bad_bus_messages_ = nullptr;
  mutable std::mutex mu_;
  int64_t next_id_ = 1;
  bool closing_ = false;
  uint64_t closures_ = 0;
  std::deque<Closure> recent_closures_;  // the latest kRememberedClosures
  std::map<int64_t, Conn> conns_;
  std::map<int64_t, std::vector<int64_t>> by_user_;  // oldest first
  std::map<std::string, std::set<int64_t>> by_topic_;
  events::Bus* bus_ = nullptr;
  std::vector<int64_t> bus_subs_;
};

}  // namespace lucas::realtime
