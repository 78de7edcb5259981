// Internal to the Redis client (client.cpp, connection.cpp): one hiredis async context and its
// reconnection state machine (Conn), a command waiting for its reply (Pending) and the client's
// state (Client::Impl). Everything here is touched on the Redis I/O thread only, unless marked.
#pragma once

#include <hiredis/async.h>
#include <hiredis/hiredis.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>

#include <atomic>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <set>
#include <thread>

#include "infra/redis/redis.h"
#include "infra/telemetry/metrics.h"

namespace lucas::redis {
namespace net = boost::asio;
using std::chrono::milliseconds;

// One hiredis async context and its reconnection state machine. Touched on the I/O thread only.
struct Conn : std::enable_shared_from_this<Conn> {
  enum class State { kIdle, kConnecting, kHandshake, kUp, kWaiting };

  Conn(Client::Impl& i, bool pubsub, std::string label);

  void start();
  void open(const std::string& ip);
  void handshake();
  void handshake_step(size_t step);
  void mark_up();
  void went_down();
  void abort(const std::string& why);
  void close();
  void arm_read();
  void arm_write();
  void on_cleanup();
  void sync_subscriptions();
  // Sends an internal command whose reply goes to `fn` (nullptr reply: the connection went away).
  bool send(const std::vector<std::string>& argv, std::function<void(redisReply*)> fn);

  Client::Impl& impl;
  const bool is_sub;
  const std::string label;
  redisAsyncContext* ac = nullptr;
  std::unique_ptr<net::posix::stream_descriptor> sd;
  uint64_t attempt = 0;
  bool want_read = false, want_write = false, read_armed = false, write_armed = false;
  State state = State::kIdle;
  std::string last_error;
  int failures = 0;
  milliseconds backoff{0};
  bool ever_up = false;
  bool reported_down = false;
  net::steady_timer retry_timer;
  net::steady_timer connect_timer;
  net::ip::tcp::resolver resolver;
  // Pub/sub: channels sent in SUBSCRIBE on this attempt, and their confirmations.
  std::set<std::string> sent;
  size_t confirmed = 0;
  bool can_subscribe = false;
};

struct Pending {
  explicit Pending(net::io_context& ioc) : timer(ioc) {}
  Client::Callback cb;
  net::steady_timer timer;
  bool done = false;
};

struct Client::Impl {
  Impl(Url u, Options o, telemetry::Registry* m);
  void submit(std::vector<std::string> argv, Callback cb);
  void finish(Pending& p, Outcome o);
  void set_up(bool v);
  void deliver(const std::string& channel, const std::string& message);
  void subscribed();
  void ensure_sub();
  void shutdown();

  Url url;
  Options opt;
  net::io_context ioc;
  net::executor_work_guard<net::io_context::executor_type> work;
  std::mt19937 rng{std::random_device{}()};
  std::shared_ptr<Conn> cmd;
  std::shared_ptr<Conn> sub;  // created on the first subscribe
  std::map<std::string, std::vector<MessageHandler>> channels;
  std::vector<std::function<void()>> subscribed_handlers;
  bool closing = false;

  std::atomic<bool> up{false};
  std::atomic<int64_t> outages{0};
  std::atomic<int> open_contexts{0};
  mutable std::mutex mu;
  mutable std::condition_variable cv;

  telemetry::Counter* ok_count = nullptr;
  telemetry::Counter* error_count = nullptr;
  telemetry::Counter* timeout_count = nullptr;
  telemetry::Counter* unavailable_count = nullptr;
  telemetry::Counter* opened_count = nullptr;
  telemetry::Counter* closed_count = nullptr;
  std::shared_ptr<std::atomic<int>> up_gauge = std::make_shared<std::atomic<int>>(0);

  std::thread thread;  // last: started once everything above exists
};

inline void count(telemetry::Counter* c) {
  if (c != nullptr) c->inc();
}

}  // namespace lucas::redis
