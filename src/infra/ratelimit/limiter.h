// Rate limits: an exact sliding window per key (at most `limit` allowed requests in any
// `window`), with progressive penalties for keys that keep hitting the limit. This is the
// in-process implementation; the Redis one (shared by several nodes) comes with issue 5.
#pragma once

#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <unordered_map>

#include "base/clock.h"

namespace lucas::ratelimit {

struct Policy {
  std::string name;  // "api", "bot", ...
  int limit = 100;
  Micros window = 60'000'000;
};

struct Decision {
  bool allowed = true;
  int limit = 0;
  int remaining = 0;           // requests left in the current window
  Micros reset_in = 0;         // until the oldest counted request leaves the window
  Micros retry_after = 0;      // when refused: how long to wait
  bool first_refusal = false;  // the first refusal since the last allowed request
  int penalty_level = 0;       // > 0 while a progressive penalty applies
};

class Limiter {
 public:
  explicit Limiter(const Clock& clock) : clock_(clock) {}
  Decision check(const std::string& key, const Policy& policy);

 private:
  struct State {
    std::deque<Micros> allowed;  // times of allowed requests still inside the window
    int strikes = 0;             // refusals since the key was last well-behaved
    Micros last_refusal = 0;
    Micros penalty_until = 0;
    bool refused_since_allowed = false;
  };
  const Clock& clock_;
  std::mutex mu_;
  std::unordered_map<std::string, State> states_;
  int64_t checks_ = 0;
};

}  // namespace lucas::ratelimit
