// Rate limits: an exact sliding window per key (at most `limit` allowed requests in any
// `window`), with progressive penalties for keys that keep hitting the limit: every 10 refusals
// without 10 quiet minutes raise the level, and level n refuses everything for
// min(window * 2^(n-1), 1 hour).
//
// Two implementations with one behaviour (one contract suite, tests/infra/ratelimit): in-process
// (one node), and Redis (shared by every node: the window and the penalty state live in Redis and
// each decision is one atomic Lua script). Time always comes from the caller's Clock.
#pragma once

#include <array>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <unordered_map>

#include "base/clock.h"

namespace lucas::redis {
class Client;
}
namespace lucas::telemetry {
class Counter;
class Registry;
}  // namespace lucas::telemetry

namespace lucas::ratelimit {

struct Policy {
  std::string name;  // "api", "bot", ...
  int limit = 100;
  Micros window = 60'000'000;
};

// Issue 5 / requirement 32: per user or API key (per IP address until a request is authenticated).
inline Policy api_policy(int per_minute = 100) {
  return {"api", per_minute, 60'000'000};
}
// Bot commands per Telegram user.
inline Policy bot_policy(int per_minute = 20) {
  return {"bot", per_minute, 60'000'000};
}
// Chat messages per user (for the chat feature).
inline Policy chat_policy(int per_minute = 10) {
  return {"chat", per_minute, 60'000'000};
}

struct Decision {
  bool allowed = true;
  int limit = 0;
  int remaining = 0;           // requests left in the current window
  Micros reset_in = 0;         // until the oldest counted request leaves the window
  Micros retry_after = 0;      // when refused: how long to wait
  bool first_refusal = false;  // the first refusal since the last allowed request
  int penalty_level = 0;       // > 0 while a progressive penalty applies
};

// What a refused client is told to wait, in whole seconds: retry_after rounded up, so that a
// client who waits that long is not refused again by the same window (0 when allowed). Every
// face says it this way: the Retry-After header, the retry_after field, "try again in N s".
int retry_after_s(const Decision& d);

class Limiter {
 public:
  virtual ~Limiter() = default;
  // Counts the request against `key` under `policy` (if allowed) and says whether it may proceed.
  virtual Decision check(const std::string& key, const Policy& policy) = 0;
  // What check() would decide now, without counting anything or changing any state: for limits
  // that count only some requests (failed logins) but refuse every request past them.
  virtual Decision peek(const std::string& key, const Policy& policy) = 0;
};

// In-process: exact, bounded (idle keys are forgotten), thread-safe.
class MemoryLimiter final : public Limiter {
 public:
  explicit MemoryLimiter(const Clock& clock) : clock_(clock) {}
  Decision check(const std::string& key, const Policy& policy) override;
  Decision peek(const std::string& key, const Policy& policy) override;

 private:
  struct State {
    std::deque<Micros> allowed;  // times of allowed requests still inside the window
    Micros window = 0;           // the policy's, for forgetting the key when idle
    int strikes = 0;             // refusals since the key was last well-behaved
    Micros last_refusal = 0;
    Micros penalty_until = 0;
    bool refused_since_allowed = false;
  };
  // Keys are spread over shards, each with its own lock, so that threads deciding for different
  // keys rarely wait for each other.
  struct Shard {
    std::mutex mu;
    std::unordered_map<std::string, State> states;
    int64_t checks = 0;
  };
  static constexpr size_t kShards = 32;
  const Clock& clock_;
  std::array<Shard, kShards> shards_;
};

// On Redis, shared by all nodes: a sorted set of the allowed requests' times and a hash of the
// penalty state per key, updated atomically by one script per decision; keys expire once they no
// longer matter. While Redis is unreachable, decisions fall back to an in-process MemoryLimiter
// (each node then limits on its own), and return to Redis by themselves when it is back.
class RedisLimiter final : public Limiter {
 public:
  RedisLimiter(redis::Client& client, const Clock& clock, telemetry::Registry* metrics = nullptr,
               std::string prefix = "lucas:rl:");
  Decision check(const std::string& key, const Policy& policy) override;
  Decision peek(const std::string& key, const Policy& policy) override;

 private:
  redis::Client& client_;
  const Clock& clock_;
  std::string prefix_;
  MemoryLimiter fallback_;
  telemetry::Counter* on_redis_ = nullptr;
  telemetry::Counter* on_fallback_ = nullptr;
};

}  // namespace lucas::ratelimit
