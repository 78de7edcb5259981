// A Redis client: hiredis 0.14's asynchronous API driven by its own Asio event loop (one I/O
// thread that owns every hiredis context; the fds are registered with
// asio::posix::stream_descriptor, so nothing on that thread ever blocks).
//
//   - Commands are pipelined on one connection; each has a timeout (an Asio timer: hiredis 0.14
//     has none). A timed-out command fails, and the connection is dropped and re-opened (a
//     connection that stops answering is not trusted with the next command).
//   - Circuit breaker: while the connection is down every command fails at once with
//     `Unavailable`, without touching the network. Reconnection is the probe: it is retried with
//     exponential backoff (retry_min .. retry_max, jittered), and the breaker closes when a
//     connection answers AUTH/SELECT/PING. Each transition is logged once and counted
//     (lucas_redis_breaker_transitions_total, lucas_redis_up).
//   - A synchronous facade (command, eval) for worker threads waits at most the command timeout.
//     It must not be called on the Redis I/O thread (std::logic_error) — async callbacks and
//     pub/sub handlers run there, so they must be quick and hand real work to another thread.
//   - Pub/sub uses a second connection that re-subscribes after every reconnect and then calls
//     the on_subscribed handlers: messages published while it was down are lost (pub/sub is at
//     most once), and callers catch up from their system of record there.
//
// Callers treat Unavailable as "Redis is not there right now" and fall back (in-process
// implementation, or the database); nothing here retries a command.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "base/error.h"

namespace lucas::telemetry {
class Registry;
}

namespace lucas::redis {

// redis://[[user]:password@]host[:port][/db]
struct Url {
  std::string host = "127.0.0.1";
  int port = 6379;
  int db = 0;
  std::string user;      // Redis 6 ACL user; empty: the default user
  std::string password;  // secret: never logged
  // "redis://host:port/db", with the password masked.
  std::string describe() const;
};
// std::invalid_argument (without echoing a password) for anything else.
Url parse_url(const std::string& url);

struct Reply {
  enum class Type { kNil, kInteger, kString, kStatus, kError, kArray };
  Type type = Type::kNil;
  int64_t integer = 0;
  std::string str;  // kString, kStatus and kError
  std::vector<Reply> elements;

  bool is_nil() const { return type == Type::kNil; }
  bool is_error() const { return type == Type::kError; }
};

// Redis cannot be used now: the breaker is open, the command timed out, or the connection dropped
// before the reply. SERVICE_UNAVAILABLE.
class Unavailable : public Error {
 public:
  explicit Unavailable(const std::string& why)
      : Error(ErrorCode::kUnavailable, "redis is unavailable: " + why, nullptr, 1) {}
};

// What an asynchronous command ends with.
struct Outcome {
  enum class Failure { kNone, kUnavailable, kTimeout, kDisconnected };
  Failure failure = Failure::kNone;
  std::string message;  // why it failed
  Reply reply;          // when failure == kNone (may itself be an error reply)
  bool ok() const { return failure == Failure::kNone; }
};

struct Options {
  std::chrono::milliseconds connect_timeout{1000};
  std::chrono::milliseconds command_timeout{500};
  std::chrono::milliseconds retry_min{100};
  std::chrono::milliseconds retry_max{5000};
  std::string name = "redis";  // in logs and metric labels
};

// A Lua script, run by its SHA-1 (EVALSHA) and sent in full only when Redis does not know it yet.
class Script {
 public:
  explicit Script(std::string source);
  const std::string& source() const { return source_; }
  const std::string& sha1() const { return sha1_; }

 private:
  std::string source_;
  std::string sha1_;
};

class Client {
 public:
  using Callback = std::function<void(Outcome)>;
  using MessageHandler =
      std::function<void(const std::string& channel, const std::string& message)>;

  // Starts the I/O thread and the first connection attempt; never blocks on the network.
  Client(Url url, Options options = {}, telemetry::Registry* metrics = nullptr);
  // Waits (up to the command timeout) for replies still in flight, then closes.
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  // From any thread. `cb` runs exactly once, on the Redis I/O thread.
  void async_command(std::vector<std::string> argv, Callback cb);
  // From any thread but the I/O thread. Returns the reply (error replies included); throws
  // Unavailable when Redis cannot answer within the command timeout.
  Reply command(std::vector<std::string> argv);
  // EVALSHA, or EVAL when the script is not cached on the server. Same contract as command().
  Reply eval(const Script& script, const std::vector<std::string>& keys,
             const std::vector<std::string>& args);

  // True while the breaker is closed (connected and answering).
  bool up() const;
  // Waits until up() or the timeout (startup, tests). False on timeout.
  bool wait_up(std::chrono::milliseconds timeout) const;
  // Breaker transitions to open so far (tests and diagnostics).
  int64_t outages() const;
  const Url& url() const;
  const Options& options() const;
  // True on the Redis I/O thread.
  bool on_io_thread() const;

  // Pub/sub (second connection, opened on first use). Handlers run on the I/O thread.
  void subscribe(const std::string& channel, MessageHandler handler);
  // Called on the I/O thread after every successful (re)subscription to all channels.
  void on_subscribed(std::function<void()> handler);
  // Fire and forget; false when the breaker is open (the message is dropped).
  bool publish(const std::string& channel, const std::string& message);

  struct Impl;  // connection.h (internal to src/infra/redis)

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace lucas::redis
