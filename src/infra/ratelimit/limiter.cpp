#include "infra/ratelimit/limiter.h"

#include <algorithm>

namespace lucas::ratelimit {
namespace {
constexpr int kStrikesPerLevel = 10;           // refusals before the first penalty
constexpr Micros kForgiveAfter = 600'000'000;  // strikes fade after 10 quiet minutes
constexpr Micros kMaxPenalty = 3'600'000'000;  // one hour at most
}  // namespace

Decision Limiter::check(const std::string& key, const Policy& policy) {
  const Micros now = clock_.now();
  std::lock_guard lock(mu_);
  // Forget idle keys now and then so memory stays bounded.
  if (++checks_ % 10'000 == 0) {
    for (auto it = states_.begin(); it != states_.end();) {
      const bool idle =
          (it->second.allowed.empty() || it->second.allowed.back() + policy.window < now) &&
          it->second.penalty_until < now && it->second.last_refusal + kForgiveAfter < now;
      it = idle ? states_.erase(it) : std::next(it);
    }
  }
  State& s = states_[policy.name + "|" + key];
  while (!s.allowed.empty() && s.allowed.front() + policy.window <= now) s.allowed.pop_front();
  if (s.strikes > 0 && s.last_refusal + kForgiveAfter <= now) s.strikes = 0;

  Decision d;
  d.limit = policy.limit;
  auto refuse = [&](Micros retry) {
    d.allowed = false;
    d.retry_after = std::max<Micros>(retry, 1);
    d.first_refusal = !s.refused_since_allowed;
    s.refused_since_allowed = true;
    ++s.strikes;
    s.last_refusal = now;
    if (s.strikes >= kStrikesPerLevel) {
      // Repeat offenders wait longer each time: one window, then 2, 4, ... up to an hour.
      const int level = s.strikes / kStrikesPerLevel;
      const Micros penalty = std::min(kMaxPenalty, policy.window << std::min(level - 1, 20));
      s.penalty_until = std::max(s.penalty_until, now + penalty);
      d.retry_after = std::max(d.retry_after, s.penalty_until - now);
      d.penalty_level = level;
    }
    d.remaining = 0;
    d.reset_in = d.retry_after;
    return d;
  };
  if (s.penalty_until > now) return refuse(s.penalty_until - now);
  if (static_cast<int>(s.allowed.size()) >= policy.limit) {
    return refuse(s.allowed.front() + policy.window - now);
  }
  s.allowed.push_back(now);
  s.refused_since_allowed = false;
  d.remaining = policy.limit - static_cast<int>(s.allowed.size());
  d.reset_in = s.allowed.front() + policy.window - now;
  return d;
}

}  // namespace lucas::ratelimit
