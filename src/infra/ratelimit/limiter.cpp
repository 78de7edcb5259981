#include "infra/ratelimit/limiter.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "base/blocking.h"
#include "infra/redis/redis.h"
#include "infra/telemetry/metrics.h"

namespace lucas::ratelimit {
namespace {
constexpr int kStrikesPerLevel = 10;           // refusals before the first penalty
constexpr Micros kForgiveAfter = 600'000'000;  // strikes fade after 10 quiet minutes
constexpr Micros kMaxPenalty = 3'600'000'000;  // one hour at most
}  // namespace

int retry_after_s(const Decision& d) {
  return static_cast<int>((d.retry_after + 999'999) / 1'000'000);
}

Decision MemoryLimiter::check(const std::string& key, const Policy& policy) {
  side_effect();  // counting twice (an inline attempt, then its redo) would halve the budget
  const Micros now = clock_.now();
  std::string full = policy.name + "|" + key;
  Shard& shard = shards_[std::hash<std::string>{}(full) % kShards];
  std::lock_guard lock(shard.mu);
  // Forget idle keys now and then so memory stays bounded.
  if (++shard.checks % 10'000 == 0) {
    for (auto it = shard.states.begin(); it != shard.states.end();) {
      const State& idle_state = it->second;
      const bool idle =
          (idle_state.allowed.empty() || idle_state.allowed.back() + idle_state.window < now) &&
          idle_state.penalty_until < now && idle_state.last_refusal + kForgiveAfter < now;
      it = idle ? shard.states.erase(it) : std::next(it);
    }
  }
  State& s = shard.states[std::move(full)];
  s.window = std::max(s.window, policy.window);
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

Decision MemoryLimiter::peek(const std::string& key, const Policy& policy) {
  const Micros now = clock_.now();
  const std::string full = policy.name + "|" + key;
  Shard& shard = shards_[std::hash<std::string>{}(full) % kShards];
  std::lock_guard lock(shard.mu);
  Decision d;
  d.limit = policy.limit;
  d.remaining = policy.limit;
  const auto it = shard.states.find(full);
  if (it == shard.states.end()) return d;
  const State& s = it->second;
  const auto first = std::find_if(s.allowed.begin(), s.allowed.end(),
                                  [&](Micros t) { return t + policy.window > now; });
  const int count = static_cast<int>(s.allowed.end() - first);
  const int strikes = s.last_refusal + kForgiveAfter <= now ? 0 : s.strikes;
  d.penalty_level = s.penalty_until > now ? strikes / kStrikesPerLevel : 0;
  if (s.penalty_until > now) {
    d.allowed = false;
    d.retry_after = s.penalty_until - now;
  } else if (count >= policy.limit) {
    d.allowed = false;
    d.retry_after = std::max<Micros>(*first + policy.window - now, 1);
  }
  d.first_refusal = !d.allowed && !s.refused_since_allowed;
  d.remaining = d.allowed ? policy.limit - count : 0;
  d.reset_in = d.allowed ? (count > 0 ? *first + policy.window - now : 0) : d.retry_after;
  return d;
}

// ---------------------------------------------------------------- Redis

namespace {

// The same algorithm as MemoryLimiter::check, on the sorted set KEYS[1] (allowed requests: score
// and member are their time; members get a sequence number so that equal times stay distinct)
// and the hash KEYS[2] (strikes, last_refusal, penalty_until, refused, seq). Times are integers
// in microseconds (exact in Lua doubles below 2^53) and only ever reach Redis as numbers or as
// the caller's own strings. Returns {allowed, remaining, reset_in, retry_after, first_refusal,
// penalty_level}.
const redis::Script kCheck(R"lua(
local zkey, hkey = KEYS[1], KEYS[2]
local now = tonumber(ARGV[1])
local limit = tonumber(ARGV[2])
local window = tonumber(ARGV[3])
local forgive = tonumber(ARGV[4])
local max_penalty = tonumber(ARGV[5])
local per_level = tonumber(ARGV[6])
redis.call('ZREMRANGEBYSCORE', zkey, '-inf', now - window)
local h = redis.call('HMGET', hkey, 'strikes', 'last_refusal', 'penalty_until', 'refused')
local strikes = tonumber(h[1] or '0')
local last_refusal = tonumber(h[2] or '0')
local penalty_until = tonumber(h[3] or '0')
local refused = h[4] == '1'
if strikes > 0 and last_refusal + forgive <= now then strikes = 0 end
local count = redis.call('ZCARD', zkey)
local function front()
  return tonumber(redis.call('ZRANGE', zkey, 0, 0, 'WITHSCORES')[2])
end
local function keep(ttl_us)
  redis.call('PEXPIRE', hkey, math.floor(ttl_us / 1000) + 1000)
end
local function refuse(retry)
  if retry < 1 then retry = 1 end
  local first = 1
  if refused then first = 0 end
  strikes = strikes + 1
  local level = 0
  if strikes >= per_level then
    level = math.floor(strikes / per_level)
    local shift = level - 1
    if shift > 20 then shift = 20 end
    local penalty = window * (2 ^ shift)
    if penalty > max_penalty then penalty = max_penalty end
    if now + penalty > penalty_until then penalty_until = now + penalty end
    if penalty_until - now > retry then retry = penalty_until - now end
  end
  redis.call('HSET', hkey, 'strikes', strikes, 'last_refusal', ARGV[1],
             'penalty_until', penalty_until, 'refused', '1')
  keep(math.max(penalty_until - now, forgive, window))
  return {0, 0, retry, retry, first, level}
end
if penalty_until > now then return refuse(penalty_until - now) end
if count >= limit then return refuse(front() + window - now) end
local seq = redis.call('HINCRBY', hkey, 'seq', 1)
redis.call('ZADD', zkey, ARGV[1], ARGV[1] .. ':' .. seq)
redis.call('HSET', hkey, 'refused', '0', 'strikes', strikes)
redis.call('PEXPIRE', zkey, math.floor(window / 1000) + 1000)
keep(math.max(penalty_until - now, forgive, window))
return {1, limit - count - 1, front() + window - now, 0, 0, 0}
)lua");

// What kCheck would decide, read-only: {allowed, remaining, reset_in, retry_after, first_refusal,
// penalty_level}.
const redis::Script kPeek(R"lua(
local zkey, hkey = KEYS[1], KEYS[2]
local now = tonumber(ARGV[1])
local limit = tonumber(ARGV[2])
local window = tonumber(ARGV[3])
local forgive = tonumber(ARGV[4])
local per_level = tonumber(ARGV[6])
local h = redis.call('HMGET', hkey, 'strikes', 'last_refusal', 'penalty_until', 'refused')
local strikes = tonumber(h[1] or '0')
local last_refusal = tonumber(h[2] or '0')
local penalty_until = tonumber(h[3] or '0')
local first = 1
if h[4] == '1' then first = 0 end
if strikes > 0 and last_refusal + forgive <= now then strikes = 0 end
local inside = redis.call('ZRANGEBYSCORE', zkey, '(' .. (now - window), '+inf', 'WITHSCORES')
local count = #inside / 2
local front = 0
if count > 0 then front = tonumber(inside[2]) end
if penalty_until > now then
  local retry = penalty_until - now
  return {0, 0, retry, retry, first, math.floor(strikes / per_level)}
end
if count >= limit then
  local retry = front + window - now
  if retry < 1 then retry = 1 end
  return {0, 0, retry, retry, first, 0}
end
local reset = 0
if count > 0 then reset = front + window - now end
return {1, limit - count, reset, 0, 0, 0}
)lua");

Decision decision_of(const redis::Reply& r, const Policy& policy) {
  if (r.is_error() || r.elements.size() != 6) {
    throw redis::Unavailable("rate-limit script: " + (r.is_error() ? r.str : "bad reply"));
  }
  Decision d;
  d.limit = policy.limit;
  d.allowed = r.elements[0].integer == 1;
  d.remaining = static_cast<int>(r.elements[1].integer);
  d.reset_in = r.elements[2].integer;
  d.retry_after = r.elements[3].integer;
  d.first_refusal = r.elements[4].integer == 1;
  d.penalty_level = static_cast<int>(r.elements[5].integer);
  return d;
}

}  // namespace

RedisLimiter::RedisLimiter(redis::Client& client, const Clock& clock, telemetry::Registry* metrics,
                           std::string prefix)
    : client_(client), clock_(clock), prefix_(std::move(prefix)), fallback_(clock) {
  if (metrics != nullptr) {
    const std::string help = "Rate-limit decisions by where they were made.";
    on_redis_ = &metrics->counter("lucas_ratelimit_decisions_total", help, {{"backend", "redis"}});
    on_fallback_ =
        &metrics->counter("lucas_ratelimit_decisions_total", help, {{"backend", "in_process"}});
  }
}

Decision RedisLimiter::check(const std::string& key, const Policy& policy) {
  const Micros now = clock_.now();
  const std::string base = prefix_ + policy.name + "|" + key;
  try {
    const redis::Reply r =
        client_.eval(kCheck, {base + ":z", base + ":h"},
                     {std::to_string(now), std::to_string(policy.limit),
                      std::to_string(policy.window), std::to_string(kForgiveAfter),
                      std::to_string(kMaxPenalty), std::to_string(kStrikesPerLevel)});
    const Decision d = decision_of(r, policy);
    if (on_redis_ != nullptr) on_redis_->inc();
    return d;
  } catch (const redis::Unavailable& e) {
    spdlog::debug("rate limit {} decided in-process: {}", policy.name, e.what());
    if (on_fallback_ != nullptr) on_fallback_->inc();
    return fallback_.check(key, policy);
  }
}

Decision RedisLimiter::peek(const std::string& key, const Policy& policy) {
  const std::string base = prefix_ + policy.name + "|" + key;
  try {
    return decision_of(
        client_.eval(kPeek, {base + ":z", base + ":h"},
                     {std::to_string(clock_.now()), std::to_string(policy.limit),
                      std::to_string(policy.window), std::to_string(kForgiveAfter),
                      std::to_string(kMaxPenalty), std::to_string(kStrikesPerLevel)}),
        policy);
  } catch (const redis::Unavailable& e) {
    spdlog::debug("rate limit {} peeked in-process: {}", policy.name, e.what());
    return fallback_.peek(key, policy);
  }
}

}  // namespace lucas::ratelimit
